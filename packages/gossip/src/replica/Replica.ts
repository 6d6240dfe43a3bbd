import {
  ReplicaState,
  decodeDelta,
  encodeDelta,
  hash64,
  type CrdtType,
  type Delta,
  type Digest,
  type Dot,
  type DotRange,
  type MergeOptions,
  type MergeResult,
  type VersionVector,
} from "@driftscope/crdt";
import { DEFAULT_GOSSIP_CONFIG, withConfig, type GossipConfig } from "../config.js";
import { GossipEvents } from "../events.js";
import { samplePeers, type PeerView } from "../membership/Membership.js";
import type { Endpoint, Transport } from "../net/Transport.js";
import type { Rng } from "../time/Rng.js";
import type { Scheduler, Timer } from "../time/Scheduler.js";
import {
  decodeMessage,
  encodeMessage,
  hashEquals,
  messageBody,
  messageHash,
  type BodyWriter,
  type EncodedVector,
  type GossipMessage,
  type MessageKind,
  type PayloadKind,
  type ReceivedMessage,
} from "../wire/message.js";
import { FrameReader, encodeList, joinFallback, splitFallback, stateFrame, updateFrame } from "../wire/deltaList.js";
import { WireError } from "../wire/codec.js";
import { originIndex, originName } from "../wire/origins.js";
import { DeltaLog, type PickedList } from "./DeltaLog.js";
import { DotTracker } from "./DotTracker.js";
import { InclusionJournal, type InclusionSink } from "./InclusionJournal.js";
import { VectorView } from "./VectorView.js";

/** How a replica is set up. */
export interface ReplicaOptions<S, Op, V> {
  /** Stable id (also the origin of the dots it issues, until it is restored empty). */
  id: string;
  type: CrdtType<S, Op, V>;
  transport: Transport;
  scheduler: Scheduler;
  /** Peer choice draws from it (seed it for reproducible runs). */
  rng: Rng;
  /** Who this replica gossips with (usually the cluster's shared Membership: full view). */
  view: PeerView;
  config?: Partial<GossipConfig>;
  /** Version number of the initial config. Default 0. */
  configVersion?: number;
  /** Where events go; a cluster passes one hub for all its replicas. */
  events?: GossipEvents;
  /**
   * When the first tick happens: "random" (default) uniformly within the first interval, as
   * independent processes do; "aligned" exactly one interval after start, so replicas started
   * together tick at the same instants (synchronous rounds).
   */
  phase?: "random" | "aligned";
  /** Delta-log entries kept (per-peer buffers are positions in it). Default 1024. */
  deltaLogCapacity?: number;
  /** Bytes of delta-log frames kept. Default 4 MiB. */
  deltaLogMaxBytes?: number;
  /** Start ticking at once (default true). */
  start?: boolean;
}

/** Whether a replica takes part: running, crashed (silent, keeps or loses state) or gone (left). */
export type ReplicaStatus = "running" | "crashed" | "left";

/** What this replica knows about one peer. */
interface PeerState {
  /** The peer has acknowledged our delta log up to this index (our incarnation). */
  acked: number;
  /** We have received the peer's delta log up to this index. */
  received: number;
  /** The peer's incarnation those indices refer to. */
  incarnation: number;
  readonly id: string;
  /** The peer's id as a number (wire/origins.ts), and the origin number of its dots in incarnation `originAt`. */
  readonly number: number;
  /** Its bit in the delta log's "known by" marks (0: none; the first 31 peers get one). */
  readonly bit: number;
  /** We sent it a message in our current incarnation (it knows our incarnation). */
  announced: boolean;
  origin: number;
  originAt: number;
}

/** A state to send: a delta-group or the full state, with the log range it covers. */
interface Outgoing {
  full: boolean;
  body: Uint8Array | BodyWriter;
  logFrom: number;
  logTo: number;
  hash: string | null;
}


/**
 * One replica: a CRDT with its causal context (`ReplicaState`), a local update API, and the
 * anti-entropy engine that every `intervalMs` picks `fanout` peers from its view and runs
 * push, pull or push-pull with full, delta or digest-driven payloads.
 *
 * Config changes are taken at the next tick (a shorter interval moves that tick earlier).
 * Received states are merged at the end of the current instant (one deferred flush), and
 * answers are built before that merge: in synchronous rounds every message of round r then
 * reflects the sender's state at the start of round r, as the mean-field model assumes.
 */
export class Replica<S = unknown, Op = unknown, V = unknown> {
  readonly id: string;
  readonly type: CrdtType<S, Op, V>;
  private rs: ReplicaState<S, Op, V>;
  private incarnationValue = 0;
  private log: DeltaLog;
  private readonly peers = new Map<string, PeerState>();
  private cfg: GossipConfig;
  private cfgVersion: number;
  private pending: { config: GossipConfig; version: number } | null = null;
  private timer: Timer | null = null;
  private nextTickAt = 0;
  private lastTickAt: number;
  private endpoint: Endpoint | null = null;
  private statusValue: ReplicaStatus = "crashed";
  /** Received states waiting for the end of the instant, flat: sender, message, bytes, sender, … */
  private inbox: Array<PeerState | ReceivedMessage | number> = [];
  private flushScheduled = false;
  private readonly picked: string[] = [];
  /** Peers given a "known by" bit so far (PeerState.bit). */
  private peerBits = 0;
  /** Bumped on every state change: keys the snapshot-hash cache. */
  private version = 0;
  private snapshotHashAt = -1;
  private snapshotHashValue = "";
  private ownVvAt = -1;
  private vectorAt = -1;
  private vectorValue: EncodedVector | null = null;
  private ownVv: VersionVector = new Map();
  /** Encoded full-payload state messages [push, push-pull], valid for state version fullMessageAt. */
  private readonly fullMessage: [Uint8Array | null, Uint8Array | null] = [null, null];
  private readonly fullMessageAt = [-1, -1];

