// Per-replica aggregation between two report ticks. The source's hot path only bumps
// counters and marks origins dirty; the work of reading the version vector and the
// state digest happens once per tick, and only for what changed. This is what keeps
// telemetry bounded: a replica whose vector moved k entries costs O(k) per tick, not
// O(N), however many messages it exchanged.
import { isTraced, LIMITS, SYNC_KINDS, type KindCounter, type ReplicaReport, type SyncCounters, type SyncKind } from "@driftscope/protocol";
import {
  toVersionVectorMap,
  type DotRun,
  type ReplicaObserver,
  type ReplicaRunState,
  type ReplicaSource,
  type StateDigest,
} from "../ReplicaSource.js";
import { DirtyOrigins, RecordQueue, isWireSlot, originName, originSlot, slotEpoch } from "./pending.js";
import { isWireId, isWireSeq, wireCount, wireHash } from "./sanitize.js";

/** What the aggregation needs from its agent. */
export interface TelemetryContext {
  /** Agent clock, ms since the epoch. */
  now(): number;
  /** Current tracing stride: dot (origin, seq) is traced iff seq % k === 0. */
  traceEveryK(): number;
  /** Offered every sent/merged payload with a peer; the agent keeps a bounded sample for the topology view. */
  syncEvent?(replica: string, dir: "sent" | "received" | "merged", kind: SyncKind, bytes: number, peer: string, changed?: boolean): void;
  /** Told when a source threw: the agent logs it and carries on (it never throws into its host). */
  fault?(replica: string, error: unknown): void;
  /**
   * While a replica's state keeps changing, its hash, size and summary are recomputed at most
   * this often (encoding and hashing a state is the costliest part of a tick); as soon as a
   * tick passes without change they are recomputed at once. Default 2000 ms; 0 = every tick.
   */
  stateRefreshMs?: number;
  /** Per-kind sync breakdown, and entries whose only news is sync counters, at most this often. Default 1000 ms. */
  syncDetailMs?: number;
}

/** Bounds on times held between ticks (a few ticks' worth at the protocol's per-replica limits). */
const MAX_PENDING_ISSUED = 4 * LIMITS.issuedPerReplica;
const MAX_PENDING_INCLUDED = 4 * LIMITS.includedPerReplica;

const KNOWN_KINDS: ReadonlySet<string> = new Set(SYNC_KINDS);

function isSyncKind(kind: string): kind is SyncKind {
  return KNOWN_KINDS.has(kind);
}

/** The replica part of a report in agent-clock times (the agent converts them when it sends). */
export interface ReplicaTick {
  report: ReplicaReport;
  /** Events carried (issue and inclusion times): what is lost if the report is dropped. */
  events: number;
}

export class ReplicaTelemetry implements ReplicaObserver {
  readonly source: ReplicaSource;
  readonly #ctx: TelemetryContext;
  /** Origins whose entry may have changed since the last report. */
  #dirty = new DirtyOrigins();
  #needsFull = true;
  /** Last vector read, kept only for sources that do not say what a merge included. */
  #known: Map<string, number> | undefined;
  #stateDirty = true;
  /** A state change happened since the previous collect (the replica is not quiet). */
  #changedSinceCollect = false;
  #lastState: StateDigest | undefined;
  #lastStateAt = -Infinity;
  #lastSyncDetailAt = -Infinity;
  #lastSyncOnlyAt = -Infinity;
  #seqSeen = 0;
  /** The source's incarnation as last announced (restarts without state bump it). */
  #incarnation = 0;
  /** Issue times: records (seq, agentMs). */
  #issued = new RecordQueue(2);
  /** Inclusions: records (origin slot, seq, agentMs); the slots' numbering epoch. */
  #included = new RecordQueue(3);
  #includedEpoch = slotEpoch();
  #sentMessages = 0;
  #sentBytes = 0;
  #receivedMessages = 0;
  #receivedBytes = 0;
  #merges = 0;
  #changedMerges = 0;
  #byKind = new Map<SyncKind, KindCounter>();
  #syncDirty = true;
  #configVersion: number | undefined;
  #configDirty = false;
  #runState: ReplicaRunState;
  #runStateDirty = true;
  #unobserve: (() => void) | undefined;
  #lostEvents = 0;
  #warnedBadEntries = false;

  constructor(source: ReplicaSource, ctx: TelemetryContext) {
    this.source = source;
    this.#ctx = ctx;
    this.#runState = this.#safe(() => source.runState?.(), undefined) ?? "up";
  }

  get id(): string {
    return this.source.id;
  }

