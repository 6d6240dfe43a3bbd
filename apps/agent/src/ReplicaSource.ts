// What the agent observes. A replica source is anything that can describe one replica:
// its digest (version vector, state hash, size, value summary) on demand, and its
// updates and sync events as they happen. Our own gossip replicas are one kind of
// source (`fromGossipReplica`); a node built on something else (Yjs, Automerge, a
// hand-written store) needs a small adapter implementing this interface.
import {
  withConfig,
  type GossipConfig,
  type GossipEvents,
  type InclusionJournal,
  type MessageKind,
  type Replica,
  type ReplicaTraffic,
  type SampledSubscription,
} from "@driftscope/gossip";
import type { ClusterConfig, KindCounter, SyncCounters, SyncKind } from "@driftscope/protocol";

/** A version vector as a source can give it: a Map, or `[origin, seq]` pairs (0s may be left out). */
export type VersionVectorInput = ReadonlyMap<string, number> | Iterable<readonly [string, number]>;

/** Everything the collector needs to know about a replica's state at one moment. */
export interface ReplicaDigest {
  /** For each origin replica, the highest seq such that all its dots 1..seq are in the state. */
  versionVector: VersionVectorInput;
  /** Hash of the canonical state: equal states have equal hashes (compared for equality only). */
  hash: string;
  /** Size of the state in bytes. */
  bytes: number;
  /** Short human summary of the value (≤ 256 chars), e.g. "count=42". */
  summary: string;
}

/** Hash, size and summary without the version vector (cheap to read every tick). */
export type StateDigest = Omit<ReplicaDigest, "versionVector">;

/** A run of dots of one origin, seqs `from..to` inclusive (the shape of crdt's `DotRange`). */
export interface DotRun {
  readonly replica: string;
  readonly from: number;
  readonly to: number;
}

/** Whether a replica is running or (simulated) crashed. */
export type ReplicaRunState = "up" | "crashed";

/**
 * Where a source reports what happens. Every method is cheap (a few counter increments)
 * and never throws, so a source may call it from its hot path.
 */
export interface ReplicaObserver {
  /** The replica issued local update `seq` (its dot `(id, seq)`). */
  updated(seq: number): void;
  /** A gossip message of `bytes` bytes left the replica for `peer` (not needed from a source with `syncCounters`). */
  sent(kind: SyncKind | string, bytes: number, peer?: string): void;
  /**
   * A gossip message of `bytes` bytes arrived from `peer`. A source with `syncCounters` may
   * report only a sample of its messages here: they then light the topology view and are not
   * counted.
   */
  received(kind: SyncKind | string, bytes: number, peer?: string): void;
  /**
   * A payload was merged. `included`: the dots it newly included, when the source knows
   * them (gives exact inclusion times and sparse changes without re-reading the vector);
   * without them a changed merge makes the agent re-read the digest and compare.
   */
  merged(changed: boolean, included?: readonly DotRun[], peer?: string): void;
  /** The state changed in a way not described above; the agent re-reads the digest. */
  changed(): void;
  /** The replica crashed (simulated) or was restored. */
  status(state: ReplicaRunState): void;
}

/** A replica the agent can observe. Only `id`, `crdtType`, `digest` and `observe` are required. */
export interface ReplicaSource {
  /** Stable replica id (1–128 chars of `A-Za-z0-9._:-`). */
  readonly id: string;
  /** CRDT type label, e.g. "awset" (foreign nodes may use their own, e.g. "yjs-doc"). */
  readonly crdtType: string;
  /** The replica's digest right now. */
  digest(): ReplicaDigest;
  /** Starts delivering events to `observer`; returns a function that stops it. */
  observe(observer: ReplicaObserver): () => void;
  /** Optional fast path: one version-vector entry (0 if absent), so sparse reports need no copy. */
  versionVectorEntry?(origin: string): number;
  /** Optional fast path: hash, size and summary without the version vector. */
  stateDigest?(): StateDigest;
  /**
   * Optional fast path: calls `visit` with each run of dots the replica newly included since
   * the previous call — origin, first and last seq, and how many ms before this call it was
   * merged — oldest first. Returns false when some were lost (the agent then sends the whole
   * vector). With it the agent reads inclusions once a tick and needs no `merged` calls.
   */
  drainIncluded?(visit: (origin: string, from: number, to: number, ageMs: number) => void): boolean;
  /**
   * Optional fast path: the replica's cumulative sync counters, kept by the source itself
   * (cheap increments where its messages go out and come in). The agent then reads them once
   * per tick instead of counting every `sent`, `received` and `merged` call.
   */
  syncCounters?(): SyncCounters;
  /** Highest seq this replica issued itself (default: its own version-vector entry). */
  seq?(): number;
  /**
   * Bumped each time the replica restarts without its state (default 0). The agent then
   * announces the new incarnation in hello and reports the seqs it issues from then on;
   * a restarted replica must not re-issue update ids (docs/protocol.md §3.7).
   */
  incarnation?(): number;
  /** Running or crashed (default "up"). */
  runState?(): ReplicaRunState;
  /**
   * The config version the replica runs right now, for sources that take a config some
   * time after `applyConfig` (a gossip replica: at its next tick). Without it the agent
   * reports the version as running as soon as `applyConfig` returned.
   */
  configVersion?(): number | undefined;
  /**
   * Checks that this replica can run `config`; returns the reason when it cannot. Called
   * for every replica before any is changed, so a refused config changes nothing.
   */
  checkConfig?(config: ClusterConfig): string | undefined;
  /** Applies the replica's part of `config` (gossip settings…); called only after every check passed. */
  applyConfig?(config: ClusterConfig): void;
}