  private readonly transport: Transport;
  private readonly scheduler: Scheduler;
  private readonly rng: Rng;
  private readonly view: PeerView;
  readonly events: GossipEvents;
  private readonly phase: "random" | "aligned";
  /** Mirror of the state's causal context: lets a relayed update be skipped without decoding it. */
  private seen = new DotTracker();
  /** Open inclusion journals and observers (`openJournal`, `observeInclusions`): usually none, or the agent's. */
  private journals: InclusionSink[] = [];
  /** Traffic counters (see `traffic`), at the indices below. */
  private readonly counts = new Float64Array(SENT_BY_KIND + 2 * 5);
  /** Hashes of full states recently merged from the delta log of a peer (relayed copies are skipped). */
  private readonly recentStates = new Set<string>();
  /** Reads received lists (mergeList is not re-entrant: one cursor serves every list). */
  private readonly frames = new FrameReader();
  private readonly flushCallback = () => this.flush();
  private readonly tickCallback = () => this.tick();

  constructor(options: ReplicaOptions<S, Op, V>) {
    this.id = options.id;
    this.type = options.type;
    this.transport = options.transport;
    this.scheduler = options.scheduler;
    this.rng = options.rng;
    this.view = options.view;
    this.events = options.events ?? new GossipEvents();
    this.phase = options.phase ?? "random";
    this.cfg = withConfig(DEFAULT_GOSSIP_CONFIG, options.config ?? {});
    this.cfgVersion = options.configVersion ?? 0;
    this.rs = new ReplicaState(this.type, this.id);
    this.log = new DeltaLog(options.deltaLogCapacity ?? 1024, options.deltaLogMaxBytes ?? 4 * 1024 * 1024);
    this.lastTickAt = this.scheduler.now();
    if (options.start ?? true) this.start();
  }

  // ── observation ──────────────────────────────────────────────────────────────────────────

  get status(): ReplicaStatus {
    return this.statusValue;
  }

  get isRunning(): boolean {
    return this.statusValue === "running";
  }

  /** Bumped each time the replica is restored with an empty state. */
  get incarnation(): number {
    return this.incarnationValue;
  }

  /** Origin id of the dots this replica issues now (`id`, or `id:k` after k empty restores: dots are never reused). */
  get origin(): string {
    return this.rs.replicaId;
  }

  /** The config in effect (changes wait for the next tick: see `pendingConfig`). */
  get config(): Readonly<GossipConfig> {
    return this.cfg;
  }

  get configVersion(): number {
    return this.cfgVersion;
  }

  /** A config change not yet applied (null when none). */
  get pendingConfig(): Readonly<{ config: GossipConfig; version: number }> | null {
    return this.pending;
  }

  /** The replica's CRDT state with its causal context (read it; mutate only through `update`). */
  get state(): ReplicaState<S, Op, V> {
    return this.rs;
  }

  value(): V {
    return this.rs.value();
  }

  /** The version vector (cached until the state changes: do not mutate it). */
  versionVector(): VersionVector {
    return this.versionVectorCached();
  }

  /** One entry of the version vector (highest contiguous seq of `origin`), without copying the vector. */
  versionVectorEntry(origin: string): number {
    return this.seen.contiguousOf(originIndex(origin));
  }

  /** The same by origin number (wire/origins.ts): no name lookup. */
  versionVectorEntryOf(origin: number): number {
    return this.seen.contiguousOf(origin);
  }

  /**
   * Messages and bytes this replica sent and received, and the received states it merged,
   * since it was created (across restores): counted on every message whether or not anyone
   * listens, so a consumer reads them once in a while instead of following every message.
   */
  traffic(): ReplicaTraffic {
    const t = this.counts;
    const kind = (k: number) => ({ messages: t[SENT_BY_KIND + 2 * k]!, bytes: t[SENT_BY_KIND + 2 * k + 1]! });
    return {
      sentMessages: t[SENT_MESSAGES]!, sentBytes: t[SENT_BYTES]!, receivedMessages: t[RECEIVED_MESSAGES]!, receivedBytes: t[RECEIVED_BYTES]!,
      merges: t[MERGES]!, changedMerges: t[CHANGED_MERGES]!,
      sent: { delta: kind(KIND_DELTA), fullState: kind(KIND_FULL), digest: kind(KIND_DIGEST), pull: kind(KIND_PULL), ack: kind(KIND_ACK) },
    };
  }

