import { ReplicaState, type CrdtType } from "@driftscope/crdt";
import { DEFAULT_GOSSIP_CONFIG, withConfig, type GossipConfig } from "../config.js";
import { GossipEvents } from "../events.js";
import { samplePeers, type PeerView } from "../membership/Membership.js";
import type { Transport } from "../net/Transport.js";
import type { Rng } from "../time/Rng.js";
import type { Scheduler, Timer } from "../time/Scheduler.js";
import { WireError } from "../wire/codec.js";
import { decodeMessage, hashEquals, type EncodedVector, type ReceivedMessage } from "../wire/message.js";
import { originIndex } from "../wire/origins.js";
import { DeltaLog } from "./DeltaLog.js";
import { DotTracker } from "./DotTracker.js";
import type { PeerState } from "./peerState.js";
import { GAP, ReplicaSender } from "./ReplicaSender.js";
import { RECEIVED_BYTES, RECEIVED_MESSAGES } from "./traffic.js";
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

export type { ReplicaStatus } from "./ReplicaStore.js";
export type { ReplicaTraffic } from "./traffic.js";

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
export class Replica<S = unknown, Op = unknown, V = unknown> extends ReplicaSender<S, Op, V> {
  private readonly peers = new Map<string, PeerState>();
  private cfg: GossipConfig;
  private cfgVersion: number;
  private pending: { config: GossipConfig; version: number } | null = null;
  private timer: Timer | null = null;
  private nextTickAt = 0;
  private lastTickAt: number;
  /** Received states waiting for the end of the instant, flat: sender, message, bytes, sender, … */
  private inbox: Array<PeerState | ReceivedMessage | number> = [];
  private flushScheduled = false;
  private readonly picked: string[] = [];
  /** Peers given a "known by" bit so far (PeerState.bit). */
  private peerBits = 0;
  private readonly rng: Rng;
  private readonly view: PeerView;
  private readonly phase: "random" | "aligned";
  private readonly flushCallback = () => this.flush();
  private readonly tickCallback = () => this.tick();

  constructor(options: ReplicaOptions<S, Op, V>) {
    super(
      options.id,
      options.type,
      options.transport,
      options.scheduler,
      options.events ?? new GossipEvents(),
      new DeltaLog(options.deltaLogCapacity ?? 1024, options.deltaLogMaxBytes ?? 4 * 1024 * 1024),
    );
    this.rng = options.rng;
    this.view = options.view;
    this.phase = options.phase ?? "random";
    this.cfg = withConfig(DEFAULT_GOSSIP_CONFIG, options.config ?? {});
    this.cfgVersion = options.configVersion ?? 0;
    this.lastTickAt = this.scheduler.now();
    if (options.start ?? true) this.start();
  }

  // ── config ───────────────────────────────────────────────────────────────────────────────

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

  private peer(id: string): PeerState {
    let p = this.peers.get(id);
    if (p === undefined) {
      const bit = this.peerBits < 31 ? 1 << this.peerBits++ : 0;
      p = { acked: 0, received: 0, incarnation: 0, id, number: originIndex(id), bit, announced: false, origin: -1, originAt: -1 };
      this.peers.set(id, p);
    }
    return p;
  }
}
