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

/** The per-message event types, which can also be sampled (GossipEvents.sample). */
export type SampledEventType = "send" | "receive";

/** A sampled subscription: `setEvery` changes the stride, `off` unsubscribes. */
export interface SampledSubscription {
  setEvery(every: number): void;
  off(): void;
}

interface Sampler {
  every: number;
  countdown: number;
  due: boolean;
  listener: Listener<GossipEvent>;
}

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
  private readonly samplers: { [K in SampledEventType]: Sampler[] } = { send: [], receive: [] };

  /** Subscribes to one event type; returns the unsubscribe function. */
  on<K extends GossipEventType>(type: K, listener: Listener<GossipEventMap[K]>): () => void {
    const list = this.listeners[type] as Array<Listener<GossipEventMap[K]>>;
    list.push(listener);
    this.listening[type] = true;
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
      this.listening[type] = list.length > 0 || (type in this.samplers && this.samplers[type as SampledEventType].length > 0);
    };
  }

  /**
   * Subscribes to a systematic sample of a per-message type: every `every`-th event (a
   * consumer that counts messages elsewhere — Replica.traffic — and wants a few of them, e.g.
   * for a topology view). Emitters ask `wants(type)` first, so the events left out of every
   * sample are never built: a sample costs one countdown per message.
   */
  sample<K extends SampledEventType>(type: K, every: number, listener: Listener<GossipEventMap[K]>): SampledSubscription {
    const sampler: Sampler = { every: strideOf(every), countdown: strideOf(every), due: false, listener: listener as Listener<GossipEvent> };
    const list = this.samplers[type];
    list.push(sampler);
    this.listening[type] = true;
    return {
      setEvery: (n) => {
        sampler.every = strideOf(n);
        if (sampler.countdown > sampler.every) sampler.countdown = sampler.every;
      },
      off: () => {
        const i = list.indexOf(sampler);
        if (i >= 0) list.splice(i, 1);
        this.listening[type] = this.listeners[type].length > 0 || list.length > 0;
      },
    };
  }

  /**
   * For emitters of sampled types: is the next event of `type` wanted (a listener of every
   * event, or a sample that is due)? Ask once per event, and emit it when the answer is true.
   */
  wants(type: SampledEventType): boolean {
    if (!this.listening[type]) return false;
    const samplers = this.samplers[type];
    if (samplers.length === 0) return true;
    let wanted = this.listeners[type].length > 0;
    for (let i = 0; i < samplers.length; i++) {
      const s = samplers[i]!;
      if (--s.countdown > 0) continue;
      s.countdown = s.every;
      s.due = true;
      wanted = true;
    }
    return wanted;
  }

  /** Subscribes to every event type; returns the unsubscribe function. */
  onAny(listener: Listener<GossipEvent>): () => void {
    const offs = (Object.keys(this.listeners) as GossipEventType[]).map((t) => this.on(t, listener));
    return () => offs.forEach((off) => off());
  }

  /** Delivers an event to the listeners of its type (callers check `listening`, or `wants` for sampled types, first). */
  emit<K extends GossipEventType>(event: GossipEventMap[K]): void {
    const list = this.listeners[event.type as K] as Array<Listener<GossipEventMap[K]>>;
    for (let i = 0; i < list.length; i++) list[i]!(event);
    if (event.type !== "send" && event.type !== "receive") return;
    const samplers = this.samplers[event.type];
    for (let i = 0; i < samplers.length; i++) {
      const s = samplers[i]!;
      if (!s.due) continue;
      s.due = false;
      s.listener(event);
    }
  }
}

function strideOf(every: number): number {
  if (!Number.isFinite(every) || every < 1) throw new RangeError(`a sample takes every n-th event, n >= 1; got ${every}`);
  return Math.floor(every);
}