  /**
   * Opens a journal of what this replica newly includes from now on (runs of dots with the
   * time merged), for a reader that drains it now and then instead of following merge events.
   * Recording costs a few array writes per newly included update; `close()` stops it.
   */
  openJournal(): InclusionJournal {
    const journal = new InclusionJournal(
      () => this.scheduler.now(),
      (j) => (this.journals = this.journals.filter((other) => other !== j)),
    );
    this.journals = [...this.journals, journal];
    return journal;
  }

  /**
   * Tells `sink` at once of every run of dots this replica newly includes from now on (origin
   * numbers: wire/origins.ts), for an observer in the same process that keeps up with every
   * merge (the simulator) — no event object or origin name per run. Returns what stops it.
   */
  observeInclusions(sink: InclusionSink): () => void {
    this.journals = [...this.journals, sink];
    return () => (this.journals = this.journals.filter((other) => other !== sink));
  }

  /** VV, state hash, state bytes and summary (cached until the state changes). */
  digest(): Digest {
    return this.rs.digest();
  }

  /** Entries kept in the delta log (for tests and telemetry). */
  get deltaLogSize(): number {
    return this.log.size;
  }

  // ── local updates ────────────────────────────────────────────────────────────────────────

  /** Applies a local update and returns its dot. Throws when the replica is not running or the op is invalid. */
  update(op: Op): Dot {
    if (this.statusValue !== "running") throw new Error(`replica ${this.id} is ${this.statusValue}: it takes no updates`);
    const { dot, delta } = this.rs.update(op);
    this.version++;
    const origin = originIndex(dot.replica);
    this.seen.add(origin, dot.seq);
    this.log.append(origin, dot.seq, -1, null, updateFrame(dot.replica, dot.seq, encodeDelta(this.type, delta)));
    if (this.events.listening.update) this.events.emit({ type: "update", atMs: this.scheduler.now(), replica: this.id, dot });
    return dot;
  }

  /**
   * Merges a state without logging or sending it (setting up a scenario, e.g. every replica
   * starting from the same large state). Peers will not be told about it by delta payloads.
   */
  load(snapshot: Delta<S>): MergeResult {
    const result = this.rs.merge(snapshot);
    if (result.changed) {
      this.version++;
      this.addSeen(result.newlyIncluded);
      this.journal(result.newlyIncluded);
      this.log.base = this.seen.ceiling();
    }
    return result;
  }

  // ── config ───────────────────────────────────────────────────────────────────────────────

  /**
   * Changes the config (validated now: throws RangeError and changes nothing on a bad value);
   * it takes effect at the next tick. A shorter interval brings that tick forward to one new
   * interval after the last tick, or, when that is past, to a point of the new interval from
   * now (random, or the next aligned instant). Returns the config that will apply.
   */
  setConfig(change: Partial<GossipConfig>, version?: number): GossipConfig {
    const base = this.pending?.config ?? this.cfg;
    const next = withConfig(base, change);
    this.pending = { config: next, version: version ?? (this.pending?.version ?? this.cfgVersion) + 1 };
    if (this.timer !== null && next.intervalMs < base.intervalMs) {
      const now = this.scheduler.now();
      const interval = next.intervalMs;
      let at = this.lastTickAt + interval;
      // Not "now" for every replica whose last tick is that old: replicas that receive the change
      // together would then tick in step, synchronising independent phases (and convergence at
      // 64 replicas is then ~17 % slower than with the same config from the start).
      if (at < now) at = this.firstTick(now, interval);
      if (at < this.nextTickAt) this.schedule(at);
    }
    return next;
  }

  // ── lifecycle ────────────────────────────────────────────────────────────────────────────

  /** Attaches to the transport and starts ticking (no-op when running). */
  start(): void {
    if (this.statusValue === "running") return;
    if (this.statusValue === "left") throw new Error(`replica ${this.id} has left`);
    this.endpoint = this.transport.attach(this.id, (from, bytes) => this.receive(from, bytes));
    this.statusValue = "running";
    this.schedule(this.firstTick(this.scheduler.now(), this.cfg.intervalMs));
  }

  /** When to tick first on an interval starting at `now`: a random point of it, or the next aligned instant. */
  private firstTick(now: number, interval: number): number {
    return this.phase === "aligned" ? (Math.floor(now / interval) + 1) * interval : now + this.rng.next() * interval;
  }

  /**
   * Crash: the replica stops sending and answering (its endpoint detaches; messages to it are
   * lost). Messages it already received are merged first. Its state stays in memory so that
   * `restore({ keepState: true })` can bring it back.
   */
  crash(): void {
    if (this.statusValue !== "running") return;
    this.flush();
    this.halt();
    this.statusValue = "crashed";
  }

  /**
   * Brings a crashed replica back. With `keepState: false` it restarts empty, as after losing
   * its disk: a new incarnation whose dots use a new origin id (`id:k`), so no dot is ever
   * issued twice; its updates that had not spread are gone.
   */
  restore(options: { keepState: boolean }): void {
    if (this.statusValue === "running") return;
    if (this.statusValue === "left") throw new Error(`replica ${this.id} has left`);
    if (!options.keepState) {
      this.incarnationValue++;
      this.rs = new ReplicaState(this.type, `${this.id}:${this.incarnationValue}`);
      this.log.reset();
      this.peers.clear();
      this.peerBits = 0;
      this.seen = new DotTracker();
      this.recentStates.clear();
      this.version++;
    }
    this.start();
  }

