// While the collector is away, the agent keeps ONE pending entry per replica instead of a
// report per tick. Version-vector changes are monotone and sync counters cumulative, so the
// latest values describe the whole outage; only the traced dots' issue and inclusion times
// (exact convergence times) accumulate, in time order, within the memory cap — the oldest
// go first and are counted. A 3-minute outage then costs a few reports on reconnect instead
// of 1,800 ticks' worth, which a collector's message rate limit would cut short.
import { LIMITS, type Report, type ReplicaReport, type SyncEvent } from "@driftscope/protocol";
import type { PendingReport } from "./reports.js";

/** Estimated JSON bytes per report drained from the backlog (the collector takes up to 4 MiB). */
export const BACKLOG_REPORT_BYTES = 1024 * 1024;

/** One replica's outage so far: the latest state, the union of vector changes, every traced time. */
interface Pending {
  /** Latest scalar fields (seq, full, hash/bytes/summary, sync, configVersion, status). */
  latest: ReplicaReport;
  vv: Map<string, number>;
  issued: NonNullable<ReplicaReport["issued"]>;
  included: NonNullable<ReplicaReport["included"]>;
  /** Estimated JSON bytes of the entry it drains to. */
  bytes: number;
}

/** Issue and inclusion times one tick added to one replica (dropped together, oldest first). */
interface Segment {
  pending: Pending;
  issued: number;
  included: number;
  bytes: number;
}

export class OutageBacklog {
  readonly #maxBytes: number;
  readonly #pending = new Map<string, Pending>();
  #segments: Segment[] = [];
  #segmentHead = 0;
  #bytes = 0;
  #lostEvents = 0;
  #syncEvents: SyncEvent[] = [];
  #timeMs = 0;

  constructor(options: { maxBytes: number }) {
    this.#maxBytes = Math.max(0, options.maxBytes);
  }

  /** Nothing waiting. */
  get empty(): boolean {
    return this.#pending.size === 0 && this.#syncEvents.length === 0;
  }

  /** Estimated bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Folds one tick: its replica entries, its sampled sync events (only the latest tick's are kept) and its time. */
  add(entries: readonly ReplicaReport[], syncEvents: readonly SyncEvent[], timeMs: number): void {
    for (const entry of entries) this.#fold(entry);
    if (syncEvents.length > 0) this.#syncEvents = syncEvents.slice(0, LIMITS.eventsPerReport);
    this.#timeMs = Math.max(this.#timeMs, timeMs);
    this.#enforceCap();
  }

  /** Folds a report built before the connection dropped and never sent. */
  addReport(report: Report): void {
    this.add(report.replicas, report.events ?? [], report.timeMs);
  }

  /** Traced times dropped to stay within the cap since the last call (then zeroed). */
  takeLostEvents(): number {
    const n = this.#lostEvents;
    this.#lostEvents = 0;
    return n;
  }