/** Copies a version-vector input into a Map without zero entries. */
export function toVersionVectorMap(input: VersionVectorInput): Map<string, number> {
  const out = new Map<string, number>();
  for (const [origin, seq] of input) if (seq > 0) out.set(origin, seq);
  return out;
}

// ── @driftscope/gossip replicas ──────────────────────────────────────────────────

/**
 * Wraps a `@driftscope/gossip` replica as a source: `agent.attach(fromGossipReplica(replica))`.
 * The cluster's event hub is subscribed once per hub however many replicas are attached,
 * and events are routed by replica id, so an event costs O(1) whatever the cluster size.
 */
export function fromGossipReplica(replica: Replica): ReplicaSource {
  return new GossipReplicaSource(replica);
}

/** Gossip messages by what they carried (Replica.traffic's kinds), as the protocol counts them. */
const PROTOCOL_KIND = { delta: "delta", fullState: "full", digest: "digest", pull: "request", ack: "ack" } as const satisfies Record<
  keyof ReplicaTraffic["sent"],
  SyncKind
>;

/** A gossip message kind as the protocol counts it. */
function syncKindOf(kind: MessageKind, full: boolean): SyncKind {
  return PROTOCOL_KIND[kind === "state" ? (full ? "fullState" : "delta") : kind];
}

/**
 * Received messages sampled per agent tick for the topology view: a few times what the agent
 * keeps (its default is 32 a tick), so its own systematic sample still has a choice.
 */
const RECEIVES_PER_TICK = 128;

/**
 * One subscription per event hub, routing events to the observers of each replica: local
 * updates, membership changes, and a sample of the receives (every n-th, with n set each tick
 * from the number received in the previous one). Messages are counted by the replicas
 * themselves (Replica.traffic, read each tick through syncCounters), and what merges included
 * is read from each replica's journal (drainIncluded), so no send and no merge is followed.
 */
class HubRouter {
  readonly observers = new Map<string, ReplicaObserver>();
  #offs: Array<() => void> = [];
  #receives: SampledSubscription | undefined;
  /** Messages received by the observed replicas since the stride was last set, and how many of them reported. */
  #received = 0;
  #reported = 0;

  constructor(readonly hub: GossipEvents) {}

  /** A replica's receives since its previous report (called once per tick per replica, from syncCounters). */
  noteReceived(n: number): void {
    this.#received += n;
    if (++this.#reported < this.observers.size) return;
    this.#receives?.setEvery(Math.max(1, Math.floor(this.#received / RECEIVES_PER_TICK)));
    this.#received = 0;
    this.#reported = 0;
  }

  add(id: string, observer: ReplicaObserver): void {
    this.observers.set(id, observer);
    if (this.#offs.length === 0) this.#subscribe();
  }

  remove(id: string, observer: ReplicaObserver): void {
    if (this.observers.get(id) !== observer) return;
    this.observers.delete(id);
    if (this.observers.size === 0) {
      for (const off of this.#offs) off();
      this.#offs = [];
      this.#receives = undefined;
    }
  }

  #subscribe(): void {
    const obs = this.observers;
    const hub = this.hub;
    this.#offs = [
      hub.on("update", (e) => {
        const o = obs.get(e.replica);
        if (o === undefined) return;
        // After an empty restore a replica issues dots as `id:k`; those are not its own seqs.
        if (e.dot.replica === e.replica) o.updated(e.dot.seq);
        else o.changed();
      }),
      hub.on("membership", (e) => {
        const o = obs.get(e.replica);
        if (o === undefined) return;
        if (e.change === "crash" || e.change === "leave") o.status("crashed");
        else if (e.change === "restore") o.status("up");
      }),
      // Config changes are not routed: the agent reads configVersion() every tick.
    ];
    const receives = hub.sample("receive", 1, (e) => obs.get(e.to)?.received(syncKindOf(e.kind, e.full), e.bytes, e.from));
    this.#receives = receives;
    this.#offs.push(() => receives.off());
  }
}

const routers = new WeakMap<GossipEvents, HubRouter>();

class GossipReplicaSource implements ReplicaSource {
  readonly id: string;
  readonly crdtType: string;
  readonly #replica: Replica;
  #router: HubRouter | undefined;
  #lastReceived = 0;
  /** Open while observed: what the replica newly includes, drained once a tick. */
  #journal: InclusionJournal | undefined;