  /**
   * Leaves the cluster for good. With `handoff` (default true) it first pushes its full state to
   * `fanout` peers, so updates only it holds are not lost (the network may still lose them).
   */
  leave(options: { handoff?: boolean } = {}): void {
    if (this.statusValue === "left") return;
    if (this.statusValue === "running") {
      this.flush();
      if (options.handoff ?? true) {
        for (const to of samplePeers(this.view, this.id, this.cfg.fanout, this.rng, this.picked)) {
          this.sendFull(to, false);
        }
      }
      this.halt();
    }
    this.statusValue = "left";
  }

  private halt(): void {
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
    this.endpoint?.close();
    this.endpoint = null;
  }

  private schedule(at: number): void {
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.nextTickAt = at;
    this.timer = this.scheduler.setTimeout(this.tickCallback, at - this.scheduler.now());
  }

  // ── the anti-entropy round ───────────────────────────────────────────────────────────────

  private tick(): void {
    this.timer = null;
    if (this.statusValue !== "running") return;
    const now = this.scheduler.now();
    this.lastTickAt = now;
    let lengthened = false;
    if (this.pending !== null) {
      lengthened = this.pending.config.intervalMs > this.cfg.intervalMs;
      this.cfg = this.pending.config;
      this.cfgVersion = this.pending.version;
      this.pending = null;
      if (this.events.listening.config) {
        this.events.emit({ type: "config", atMs: now, replica: this.id, version: this.cfgVersion, config: this.cfg });
      }
    }
    const { mode, payload } = this.cfg;
    const peers = samplePeers(this.view, this.id, this.cfg.fanout, this.rng, this.picked);
    for (let i = 0; i < peers.length; i++) {
      const to = peers[i]!;
      const p = this.peer(to);
      if (payload === "digest") {
        const vv = this.vector();
        if (mode === "pull") this.sendControl(to, p, "pull", "digest", false, this.hash(), vv);
        else this.sendControl(to, p, "digest", "digest", mode === "push-pull", this.hash(), vv);
      } else if (mode === "pull") {
        this.sendControl(to, p, "pull", payload, false, null, null);
      } else if (payload === "full") {
        this.sendFull(to, mode === "push-pull");
      } else {
        const out = this.deltaFor(to, p);
        if (out === GAP) this.sendGapDigest(to, p, mode === "push-pull");
        else if (out !== null) this.sendState(to, p, "delta", out, mode === "push-pull", mode === "push");
        else if (mode === "push-pull") this.sendControl(to, p, "pull", "delta", false, null, null);
        // Restored empty with nothing to push: still tell the peer once (an ack carries our
        // incarnation), or it would go on believing we hold what it sent our previous
        // incarnation and never send it again.
        else if (this.incarnationValue > 0 && !p.announced) this.sendControl(to, p, "ack", "delta", false, null, null);
      }
    }
    // A longer interval starts afresh: replicas apply it within one old interval of each other,
    // so one new interval from here would leave them all ticking in step (p95 ~8 % slower at 64
    // replicas going from 86 to 747 ms, for as long as it runs).
    this.schedule(lengthened ? this.firstTick(now, this.cfg.intervalMs) : now + this.cfg.intervalMs);
  }

  // ── receiving ────────────────────────────────────────────────────────────────────────────

  private receive(from: string, bytes: Uint8Array): void {
    if (this.statusValue !== "running") return;
    let m: ReceivedMessage;
    try {
      m = decodeMessage(bytes);
    } catch {
      return; // not a gossip message (or corrupted): ignore, as a network would
    }
    this.counts[RECEIVED_MESSAGES]!++;
    this.counts[RECEIVED_BYTES]! += bytes.length;
    if (this.events.wants("receive")) {
      this.events.emit({
        type: "receive", atMs: this.scheduler.now(), from, to: this.id, bytes: bytes.length, kind: m.kind, payload: m.payload, full: m.full,
      });
    }
    const p = this.peer(from);
    if (m.incarnation !== p.incarnation) {
      // The peer restarted empty: its log indices restarted and it lost what we had sent.
      // What came from it, or what it was known to hold, must now go to it like anything else.
      this.log.forgetPeer(p.number, p.bit);
      p.incarnation = m.incarnation;
      p.received = 0;
      p.acked = 0;
    }
    // Full-payload messages carry no acknowledgement (they are encoded once for every peer).
    if (m.payload !== "full") p.acked = m.ackIncarnation === this.incarnationValue ? m.ack : 0;

    switch (m.kind) {
      case "state": {
        // Bookkeeping at receipt: the merge itself follows at the end of this instant.
        if (m.full || m.logFrom <= p.received) p.received = Math.max(p.received, m.logTo);
        this.inbox.push(p, m, bytes.length);
        if (!this.flushScheduled) {
          this.flushScheduled = true;
          this.scheduler.defer(this.flushCallback);
        }
        if (m.reply) this.answerWithState(from, p, m, null); // built from the state before this merge
        else if (m.ackWanted) this.sendControl(from, p, "ack", m.payload, false, null, null);
        return;
      }
      case "pull":
        if (m.vectorAt < 0) this.answerWithState(from, p, m, null);
        else VectorView.with(m, (theirs) => this.answerWithState(from, p, m, theirs));
        return;
      case "ack":
        return;
      case "digest": {
        if (m.payload === "delta") return this.answerGapDigest(from, p, m);
        VectorView.with(m, (theirs) => {
          const missing = !this.seen.dominates(theirs) || (this.seen.equals(theirs) && m.hashAt >= 0 && !hashEquals(m, this.hash()));
          if (m.reply) this.answerWithState(from, p, m, theirs);
          if (missing) this.sendControl(from, p, "pull", m.payload, false, this.hash(), this.vector());
        });
        return;
      }
    }
  }