  /**
   * Empties the backlog into reports within the protocol's limits (about 1 MiB each). A
   * replica whose times exceed one entry's limits appears in several successive reports,
   * its vector and state in the first. `next` gives each report's envelope.
   */
  drain(next: (timeMs: number) => Omit<Report, "replicas" | "events">): PendingReport[] {
    const rounds: ReplicaReport[][] = [];
    for (const pending of this.#pending.values()) {
      const entry: ReplicaReport = { ...pending.latest, vv: [...pending.vv] as ReplicaReport["vv"] };
      const { issued, included } = pending;
      const chunks = Math.max(1, Math.ceil(issued.length / LIMITS.issuedPerReplica), Math.ceil(included.length / LIMITS.includedPerReplica));
      for (let k = 0; k < chunks; k++) {
        const piece: ReplicaReport = k === 0 ? { ...entry } : { replica: entry.replica, seq: entry.seq, vv: [], sync: entry.sync };
        // A continuation names its incarnation too: should the replica restart while the
        // backlog drains, the collector must see these times as the earlier incarnation's.
        if (k > 0 && entry.incarnation !== undefined) piece.incarnation = entry.incarnation;
        delete piece.issued;
        delete piece.included;
        const iss = issued.slice(k * LIMITS.issuedPerReplica, (k + 1) * LIMITS.issuedPerReplica);
        const inc = included.slice(k * LIMITS.includedPerReplica, (k + 1) * LIMITS.includedPerReplica);
        if (iss.length > 0) piece.issued = iss;
        if (inc.length > 0) piece.included = inc;
        (rounds[k] ??= []).push(piece);
      }
    }
    const out: PendingReport[] = [];
    let replicas: ReplicaReport[] = [];
    let entries = 0;
    let events = 0;
    let bytes = 0;
    const flush = () => {
      const report: Report = { ...next(this.#timeMs), replicas };
      if (out.length === 0 && this.#syncEvents.length > 0) report.events = this.#syncEvents;
      out.push({ report, events, bytes: bytes + 160 });
      replicas = [];
      entries = 0;
      events = 0;
      bytes = 0;
    };
    // A round holds each replica once: reports never mix two pieces of the same replica.
    for (const round of rounds) {
      if (replicas.length > 0) flush();
      for (const piece of round) {
        const n = piece.vv.length + (piece.issued?.length ?? 0) + (piece.included?.length ?? 0);
        const size = entryBytes(piece);
        if (replicas.length > 0 && (replicas.length >= LIMITS.replicasPerAgent || entries + n > LIMITS.entriesPerReport || bytes + size > BACKLOG_REPORT_BYTES)) flush();
        replicas.push(piece);
        entries += n;
        events += (piece.issued?.length ?? 0) + (piece.included?.length ?? 0);
        bytes += size;
      }
    }
    if (replicas.length > 0 || (out.length === 0 && this.#syncEvents.length > 0)) flush();
    this.#pending.clear();
    this.#segments = [];
    this.#segmentHead = 0;
    this.#bytes = 0;
    this.#syncEvents = [];
    return out;
  }

  #fold(next: ReplicaReport): void {
    let pending = this.#pending.get(next.replica);
    if (pending !== undefined && (next.incarnation ?? 0) !== (pending.latest.incarnation ?? 0)) {
      // Restarted without its state: what the earlier incarnation left waiting is stale (the
      // collector ignores it once hello announces the restart), and its seqs start over.
      this.#bytes -= pending.bytes;
      this.#pending.delete(next.replica);
      pending = undefined;
    }
    if (pending === undefined) {
      pending = { latest: next, vv: new Map(), issued: [], included: [], bytes: 260 + next.replica.length };
      this.#pending.set(next.replica, pending);
      this.#bytes += pending.bytes;
    }
    // A whole vector replaces the union (absent origins are 0); changes add to it. Vectors only grow.
    if (next.full === true) {
      let vvBytes = 0;
      for (const origin of pending.vv.keys()) vvBytes += origin.length + 22;
      pending.bytes -= vvBytes;
      this.#bytes -= vvBytes;
      pending.vv.clear();
    }
    for (const [origin, seq] of next.vv) {
      if (!pending.vv.has(origin)) {
        pending.bytes += origin.length + 22;
        this.#bytes += origin.length + 22;
      }
      pending.vv.set(origin, seq);
    }
    pending.latest = latestOf(pending.latest, next);
    const issued = next.issued ?? [];
    const included = next.included ?? [];
    if (issued.length + included.length === 0) return;
    for (const i of issued) pending.issued.push(i);
    for (const i of included) pending.included.push(i);
    const bytes = timesBytes(next);
    pending.bytes += bytes;
    this.#bytes += bytes;
    this.#segments.push({ pending, issued: issued.length, included: included.length, bytes });
  }

  /** Drops the oldest traced times (never vectors or counters) until the estimate fits the cap. */
  #enforceCap(): void {
    while (this.#bytes > this.#maxBytes && this.#segmentHead < this.#segments.length) {
      const segment = this.#segments[this.#segmentHead]!;
      this.#segments[this.#segmentHead++] = undefined as never;
      const pending = segment.pending;
      if (this.#pending.get(pending.latest.replica) !== pending) continue; // replaced by a new incarnation
      pending.issued.splice(0, segment.issued);
      pending.included.splice(0, segment.included);
      this.#lostEvents += segment.issued + segment.included;
      this.#bytes -= segment.bytes;
      pending.bytes -= segment.bytes;
    }
    if (this.#segmentHead > 1024 && this.#segmentHead * 2 > this.#segments.length) {
      this.#segments = this.#segments.slice(this.#segmentHead);
      this.#segmentHead = 0;
    }
  }
}

/** The scalar fields of `later` over `earlier`: counters and state are the latest; a whole vector sticks. */
function latestOf(earlier: ReplicaReport, later: ReplicaReport): ReplicaReport {
  const merged: ReplicaReport = { replica: later.replica, seq: Math.max(earlier.seq, later.seq), vv: [], sync: later.sync };
  if (earlier.full === true || later.full === true) merged.full = true;
  const state = later.hash !== undefined ? later : earlier;
  if (state.hash !== undefined) {
    merged.hash = state.hash;
    merged.bytes = state.bytes!;
    merged.summary = state.summary!;
  }
  const configVersion = later.configVersion ?? earlier.configVersion;
  if (configVersion !== undefined) merged.configVersion = configVersion;
  const status = later.status ?? earlier.status;
  if (status !== undefined) merged.status = status;
  if (later.incarnation !== undefined) merged.incarnation = later.incarnation; // #fold never merges two incarnations
  return merged;
}

/** Estimated JSON bytes of an entry's ids and times (the cap and the 4 MiB message limit depend on it). */
function entryBytes(r: ReplicaReport): number {
  let bytes = 260 + r.replica.length + (r.summary?.length ?? 0);
  for (const [origin] of r.vv) bytes += origin.length + 22;
  return bytes + timesBytes(r);
}

function timesBytes(r: ReplicaReport): number {
  let bytes = 34 * (r.issued?.length ?? 0);
  for (const [origin] of r.included ?? []) bytes += origin.length + 40;
  return bytes;
}