  /** Starts observing the source. */
  start(): void {
    if (this.#unobserve !== undefined) return;
    // Sources without the sparse fast path are compared against this baseline on change.
    if (this.source.versionVectorEntry === undefined && this.#known === undefined) {
      try {
        this.#known = toVersionVectorMap(this.source.digest().versionVector);
      } catch (error) {
        this.#ctx.fault?.(this.source.id, error);
      }
    }
    this.#unobserve = this.source.observe(this);
  }

  /** Stops observing the source. */
  stop(): void {
    const unobserve = this.#unobserve;
    this.#unobserve = undefined;
    if (unobserve !== undefined) this.#safe(unobserve, undefined);
  }

  /** The next report carries the whole vector (on connect, and when the collector asks). */
  requestFull(): void {
    this.#needsFull = true;
    this.#stateDirty = true;
    this.#syncDirty = true;
    this.#runStateDirty = true;
    if (this.#configVersion !== undefined) this.#configDirty = true;
  }

  /** Records the config version this replica now runs (goes into the next report). */
  setConfigVersion(version: number): void {
    if (this.#configVersion === version) return;
    this.#configVersion = version;
    this.#configDirty = true;
  }

  get configVersion(): number | undefined {
    return this.#configVersion;
  }

  /** The incarnation announced in hello. */
  get incarnation(): number {
    return this.#incarnation;
  }

  /**
   * Reads the source's incarnation; true when it changed (the replica restarted without its
   * state): its own seqs start again from what it issues now, and its whole vector is due.
   */
  pollIncarnation(): boolean {
    const inc = this.#safe(() => this.source.incarnation?.(), undefined) ?? 0;
    if (inc === this.#incarnation) return false;
    this.#incarnation = inc;
    this.#seqSeen = 0;
    this.#issued.drop(this.#issued.length); // issue times of the previous incarnation
    this.requestFull();
    return true;
  }

  // ── ReplicaObserver: called from the host's hot path ────────────────────────

  updated(seq: number): void {
    if (!Number.isSafeInteger(seq) || seq < 1) return;
    if (seq > this.#seqSeen) this.#seqSeen = seq;
    this.#dirty.add(this.source.id);
    this.#stateDirty = true;
    this.#changedSinceCollect = true;
    this.#known?.set(this.source.id, Math.max(seq, this.#known.get(this.source.id) ?? 0));
    if (isTraced(seq, this.#ctx.traceEveryK())) {
      if (this.#issued.length >= MAX_PENDING_ISSUED) this.#dropOldest(this.#issued, 1024);
      this.#issued.push(seq, this.#ctx.now());
    }
  }

  sent(kind: SyncKind | string, bytes: number, _peer?: string): void {
    if (this.source.syncCounters !== undefined) return; // the source counts (read each tick)
    this.#sentMessages++;
    this.#sentBytes += bytes;
    this.#syncDirty = true;
    if (isSyncKind(kind)) {
      const c = this.#byKind.get(kind);
      if (c === undefined) this.#byKind.set(kind, { messages: 1, bytes });
      else {
        c.messages++;
        c.bytes += bytes;
      }
    }
  }

  received(kind: SyncKind | string, bytes: number, peer?: string): void {
    // A source that counts its own messages reports only a sample here (see ReplicaObserver).
    if (this.source.syncCounters === undefined) {
      this.#receivedMessages++;
      this.#receivedBytes += bytes;
      this.#syncDirty = true;
    }
    // Sampled exchanges are the ones that arrived: a sent message may have been lost to a
    // partition, a cut or loss, and the topology view must not draw it.
    if (peer !== undefined && isSyncKind(kind)) this.#ctx.syncEvent?.(this.source.id, "received", kind, bytes, peer);
  }

  merged(changed: boolean, included?: readonly DotRun[]): void {
    const counted = this.source.syncCounters === undefined;
    if (counted) {
      this.#merges++;
      this.#syncDirty = true;
    }
    if (!changed) return;
    if (counted) this.#changedMerges++;
    this.#stateDirty = true;
    this.#changedSinceCollect = true;
    if (included === undefined) {
      this.#compareVector();
      return;
    }
    const k = this.#ctx.traceEveryK();
    const at = this.#ctx.now();
    for (const run of included) this.#noteIncluded(run.replica, run.from, run.to, at, k);
  }

  /** Dots from..to of `origin` newly included at agent time `at`: the origin changed; traced ones get their time. */
  #noteIncluded(origin: string, from: number, to: number, at: number, k: number): void {
    // A replica restarted without its state gets its own earlier dots back from peers: that
    // entry changes like any other origin's (before a restart its own entry is its seq).
    if (origin === this.source.id && this.#incarnation === 0) return;
    const slot = originSlot(origin);
    if (!isWireSlot(slot)) return;
    this.#dirty.addSlot(slot);
    if (this.#included.length >= MAX_PENDING_INCLUDED) this.#dropOldestInclusions();
    // Traced seqs in [from, to]: the multiples of k.
    for (let s = Math.max(k, Math.ceil(from / k) * k); s <= to; s += k) this.#pushInclusion(slot, s, at);
  }

  /** For a source that keeps a journal of what it included (drainIncluded): read it now. */
  #drainJournal(drain: NonNullable<ReplicaSource["drainIncluded"]>): void {
    const now = this.#ctx.now();
    const k = this.#ctx.traceEveryK();
    let any = false;
    const complete = drain((origin, from, to, ageMs) => {
      any = true;
      this.#noteIncluded(origin, from, to, now - ageMs, k);
    });
    if (any) {
      this.#stateDirty = true;
      this.#changedSinceCollect = true;
    }
    // Runs the source dropped: which entries changed is unknown, so the whole vector goes.
    if (!complete) this.#needsFull = true;
  }

  changed(): void {
    this.#stateDirty = true;
    this.#changedSinceCollect = true;
    this.#compareVector();
  }

  status(state: ReplicaRunState): void {
    if (state === this.#runState) return;
    this.#runState = state;
    this.#runStateDirty = true;
    // A restored replica may come back empty: its whole vector goes out again.
    if (state === "up") this.requestFull();
  }

  // ── once per tick ───────────────────────────────────────────────────────────

  /**
   * The replica's part of this tick's report, or undefined when nothing changed.
   * `toCollectorMs` converts agent-clock times. Clears what it reports.
   */
  collect(toCollectorMs: (agentMs: number) => number): ReplicaTick | undefined {
    const drain = this.source.drainIncluded;
    if (drain !== undefined) {
      try {
        this.#drainJournal(drain.bind(this.source));
      } catch (error) {
        this.#ctx.fault?.(this.source.id, error);
        this.#needsFull = true;
      }
    }
    const runningVersion = this.#safe(() => this.source.configVersion?.(), undefined);
    if (runningVersion !== undefined) this.setConfigVersion(runningVersion);
    // Counters kept by the source: read once a tick (they moved: something to say now and then).
    const counters = this.source.syncCounters === undefined ? undefined : this.#safe(() => this.source.syncCounters!(), undefined);
    if (counters !== undefined && this.#sourceCountersMoved(counters)) this.#syncDirty = true;
    if (this.#dirty.lost) {
      this.#dirty.lost = false;
      this.#needsFull = true;
    }
    const pendingEvents = this.#issued.length + this.#included.length;
    const now = this.#ctx.now();
    const quiet = !this.#changedSinceCollect;
    this.#changedSinceCollect = false;
    const refreshState =
      this.#needsFull ||
      this.#lastState === undefined ||
      (this.#stateDirty && (quiet || now - this.#lastStateAt >= (this.#ctx.stateRefreshMs ?? 2000)));
    const news = this.#needsFull || this.#dirty.size > 0 || refreshState || this.#configDirty || this.#runStateDirty || pendingEvents > 0;
    if (!news) {
      // Only counters moved: they are cumulative, so sending them now and then loses nothing.
      if (!this.#syncDirty || now - this.#lastSyncOnlyAt < (this.#ctx.syncDetailMs ?? 1000)) return undefined;
      this.#lastSyncOnlyAt = now;
    }
    const src = this.source;
    const full = this.#needsFull;
    let digestVector: Map<string, number> | undefined;
    let state: StateDigest | undefined;
    const readDigest = (): Map<string, number> => {
      const d = src.digest();
      digestVector = toVersionVectorMap(d.versionVector);
      state = { hash: d.hash, bytes: d.bytes, summary: d.summary };
      return digestVector;
    };
    let vv: Array<[string, number]> = [];
    try {
      if (full) {
        const map = readDigest();
        for (const entry of map) vv.push(entry);
        if (this.#known !== undefined) this.#known = new Map(map);
      } else if (this.#dirty.size > 0) {
        if (src.versionVectorEntry !== undefined) {
          const entry = src.versionVectorEntry.bind(src);
          this.#dirty.forEach((origin) => vv.push([origin, entry(origin)]));
        } else {
          const map = readDigest();
          this.#dirty.forEach((origin) => vv.push([origin, map.get(origin) ?? 0]));
        }
      }
      if (state === undefined && refreshState) {
        if (src.stateDigest !== undefined) state = src.stateDigest();
        else readDigest();
      }
    } catch (error) {
      // A source that fails to describe itself is skipped this tick and asked again in full.
      this.#ctx.fault?.(src.id, error);
      this.#needsFull = true;
      return undefined;
    }
    // Entries the protocol cannot carry are left out (and said once): one would get the whole report refused.
    if (vv.some(([o, n]) => !isWireId(o) || !isWireSeq(n))) {
      const bad = vv.filter(([o, n]) => !isWireId(o) || !isWireSeq(n));
      vv = vv.filter(([o, n]) => isWireId(o) && isWireSeq(n));
      if (!this.#warnedBadEntries) {
        this.#warnedBadEntries = true;
        this.#ctx.fault?.(src.id, new RangeError(`version-vector entries not reportable (ids must be 1–128 chars of A-Za-z0-9._:-, seqs safe integers): ${JSON.stringify(bad.slice(0, 3))}`));
      }
    }
    if (vv.length > LIMITS.vvEntries) {
      // More origins than the protocol carries per replica: report the highest-numbered
      // ones and say so (missing-update counts for this replica will be approximate).
      this.#ctx.fault?.(src.id, new RangeError(`version vector has ${vv.length} entries; only ${LIMITS.vvEntries} are reported`));
      vv = vv.slice(0, LIMITS.vvEntries);
    }
    if (state !== undefined) {
      this.#lastState = { hash: wireHash(state.hash), bytes: wireCount(state.bytes), summary: state.summary };
      this.#lastStateAt = now;
      this.#stateDirty = false;
    }
    const last = this.#lastState!;
    // After a restart without state, what it holds of its own id is not what it issued.
    const ownEntry = this.#incarnation > 0 ? 0 : (digestVector?.get(src.id) ?? vv.find(([o]) => o === src.id)?.[1] ?? 0);
    const seq = Math.max(this.#safe(() => src.seq?.(), undefined) ?? 0, this.#seqSeen, ownEntry);
    if (seq > this.#seqSeen) this.#seqSeen = seq;

    const report: ReplicaReport = {
      replica: src.id as ReplicaReport["replica"],
      seq: isWireSeq(seq) ? seq : wireCount(seq),
      ...(this.#incarnation > 0 ? { incarnation: this.#incarnation } : {}),
      vv: vv as ReplicaReport["vv"],
      sync: this.#syncCounters(full || now - this.#lastSyncDetailAt >= (this.#ctx.syncDetailMs ?? 1000), counters),
    };
    // Hash, size and summary only when recomputed (absent: unchanged), and in every full entry:
    // after lost reports the collector asks for full entries, so it never keeps a stale hash.
    if (state !== undefined || full) {
      report.hash = last.hash;
      report.bytes = last.bytes;
      report.summary = last.summary.length > 256 ? last.summary.slice(0, 255) + "…" : last.summary;
    }
    if (report.sync.byKind !== undefined) this.#lastSyncDetailAt = now;
    if (full) report.full = true;
    // Per-replica protocol limits: what does not fit waits for the next tick.
    let eventsSent = 0;
    const issuedQueue = this.#issued;
    if (issuedQueue.length > 0) {
      const n = Math.min(issuedQueue.length, LIMITS.issuedPerReplica);
      const issued: Array<[number, number]> = [];
      for (let i = 0; i < n; i++) issued.push([issuedQueue.get(i, 0), toCollectorMs(issuedQueue.get(i, 1))]);
      issuedQueue.drop(n);
      report.issued = issued;
      eventsSent += n;
    }
    const includedQueue = this.#included;
    if (includedQueue.length > 0) {
      const n = Math.min(includedQueue.length, LIMITS.includedPerReplica);
      const included: Array<[string, number, number]> = [];
      // One collector time per agent time: the inclusions of one merge share it.
      let lastAt = NaN;
      let lastMs = 0;
      for (let i = 0; i < n; i++) {
        const at = includedQueue.get(i, 2);
        if (at !== lastAt) {
          lastAt = at;
          lastMs = toCollectorMs(at);
        }
        included.push([originName(includedQueue.get(i, 0)), includedQueue.get(i, 1), lastMs]);
      }
      includedQueue.drop(n);
      report.included = included as ReplicaReport["included"];
      eventsSent += n;
    }
    if (this.#configVersion !== undefined && (this.#configDirty || full)) report.configVersion = this.#configVersion;
    if (this.#runStateDirty || full) report.status = this.#runState;

    this.#needsFull = false;
    this.#dirty.clear();
    this.#syncDirty = false;
    this.#configDirty = false;
    this.#runStateDirty = false;
    return { report, events: eventsSent };
  }

  /** Did the source's own counters move since the previous tick? */
  #sourceCountersMoved(c: SyncCounters): boolean {
    const moved = c.sentMessages !== this.#sentMessages || c.receivedMessages !== this.#receivedMessages || c.merges !== this.#merges;
    this.#sentMessages = c.sentMessages;
    this.#receivedMessages = c.receivedMessages;
    this.#merges = c.merges;
    return moved;
  }

  #syncCounters(withKinds: boolean, fromSource: SyncCounters | undefined): ReplicaReport["sync"] {
    if (fromSource !== undefined) {
      const sync: ReplicaReport["sync"] = {
        sentMessages: wireCount(fromSource.sentMessages),
        sentBytes: wireCount(fromSource.sentBytes),
        receivedMessages: wireCount(fromSource.receivedMessages),
        receivedBytes: wireCount(fromSource.receivedBytes),
        merges: wireCount(fromSource.merges),
        changedMerges: wireCount(fromSource.changedMerges),
      };
      if (withKinds && fromSource.byKind !== undefined && Object.keys(fromSource.byKind).length > 0) {
        const byKind: NonNullable<ReplicaReport["sync"]["byKind"]> = {};
        for (const kind of SYNC_KINDS) {
          const c = fromSource.byKind[kind];
          if (c !== undefined) byKind[kind] = { messages: wireCount(c.messages), bytes: wireCount(c.bytes) };
        }
        sync.byKind = byKind;
      }
      return sync;
    }
    const sync: ReplicaReport["sync"] = {
      sentMessages: this.#sentMessages,
      sentBytes: this.#sentBytes,
      receivedMessages: this.#receivedMessages,
      receivedBytes: this.#receivedBytes,
      merges: this.#merges,
      changedMerges: this.#changedMerges,
    };
    if (withKinds && this.#byKind.size > 0) {
      const byKind: NonNullable<ReplicaReport["sync"]["byKind"]> = {};
      for (const [kind, c] of this.#byKind) byKind[kind] = { messages: c.messages, bytes: c.bytes };
      sync.byKind = byKind;
    }
    return sync;
  }

  /**
   * For sources that do not say what a merge included: read the vector now and compare it
   * with the last one read. Costs O(|vector|) per change, but gives exact inclusion times.
   */
  #compareVector(): void {
    let next: Map<string, number>;
    try {
      next = toVersionVectorMap(this.source.digest().versionVector);
    } catch (error) {
      this.#ctx.fault?.(this.source.id, error);
      this.#needsFull = true;
      return;
    }
    const prev = this.#known;
    this.#known = next;
    if (prev === undefined) {
      // First comparison: no baseline, so no inclusion times; the whole vector goes out.
      this.#needsFull = true;
      return;
    }
    const k = this.#ctx.traceEveryK();
    let at: number | undefined;
    for (const [origin, seq] of next) {
      const before = prev.get(origin) ?? 0;
      if (seq === before) continue;
      this.#dirty.add(origin);
      if (origin === this.source.id || seq < before || !isWireId(origin)) continue;
      if (this.#included.length >= MAX_PENDING_INCLUDED) this.#dropOldestInclusions();
      for (let s = Math.ceil((before + 1) / k) * k; s <= seq; s += k) {
        at ??= this.#ctx.now();
        this.#pushInclusion(originSlot(origin), s, at);
      }
    }
    // An origin that disappeared (the replica was reset) is reported as 0.
    for (const origin of prev.keys()) if (!next.has(origin)) this.#dirty.add(origin);
  }

  /** Issue and inclusion times lost because they piled up faster than reports could carry them. */
  takeLostEvents(): number {
    const n = this.#lostEvents;
    this.#lostEvents = 0;
    return n;
  }

  #lose(n: number): void {
    this.#lostEvents += n;
  }

  #dropOldestInclusions(): void {
    this.#dropOldest(this.#included, 4096);
  }

  /** Drops the oldest `n` records of a queue (all it has, at most), counted as lost events. */
  #dropOldest(queue: RecordQueue, n: number): void {
    const k = Math.min(n, queue.length);
    queue.drop(k);
    this.#lose(k);
  }

  #pushInclusion(slot: number, seq: number, at: number): void {
    // Slots numbered before the table started over name other ids now: those records go.
    if (this.#includedEpoch !== slotEpoch()) {
      this.#dropOldest(this.#included, this.#included.length);
      this.#includedEpoch = slotEpoch();
    }
    this.#included.push(slot, seq, at);
  }

  #safe<T>(fn: () => T, fallback: T): T {
    try {
      return fn();
    } catch (error) {
      this.#ctx.fault?.(this.source.id, error);
      return fallback;
    }
  }
}