  /**
   * A delta exchange after a gap (see sendGapDigest). Holding everything the sender held at its
   * log end means its log is received up to there (the answer carries that acknowledgement).
   * Otherwise the pull names only the origins where we are behind its digest (a partial vector,
   * with the digest's log end echoed back): a few entries rather than one per origin.
   */
  private answerGapDigest(from: string, p: PeerState, m: ReceivedMessage): void {
    let behind: EncodedVector | null;
    try {
      behind = this.seen.behind(m, this.transport.inProcess === true);
    } catch (error) {
      if (error instanceof WireError) return; // a malformed vector: the message is ignored
      throw error;
    }
    if (behind === null) p.received = Math.max(p.received, m.logTo);
    // Push-pull: what the sender lacks goes back too (its whole vector is read for that).
    if (m.reply) VectorView.with(m, (theirs) => this.answerWithState(from, p, m, theirs));
    if (behind !== null) this.sendControl(from, p, "pull", "delta", false, null, behind, m.logTo);
    else if (!m.reply) this.sendControl(from, p, "ack", "delta", false, null, null);
  }

  /** Answers a pull, a push-pull state or a push-pull digest, following the request's payload. */
  private answerWithState(to: string, p: PeerState, m: ReceivedMessage, theirs: VectorView | null): void {
    if (m.payload === "full") return this.sendFull(to, false);
    const delta = m.payload === "delta";
    if (theirs !== null) {
      // The peer's vector is known (a digest, or a pull after a delta gap): send what it lacks.
      const out = this.missingFor(to, p, m, theirs, delta);
      // Answering our own digest needs no acknowledgement: the peer's next message carries it (its
      // ack field), and a full view meets that peer again long after our log has moved on.
      if (out !== null) this.sendState(to, p, m.payload, out, false, delta && !theirs.partial);
      return;
    }
    if (!delta) return; // a digest-payload pull always carries the vector
    const out = this.deltaFor(to, p);
    // After a gap, offer our vector: the peer pulls what it lacks, or acknowledges our log.
    if (out === GAP) this.sendGapDigest(to, p, false);
    else if (out !== null) this.sendState(to, p, "delta", out, false, false);
    // A push-pull delta with nothing to return still acknowledges, so it is not pushed again.
    else if (m.kind === "state") this.sendControl(to, p, "ack", "delta", false, null, null);
  }

  /** Merges everything received during this instant. */
  private flush(): void {
    this.flushScheduled = false;
    if (this.inbox.length === 0) return;
    const batch = this.inbox;
    this.inbox = [];
    for (let i = 0; i < batch.length; i += 3) {
      try {
        this.mergeOne(batch[i] as PeerState, batch[i + 1] as ReceivedMessage, batch[i + 2] as number);
      } catch {
        // A state that does not decode (corrupted, or a peer running another CRDT type) is
        // ignored like a lost message; what was merged before the bad part stays merged.
      }
    }
  }

  private mergeOne(p: PeerState, m: ReceivedMessage, bytes: number): void {
    const from = p.id;
    const body = messageBody(m);
    const collect = this.events.listening.merge;
    const acc: MergeAccumulator = { changed: false, newly: null, collect };
    if (body !== null) {
      if (!m.full) {
        this.mergeList(p, body, acc);
      } else if (m.payload === "full") {
        this.mergeSnapshot(from, body, messageHash(m), false, acc);
      } else {
        // Fallback after a gap: the sender's recent log entries, then its whole state. Only what
        // the entries did not bring is old news, relayed as a whole state (rare).
        const split = splitFallback(body);
        this.mergeList(p, split.list, acc);
        this.mergeSnapshot(from, split.snapshot, messageHash(m), true, acc);
      }
    }
    this.counts[MERGES]!++;
    if (acc.changed) this.counts[CHANGED_MERGES]!++;
    if (collect) {
      this.events.emit({
        type: "merge", atMs: this.scheduler.now(), replica: this.id, from, bytes, payload: m.payload, full: m.full,
        changed: acc.changed, newlyIncluded: acc.newly ?? NO_DOTS,
      });
    }
  }

  private mergeSnapshot(from: string, snapshot: Uint8Array, hash: string | null, relay: boolean, acc: MergeAccumulator): void {
    // Equal to ours (hash of state and context, when known), or merged recently: nothing to decode.
    const known = this.snapshotHashAt === this.version ? this.snapshotHashValue : null;
    if (hash !== null && (hash === known || (relay && this.recentStates.has(hash)))) return;
    const result = this.rs.merge(decodeDelta(this.type, snapshot));
    if (!result.changed) return;
    this.note(result.newlyIncluded, acc);
    if (!relay || hash === null) {
      this.log.gap();
    } else {
      // Relay it once, like an update, so what it brought reaches our peers without making them
      // fall back to full states in turn.
      this.rememberState(hash);
      this.log.append(-1, -1, originIndex(from), result.newlyIncluded, stateFrame(hash, snapshot));
    }
  }

