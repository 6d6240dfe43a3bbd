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
import type { GossipEvents } from "../events.js";
import type { Transport } from "../net/Transport.js";
import type { Scheduler } from "../time/Scheduler.js";
import { FrameReader, splitFallback, stateFrame, updateFrame } from "../wire/deltaList.js";
import { messageBody, messageHash, type EncodedVector, type ReceivedMessage } from "../wire/message.js";
import { originIndex, originName } from "../wire/origins.js";
import type { DeltaLog } from "./DeltaLog.js";
import { DotTracker } from "./DotTracker.js";
import { InclusionJournal, type InclusionSink } from "./InclusionJournal.js";
import type { PeerState } from "./peerState.js";
import { CHANGED_MERGES, COUNTERS, MERGES, trafficOf, type ReplicaTraffic } from "./traffic.js";

/** Whether a replica takes part: running, crashed (silent, keeps or loses state) or gone (left). */
export type ReplicaStatus = "running" | "crashed" | "left";

/**
 * The state side of a replica (Replica adds the gossip around it): the CRDT with its causal
 * context, the mirror of that context by origin number, the delta log, local updates, the
 * merging of received states, what observers read (vector, traffic, journals), and the caches
 * kept until the state changes.
 */
export abstract class ReplicaStore<S = unknown, Op = unknown, V = unknown> {
  readonly id: string;
  readonly type: CrdtType<S, Op, V>;
  protected rs: ReplicaState<S, Op, V>;
  protected incarnationValue = 0;
  protected log: DeltaLog;
  protected statusValue: ReplicaStatus = "crashed";
  /** Bumped on every state change: keys the snapshot-hash cache. */
  protected version = 0;
  private snapshotHashAt = -1;
  private snapshotHashValue = "";
  private ownVvAt = -1;
  private vectorAt = -1;
  private vectorValue: EncodedVector | null = null;
  private ownVv: VersionVector = new Map();
  protected readonly transport: Transport;
  protected readonly scheduler: Scheduler;
  readonly events: GossipEvents;
  /** Mirror of the state's causal context: lets a relayed update be skipped without decoding it. */
  protected seen = new DotTracker();
  /** Open inclusion journals and observers (`openJournal`, `observeInclusions`): usually none, or the agent's. */
  private journals: InclusionSink[] = [];
  /** Traffic counters (see `traffic`), at the indices of traffic.ts. */
  protected readonly counts = new Float64Array(COUNTERS);
  /** Hashes of full states recently merged from the delta log of a peer (relayed copies are skipped). */
  protected readonly recentStates = new Set<string>();
  /** Reads received lists (mergeList is not re-entrant: one cursor serves every list). */
  private readonly frames = new FrameReader();

  constructor(id: string, type: CrdtType<S, Op, V>, transport: Transport, scheduler: Scheduler, events: GossipEvents, log: DeltaLog) {
    this.id = id;
    this.type = type;
    this.transport = transport;
    this.scheduler = scheduler;
    this.events = events;
    this.rs = new ReplicaState(type, id);
    this.log = log;
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
    return trafficOf(this.counts);
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

  // ── merging what was received ────────────────────────────────────────────────────────────

  protected mergeOne(p: PeerState, m: ReceivedMessage, bytes: number): void {
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

  // ── small caches ─────────────────────────────────────────────────────────────────────────

  /** Digest hash of the state (what telemetry compares). */
  protected hash(): string {
    return this.rs.digest().hash;
  }

  /** Hash of state and context together: equal ⇒ merging changes nothing. */
  protected snapshotHash(): string {
    if (this.snapshotHashAt !== this.version) {
      this.snapshotHashValue = hash64(this.rs.snapshotBytes());
      this.snapshotHashAt = this.version;
    }
    return this.snapshotHashValue;
  }

  /** Our version vector in wire form (cached until the state changes). */
  protected vector(): EncodedVector {
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

const NO_DOTS: readonly DotRange[] = Object.freeze([]);

/** Merging an update `seen` did not hold: no coverage check, no ranges (the update's dot is what it includes). */
const FRESH: MergeOptions = Object.freeze({ fresh: true, collect: false });

interface MergeAccumulator {
  changed: boolean;
  newly: DotRange[] | null;
  collect: boolean;
}