  constructor(replica: Replica) {
    this.#replica = replica;
    this.id = replica.id;
    this.crdtType = replica.type.name;
  }

  digest(): ReplicaDigest {
    return this.#replica.digest();
  }

  stateDigest(): StateDigest {
    // Cached by the replica until its state changes.
    return this.#replica.digest();
  }

  versionVectorEntry(origin: string): number {
    // One entry, without copying the vector: replica.versionVector() copies all N entries
    // once per state change, which was half of a tick's cost at 512 replicas. Neither
    // Replica nor ReplicaState offers a single-entry read yet, so the replica state's causal
    // context is read directly when it is there (its get() is public), else the copy is used.
    const r = this.#replica as unknown as { versionVectorEntry?: (origin: string) => number };
    if (typeof r.versionVectorEntry === "function") return r.versionVectorEntry(origin);
    const ctx = (this.#replica.state as unknown as { ctx?: { get?: (origin: string) => number } }).ctx;
    if (typeof ctx?.get === "function") return ctx.get(origin);
    return this.#replica.versionVector().get(origin) ?? 0;
  }

  drainIncluded(visit: (origin: string, from: number, to: number, ageMs: number) => void): boolean {
    return this.#journal?.drain(visit) ?? true;
  }

  syncCounters(): SyncCounters {
    const t = this.#replica.traffic();
    this.#router?.noteReceived(t.receivedMessages - this.#lastReceived);
    this.#lastReceived = t.receivedMessages;
    const byKind: NonNullable<SyncCounters["byKind"]> = {};
    for (const [kind, c] of Object.entries(t.sent) as Array<[keyof ReplicaTraffic["sent"], KindCounter]>) {
      if (c.messages > 0) byKind[PROTOCOL_KIND[kind]] = { messages: c.messages, bytes: c.bytes };
    }
    return {
      sentMessages: t.sentMessages, sentBytes: t.sentBytes, receivedMessages: t.receivedMessages, receivedBytes: t.receivedBytes,
      merges: t.merges, changedMerges: t.changedMerges, byKind,
    };
  }

  seq(): number {
    // Own dots are those whose origin is the replica id; after an empty restore it issues
    // as `id:k` (a new id, as DESIGN §2 asks), so this incarnation issued none under `id`.
    const r = this.#replica;
    return r.origin === r.id ? r.state.seq : 0;
  }

  incarnation(): number {
    return this.#replica.incarnation;
  }

  runState(): ReplicaRunState {
    return this.#replica.isRunning ? "up" : "crashed";
  }

  configVersion(): number {
    return this.#replica.configVersion;
  }

  observe(observer: ReplicaObserver): () => void {
    const hub = this.#replica.events;
    let router = routers.get(hub);
    if (router === undefined) {
      router = new HubRouter(hub);
      routers.set(hub, router);
    }
    router.add(this.id, observer);
    const r = router;
    this.#router = r;
    this.#lastReceived = this.#replica.traffic().receivedMessages;
    this.#journal?.close();
    const journal = this.#replica.openJournal();
    this.#journal = journal;
    return () => {
      r.remove(this.id, observer);
      if (this.#router === r) this.#router = undefined;
      journal.close();
      if (this.#journal === journal) this.#journal = undefined;
    };
  }

  checkConfig(config: ClusterConfig): string | undefined {
    try {
      withConfig(this.#replica.config, gossipPart(config));
      return undefined;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  applyConfig(config: ClusterConfig): void {
    // Taken at the replica's next tick, so within one gossip interval; the version it runs
    // then is read back through configVersion().
    this.#replica.setConfig(gossipPart(config), config.version);
  }
}

function gossipPart(config: ClusterConfig): GossipConfig {
  const { intervalMs, fanout, mode, payload } = config.gossip;
  return { intervalMs, fanout, mode, payload };
}