  /**
   * Merges a list: relayed states at once; each new update as it is read (what came before a
   * malformed frame stays merged), logged for relaying. `seen` said the update is new, so its
   * merge skips the coverage check; and an update's context is its own dot (ReplicaState.update),
   * so what it newly includes is that dot: a merge listener gets it without the crdt
   * collecting ranges (a listener does not change how updates are merged).
   */
  private mergeList(p: PeerState, list: Uint8Array, acc: MergeAccumulator): void {
    const via = p.number;
    // An update the peer sent that we hold already: it holds it too, so its buffer skips it.
    const bit = p.bit;
    const seen = this.seen;
    const frames = this.frames.reset(list);
    while (frames.next()) {
      const origin = frames.origin;
      const seq = frames.seq;
      if (origin < 0) {
        const hash = frames.hash!;
        if (this.recentStates.has(hash)) continue;
        const result = this.rs.merge(decodeDelta(this.type, list.subarray(frames.bodyAt, frames.end)));
        this.rememberState(hash);
        if (!result.changed) continue;
        this.note(result.newlyIncluded, acc);
        this.log.append(-1, -1, via, result.newlyIncluded, list, frames.start, frames.end);
        continue;
      }
      // Known already: not even decoded (the usual case: each update arrives from several peers).
      if (seen.has(origin, seq)) {
        const mark = bit === 0 ? 0 : seen.markOf(origin);
        if (mark > 0) this.log.noteKnownBy(mark - 1, origin, seq, bit);
        continue;
      }
      // Merged straight from its bytes; malformed ones throw before anything changes or is marked.
      this.rs.mergeEncoded(list.subarray(frames.bodyAt, frames.end), FRESH);
      seen.add(origin, seq); // also guards against the same dot twice in one list
      // Where the origin's latest update sits in the log, read back when a peer sends it again.
      seen.setMark(origin, this.log.append(origin, seq, via, null, list, frames.start, frames.end) + 1);
      this.version++;
      acc.changed = true;
      if (acc.collect) (acc.newly ??= []).push({ replica: originName(origin), from: seq, to: seq });
      if (this.journals.length > 0) this.journalRun(origin, seq, seq);
    }
  }

  private note(newlyIncluded: DotRange[], acc: MergeAccumulator): void {
    this.applied(newlyIncluded);
    this.journal(newlyIncluded);
    acc.changed = true;
    if (!acc.collect) return;
    // Appended to an array of the accumulator's own (the ranges may also be kept by the log).
    const newly = (acc.newly ??= []);
    for (let i = 0; i < newlyIncluded.length; i++) newly.push(newlyIncluded[i]!);
  }

  /** After a merge that changed the state. */
  private applied(newlyIncluded: readonly DotRange[]): void {
    this.version++;
    this.addSeen(newlyIncluded);
  }

  /** Records newly included runs in the open journals. */
  private journal(ranges: readonly DotRange[]): void {
    if (this.journals.length === 0) return;
    for (const r of ranges) this.journalRun(originIndex(r.replica), r.from, r.to);
  }

  /** Records dots from..to of origin number `origin` in every open journal, merged now. */
  private journalRun(origin: number, from: number, to: number): void {
    const now = this.scheduler.now();
    for (const j of this.journals) j.record(origin, from, to, now);
  }

  private addSeen(ranges: readonly DotRange[]): void {
    for (const r of ranges) this.seen.addRange(originIndex(r.replica), r.from, r.to);
  }

  private rememberState(hash: string): void {
    this.recentStates.add(hash);
    if (this.recentStates.size > 64) this.recentStates.delete(this.recentStates.values().next().value!);
  }

  // ── what to send ─────────────────────────────────────────────────────────────────────────

  /**
   * The fallback after a gap (delta and digest payloads): the most recent log entries (what
   * the peer most likely lacks, and can relay as usual), then the whole state for the rest.
   */
  private fullState(to: string, p: PeerState): Outgoing {
    const log = this.log;
    const list = this.listFor(to, p, Math.max(log.start, log.end - FALLBACK_ENTRIES), null);
    const snapshot = this.rs.snapshotBytes();
    return { full: true, body: joinFallback(snapshot, list.body.bytes()), logFrom: 0, logTo: log.end, hash: this.snapshotHash() };
  }

  /**
   * A list body of the log entries from index `from` on that pass `keep` — except those that
   * came from `to` or are its own updates (it has them).
   */
  private listFor(to: string, p: PeerState, from: number, keep: ((i: number) => boolean) | null): { body: PickedList; count: number } {
    return this.log.encodeList(from, p.number, this.originOf(to, p), keep, p.bit);
  }

  /** Origin number of the dots `to` issues in its current incarnation (`to`, or `to:k`). */
  private originOf(to: string, p: PeerState): number {
    if (p.originAt !== p.incarnation) {
      p.origin = originIndex(p.incarnation === 0 ? to : `${to}:${p.incarnation}`);
      p.originAt = p.incarnation;
    }
    return p.origin;
  }

