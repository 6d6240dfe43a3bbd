import type { Dot, DotRange } from "@driftscope/crdt";
import type { GossipConfig } from "./config.js";
import type { DropReason } from "./net/Transport.js";
import type { MessageKind, PayloadKind } from "./wire/message.js";

/** A local update was applied at `replica`, creating `dot`. */
export interface UpdateEvent {
  type: "update";
  atMs: number;
  replica: string;
  dot: Dot;
}

/** A gossip message left `from` for `to` (`bytes`: encoded message length actually sent). */
export interface SendEvent {
  type: "send";
  atMs: number;
  from: string;
  to: string;
  bytes: number;
  kind: MessageKind;
  payload: PayloadKind;
  /** A `state` message carrying the whole state (not a delta-group). */
  full: boolean;
}

/** A gossip message reached `to` (and was decoded). */
export interface ReceiveEvent {
  type: "receive";
  atMs: number;
  from: string;
  to: string;
  bytes: number;
  kind: MessageKind;
  payload: PayloadKind;
  full: boolean;
}

/** Received state was merged into `replica`. */
export interface MergeEvent {
  type: "merge";
  atMs: number;
  replica: string;
  from: string;
  bytes: number;
  payload: PayloadKind;
  full: boolean;
  /** Did the merge change the state? */
  changed: boolean;
  /** Dots the merge newly included (empty when unchanged). */
  newlyIncluded: readonly DotRange[];
}

/** The network did not deliver a message. */
export interface DropEvent {
  type: "drop";
  atMs: number;
  from: string;
  to: string;
  bytes: number;
  reason: DropReason;
}

/** A replica joined, left, crashed or was restored. */
export interface MembershipEvent {
  type: "membership";
  atMs: number;
  replica: string;
  change: "join" | "leave" | "crash" | "restore";
  /** restore only: was the state kept? */
  keepState?: boolean;
}

/** A replica started running config `version` (at its first tick after the change). */
export interface ConfigAppliedEvent {
  type: "config";
  atMs: number;
  replica: string;
  version: number;
  config: Readonly<GossipConfig>;
}

/** Event types by name. */
export interface GossipEventMap {
  update: UpdateEvent;
  send: SendEvent;
  receive: ReceiveEvent;
  merge: MergeEvent;
  drop: DropEvent;
  membership: MembershipEvent;
  config: ConfigAppliedEvent;
}

/** Any gossip event (a plain object, discriminated on `type`). */
export type GossipEvent = GossipEventMap[keyof GossipEventMap];
export type GossipEventType = keyof GossipEventMap;

type Listener<E> = (event: E) => void;

/**
 * One typed event hub, shared by every replica of a cluster and its network, so a consumer
 * (the agent) subscribes once per cluster. Emitters check `listening[type]` before building an
 * event object: nothing is allocated for types nobody listens to.
 */
export class GossipEvents {
  /** Per type: is anyone listening? Read by emitters on the hot path. */
  readonly listening: { [K in GossipEventType]: boolean } = {
    update: false, send: false, receive: false, merge: false, drop: false, membership: false, config: false,
  };
  private readonly listeners: { [K in GossipEventType]: Array<Listener<GossipEventMap[K]>> } = {
    update: [], send: [], receive: [], merge: [], drop: [], membership: [], config: [],
  };

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<K extends GossipEventType>(type: K, listener: Listener<GossipEventMap[K]>): () => void {
    const list = this.listeners[type] as Array<Listener<GossipEventMap[K]>>;
    list.push(listener);
    this.listening[type] = true;
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
      this.listening[type] = list.length > 0;
    };
  }

  /** Subscribes to every event type; returns the unsubscribe function. */
  onAny(listener: Listener<GossipEvent>): () => void {
    const offs = (Object.keys(this.listeners) as GossipEventType[]).map((t) => this.on(t, listener));
    return () => offs.forEach((off) => off());
  }

  /** Delivers an event to the listeners of its type (callers check `listening` first). */
  emit<K extends GossipEventType>(event: GossipEventMap[K]): void {
    const list = this.listeners[event.type as K] as Array<Listener<GossipEventMap[K]>>;
    for (let i = 0; i < list.length; i++) list[i]!(event);
  }
}