  /**
   * The peer's delta buffer: log entries after its acknowledged position; null when there are
   * none; GAP when the position fell out of the log (the exchange then goes digest-first).
   */
  private deltaFor(to: string, p: PeerState): Outgoing | null | typeof GAP {
    const log = this.log;
    const from = p.acked;
    if (from >= log.end) return null;
    // Also digest-first when the buffer holds more entries than our vector has: the peer most
    // likely got most of them from others since (a full view meets a given peer rarely).
    if (from < log.start || log.end - from > Math.max(MIN_BUFFER_FOR_DIGEST, this.seen.origins)) return GAP;
    // Nothing left to send still moves the peer's position forward (an empty list).
    return { full: false, body: this.listFor(to, p, from, null).body, logFrom: from, logTo: log.end, hash: null };
  }

  /**
   * Digest-driven answer to a pull `m` from a peer whose version vector is `theirs`: the logged
   * entries holding dots it lacks, or the full state when the log no longer covers them (or the
   * vectors are equal but the states differ). When the peer misses nothing: null, or under the
   * delta payload an empty list that acknowledges our log.
   *
   * A partial vector answers our delta digest: the peer holds at least that digest wherever it
   * lists nothing, so what it lacks is at the listed origins, and once it merges the answer it
   * holds our state as of the digest's log end (echoed in the pull), not of our log end now.
   */
  private missingFor(to: string, p: PeerState, m: ReceivedMessage, theirs: VectorView, delta: boolean): Outgoing | null {
    const seen = this.seen;
    const log = this.log;
    let logTo = log.end;
    if (theirs.partial) {
      // A pull meant for our previous incarnation: its log indices mean nothing now.
      if (m.ackIncarnation !== this.incarnationValue || m.logTo > log.end) return this.fullState(to, p);
      logTo = m.logTo;
    }
    const lacking = seen.lackedBy(theirs);
    // Dots beyond a gap in our context are not in our vector: only the log walk below sees them.
    if (lacking === 0 && !seen.hasCloud()) {
      const hash = messageHash(m);
      if (!theirs.partial && seen.equals(theirs) && hash !== null && hash !== this.hash()) return this.fullState(to, p);
      // Under the delta payload an empty list still tells the peer it holds our log.
      return delta ? { full: false, body: EMPTY_LIST, logFrom: 0, logTo, hash: null } : null;
    }
    if (!this.logCovers(theirs)) return this.fullState(to, p);
    const list = log.encodeMissing(p.number, this.originOf(to, p), theirs, lacking, p.bit);
    if (list.count === 0) return this.fullState(to, p);
    // Everything the peer lacked: once merged, it holds our state as of `logTo`.
    return { full: false, body: list.body, logFrom: 0, logTo, hash: null };
  }

  /**
   * True when a peer with vector `theirs` holds every dot older than our log (the log then has
   * all it lacks). A partial vector is checked at its listed origins only: elsewhere the peer
   * holds all our digest listed, and what we evicted since is past the digest's log end, which
   * is all the answer vouches for.
   */
  private logCovers(theirs: VectorView): boolean {
    // After a gap the log's base is unknown: the peer must then hold our whole context.
    return (this.log.base ?? this.seen).coveredBy(theirs);
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────

  /** A full-payload state message: the same bytes for every peer, encoded once per state version. */
  private sendFull(to: string, reply: boolean): void {
    const slot = reply ? 1 : 0;
    if (this.fullMessageAt[slot] !== this.version) {
      this.fullMessage[slot] = encodeMessage({
        kind: "state", payload: "full", full: true, reply, ackWanted: false, incarnation: this.incarnationValue, ack: 0,
        ackIncarnation: 0, logFrom: 0, logTo: this.log.end, hash: this.snapshotHash(), versionVector: null, body: this.rs.snapshotBytes(),
      });
      this.fullMessageAt[slot] = this.version;
    }
    this.transmitBytes(to, this.fullMessage[slot]!, "state", "full", true);
  }

  private sendState(to: string, p: PeerState, payload: PayloadKind, out: Outgoing, reply: boolean, ackWanted: boolean): void {
    this.transmit(to, p, {
      kind: "state", payload, full: out.full, reply, ackWanted, incarnation: this.incarnationValue, ack: p.received,
      ackIncarnation: p.incarnation, logFrom: out.logFrom, logTo: out.logTo, hash: out.hash,
      versionVector: null, body: out.body,
    });
  }

  private sendControl(
    to: string, p: PeerState, kind: MessageKind, payload: PayloadKind, reply: boolean, hash: string | null, vv: EncodedVector | null, logTo = 0,
  ): void {
    this.transmit(to, p, {
      kind, payload, full: false, reply, ackWanted: false, incarnation: this.incarnationValue, ack: p.received, ackIncarnation: p.incarnation,
      logFrom: 0, logTo, hash, versionVector: vv, body: null,
    });
  }

  /**
   * A delta exchange whose peer position fell out of our log: send our version vector and log
   * end instead of the full state. The peer pulls what it lacks (answered from the log, or with
   * the full state when the log no longer covers it), or acknowledges our log end. With a full
   * view a pair meets about once every N / fanout intervals, so this is the usual case there.
   * A context with dots beyond a gap is not described by its vector: then the full state goes.
   */
  private sendGapDigest(to: string, p: PeerState, reply: boolean): void {
    if (this.seen.hasCloud()) {
      this.sendState(to, p, "delta", this.fullState(to, p), reply, !reply);
      return;
    }
    this.sendControl(to, p, "digest", "delta", reply, null, this.vector(), this.log.end);
  }

  private transmit(to: string, p: PeerState, m: GossipMessage): void {
    p.announced = true;
    this.transmitBytes(to, encodeMessage(m), m.kind, m.payload, m.full);
  }

  private transmitBytes(to: string, bytes: Uint8Array, kind: MessageKind, payload: PayloadKind, full: boolean): void {
    const endpoint = this.endpoint;
    if (endpoint === null) return;
    const t = this.counts;
    t[SENT_MESSAGES]!++;
    t[SENT_BYTES]! += bytes.length;
    const k = SENT_BY_KIND + 2 * (kind === "state" ? (full ? KIND_FULL : KIND_DELTA) : kind === "digest" ? KIND_DIGEST : kind === "pull" ? KIND_PULL : KIND_ACK);
    t[k]!++;
    t[k + 1]! += bytes.length;
    if (this.events.wants("send")) {
      this.events.emit({ type: "send", atMs: this.scheduler.now(), from: this.id, to, bytes: bytes.length, kind, payload, full });
    }
    endpoint.send(to, bytes);
  }

  // ── small caches ─────────────────────────────────────────────────────────────────────────

  private peer(id: string): PeerState {
    let p = this.peers.get(id);
    if (p === undefined) {
      const bit = this.peerBits < 31 ? 1 << this.peerBits++ : 0;
      p = { acked: 0, received: 0, incarnation: 0, id, number: originIndex(id), bit, announced: false, origin: -1, originAt: -1 };
      this.peers.set(id, p);
    }
    return p;
  }

  /** Digest hash of the state (what telemetry compares). */
  private hash(): string {
    return this.rs.digest().hash;
  }

  /** Hash of state and context together: equal ⇒ merging changes nothing. */
  private snapshotHash(): string {
    if (this.snapshotHashAt !== this.version) {
      this.snapshotHashValue = hash64(this.rs.snapshotBytes());
      this.snapshotHashAt = this.version;
    }
    return this.snapshotHashValue;
  }

  /** Our version vector in wire form (cached until the state changes). */
  private vector(): EncodedVector {
    if (this.vectorAt !== this.version) {
      // Within one process peers share the origin table: the vector goes by origin number.
      this.vectorValue = this.seen.encodeVector(this.transport.inProcess === true);
      this.vectorAt = this.version;
    }
    return this.vectorValue!;
  }

  private versionVectorCached(): VersionVector {
    if (this.ownVvAt !== this.version) {
      this.ownVv = this.rs.versionVector();
      this.ownVvAt = this.version;
    }
    return this.ownVv;
  }
}

/**
 * What a replica has sent, received and merged since it was created (Replica.traffic). `sent`
 * breaks the sent messages down by what they carried: `delta` a state message with a list of
 * updates (or nothing new), `fullState` one with the whole state, and the control messages.
 */
export interface ReplicaTraffic {
  readonly sentMessages: number;
  readonly sentBytes: number;
  readonly receivedMessages: number;
  readonly receivedBytes: number;
  /** Received states merged (each message carrying state counts once)… */
  readonly merges: number;
  /** …and those that changed the state. */
  readonly changedMerges: number;
  readonly sent: Readonly<Record<"delta" | "fullState" | "digest" | "pull" | "ack", { readonly messages: number; readonly bytes: number }>>;
}

/** Indices into Replica.counts. */
const SENT_MESSAGES = 0;
const SENT_BYTES = 1;
const RECEIVED_MESSAGES = 2;
const RECEIVED_BYTES = 3;
const MERGES = 4;
const CHANGED_MERGES = 5;
/** From here, (messages, bytes) per sent kind. */
const SENT_BY_KIND = 6;
const KIND_DELTA = 0;
const KIND_FULL = 1;
const KIND_DIGEST = 2;
const KIND_PULL = 3;
const KIND_ACK = 4;

const NO_DOTS: readonly DotRange[] = Object.freeze([]);

/** Merging an update `seen` did not hold: no coverage check, no ranges (the update's dot is what it includes). */
const FRESH: MergeOptions = Object.freeze({ fresh: true, collect: false });

/** deltaFor's answer when the peer's position fell out of the log. */
const GAP = Symbol("gap");

/**
 * Buffers up to this many entries always go as plain deltas: a few KB at most, in one message
 * (vector-first takes a round trip more, and in a small cluster the vector is hardly smaller).
 */
const MIN_BUFFER_FOR_DIGEST = 256;

/** A list body with no entries. */
const EMPTY_LIST = encodeList([]);

/** Log entries sent along with the state in a fallback after a gap. */
const FALLBACK_ENTRIES = 512;

interface MergeAccumulator {
  changed: boolean;
  newly: DotRange[] | null;
  collect: boolean;
}
