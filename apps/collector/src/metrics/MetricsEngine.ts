// The metrics engine: DESIGN §3 computed incrementally from report ticks. A façade over
//   Lifecycle          who is a member and who is live (one model of a replica's life),
//   ConvergenceTracker frontier of what exists, version vectors, samples, lost updates,
//   RateHistory        rates from cumulative counters,
//   frameBuilder       the pure view: per-replica columns and KPIs,
//   censored           Kaplan–Meier percentiles with the updates still in flight.
// Pure: no timers, no I/O; every call carries the time it happens at.
import { DEFAULT_RETENTION_MS, type Issue, type ReplicaReport } from "@driftscope/protocol";
import { censoredFromHistogram, censoredFromSorted } from "./censored.js";
import { ConvergenceTracker, type TrackerNotice } from "./ConvergenceTracker.js";
import { buildFrame } from "./frameBuilder.js";
import { IdTable } from "./idTable.js";
import { censoredAges } from "./inFlight.js";
import { Lifecycle, type Departure, type LeaveReason, type StatusTransition } from "./Lifecycle.js";
import { DEFAULT_LIVENESS } from "./liveness.js";
import { vvLength, type OriginNumbers } from "./packedVv.js";
import { RATE_BYTES, RATE_MESSAGES, RATE_SEQ, RateHistory } from "./RateHistory.js";
import { statusOf, type ReplicaRecord } from "./replicaRecord.js";
import type { CensoredStats, EngineFrame, ReplicaFigures } from "./types.js";
import { VisibilityCurve, type VisibilityFigures } from "./visibilityCurve.js";

export type { Departure, LeaveReason, ReplicaFigures, StatusTransition, TrackerNotice };

export interface MetricsEngineOptions {
  /** Sliding window of the convergence percentiles (ms). Default 60 s. */
  windowMs?: number;
  /** Longest window anyone may ask percentiles for (ms). Default 1 h. */
  maxWindowMs?: number;
  /** Most samples the sliding window holds (the newest are kept). Default 100,000. */
  windowCapacity?: number;
  /** Window percentiles are recomputed at most this often (ms); 0: whenever asked at a new time. Default 0. */
  percentileRecomputeMs?: number;
  /** Window over which rates are measured (ms). Default 1 s. */
  rateWindowMs?: number;
  /** Silent for this many report intervals… (default 3) */
  unreachableAfterIntervals?: number;
  /** …and at least this long (ms, default 2 s): unreachable. */
  unreachableMinMs?: number;
  /** Unreachable longer than this (ms): the replica leaves the membership. Default 10 min. */
  retentionMs?: number;
  /** Report interval assumed for agents that did not state one (ms). Default 100. */
  defaultReportIntervalMs?: number;
  /** Recent seqs per origin that keep an issue time (power of two). Default 4096. */
  issueWindow?: number;
  /** Tracing stride of the agents: only seq % k === 0 yields samples. Default 1. */
  tracingEveryK?: number;
}

/** Oldest a report (and the times in it) may claim to be, relative to its arrival. */
export const MAX_REPORT_AGE_MS = 3_600_000;

export class MetricsEngine {
  private readonly ids = new IdTable();
  readonly lifecycle: Lifecycle;
  private readonly tracker: ConvergenceTracker;
  private readonly visibilityCurve: VisibilityCurve;
  private readonly rates: RateHistory;
  private readonly opts: Required<MetricsEngineOptions>;
  private readonly censoredCache = new Map<number, { atMs: number; stats: CensoredStats }>();

  constructor(options: MetricsEngineOptions = {}) {
    this.opts = {
      windowMs: 60_000,
      maxWindowMs: 3_600_000,
      windowCapacity: 100_000,
      percentileRecomputeMs: 0,
      rateWindowMs: 1_000,
      unreachableAfterIntervals: DEFAULT_LIVENESS.afterIntervals,
      unreachableMinMs: DEFAULT_LIVENESS.minMs,
      retentionMs: DEFAULT_RETENTION_MS,
      defaultReportIntervalMs: 100,
      issueWindow: 4096,
      tracingEveryK: 1,
      ...options,
    };
    const o = this.opts;
    this.lifecycle = new Lifecycle(
      this.ids,
      {
        liveChanged: (rep, live, t) => this.tracker.liveChanged(rep, live, t),
        leaving: (rep, t) => this.tracker.leaving(rep, t),
        restarted: (rep, t) => {
          this.tracker.restarted(rep, t);
          rep.hist = undefined; // its counters start again: the next report is a new baseline
          rep.rawSync = undefined;
        },
      },
      { defaultReportIntervalMs: o.defaultReportIntervalMs, liveness: { afterIntervals: o.unreachableAfterIntervals, minMs: o.unreachableMinMs }, retentionMs: o.retentionMs },
    );
    this.visibilityCurve = new VisibilityCurve({ windowMs: o.windowMs });
    this.tracker = new ConvergenceTracker(this.ids, this.lifecycle, o, this.visibilityCurve);
    this.rates = new RateHistory(o.rateWindowMs);
  }

  // ---- membership (the lifecycle's, re-exported for the core) --------------------------

  registerAgent(agentId: string, reportIntervalMs: number | undefined, nowMs: number): void {
    this.lifecycle.registerAgent(agentId, reportIntervalMs, nowMs);
  }

  /** Adds or re-announces a replica; a higher `incarnation` means it restarted without its state. */
  addReplica(id: string, agentId: string, crdtType: string, nowMs: number, incarnation?: number): void {
    this.lifecycle.addReplica(id, agentId, crdtType, incarnation, nowMs);
  }

  hasReplica(id: string): boolean {
    return this.lifecycle.get(id) !== undefined;
  }

  agentOf(id: string): string | undefined {
    return this.lifecycle.get(id)?.agent.id;
  }

  agentSeen(agentId: string, nowMs: number): void {
    this.lifecycle.agentSeen(agentId, nowMs);
  }

  agentGone(agentId: string, nowMs: number): void {
    this.lifecycle.agentGone(agentId, nowMs);
  }

  forgetAgent(agentId: string): void {
    this.lifecycle.forgetAgent(agentId);
  }

  removeReplica(id: string, nowMs: number, reason: LeaveReason = "bye"): boolean {
    return this.lifecycle.removeReplica(id, nowMs, reason);
  }

  /** Applies the liveness rule and the retention time. */
  tick(nowMs: number): void {
    this.lifecycle.tick(nowMs);
  }

  setConfigVersion(id: string, version: number): boolean {
    const rep = this.lifecycle.get(id);
    if (rep === undefined) return false;
    rep.configVersion = version;
    return true;
  }

  // ---- ingest -----------------------------------------------------------------------

  /** Entries that would reuse update ids or name an unannounced incarnation (checked before ingest). */
  seqRegressions(replicas: readonly ReplicaReport[]): Issue[] {
    return this.lifecycle.entryConflicts(replicas);
  }

  /**
   * Applies one report tick of an agent. `timeMs` is the report's collector-clock time,
   * kept within [nowMs − MAX_REPORT_AGE_MS, nowMs] so a wrong clock cannot date the future
   * or make ages absurd. Entries of unknown replicas are skipped. Returns the VV entries applied.
   */
  ingestReport(agentId: string, timeMs: number, replicas: readonly ReplicaReport[], nowMs: number): number {
    const oldest = nowMs - MAX_REPORT_AGE_MS;
    const t = Math.min(Math.max(timeMs, oldest), nowMs);
    this.lifecycle.agentSeen(agentId, nowMs);
    // Entries of an earlier incarnation (sent before the restart was announced) are stale.
    const reps = replicas.map((e) => {
      const rep = this.lifecycle.get(e.replica);
      return rep !== undefined && (e.incarnation ?? rep.incarnation) < rep.incarnation ? undefined : rep;
    });
    // Pass 1: what each replica issued, so that a dot a peer included in this same batch has its issue time.
    replicas.forEach((e, i) => reps[i] !== undefined && this.tracker.issued(reps[i], e, t, oldest));
    let entries = 0;
    for (let i = 0; i < replicas.length; i++) {
      const e = replicas[i]!;
      const rep = reps[i];
      if (rep === undefined) continue;
      if (e.status !== undefined) this.lifecycle.setCrashed(rep, e.status === "crashed", t);
      this.tracker.included(rep, e, t, oldest, nowMs);
      entries += vvLength(e);
      if (e.hash !== undefined) rep.hash = e.hash; // absent: unchanged since its previous entry
      if (e.bytes !== undefined) rep.bytes = e.bytes;
      if (e.summary !== undefined) rep.summary = e.summary;
      if (e.configVersion !== undefined) rep.configVersion = e.configVersion;
      this.rates.applySync(rep, e.sync);
      rep.lastReportMs = t;
      this.rates.baseline(rep);
    }
    return entries;
  }

  // ---- frames -----------------------------------------------------------------------

  /**
   * Advances the liveness rule and the rate history to `nowMs`, then builds the frame:
   * per-replica columns, KPIs, and the samples converged since the previous frame.
   */
  frame(nowMs: number): EngineFrame {
    this.lifecycle.tick(nowMs);
    const members = this.lifecycle.members;
    this.rates.record(nowMs, members, this.tracker.deliveredTotal);
    const { columns, kpis } = buildFrame({ members, liveCount: this.lifecycle.liveCount, tracker: this.tracker, rates: this.rates, convergence: this.windowConvergence(nowMs), nowMs });
    const k = this.tracker.everyK;
    return {
      timeMs: nowMs,
      membershipVersion: this.lifecycle.membershipVersion,
      replicaIds: members.map((r) => r.id),
      ...columns,
      kpis,
      samples: this.tracker.drainSamples(),
      sampling: { traced: k > 1, everyK: k, convergedByExclusion: this.tracker.convergedByExclusion, convergedWithoutIssueTime: this.tracker.convergedWithoutIssueTime },
    };
  }

  /** Per-replica figures (rates as of the last frame), built like a frame's columns. */
  replicaFigures(nowMs: number): ReplicaFigures[] {
    const members = this.lifecycle.members;
    const { columns } = buildFrame({ members, liveCount: this.lifecycle.liveCount, tracker: this.tracker, rates: this.rates, convergence: this.windowConvergence(nowMs), nowMs });
    return members.map((rep, i) => ({
      id: rep.id,
      agentId: rep.agent.id,
      crdtType: rep.crdtType,
      status: statusOf(rep),
      incarnation: rep.incarnation,
      dotReuse: rep.dotReuse,
      missingUpdates: columns.missingUpdates[i]!,
      stalenessMs: columns.stalenessMs[i]!,
      seq: rep.seq,
      hash: rep.hash,
      bytes: rep.bytes,
      summary: rep.summary,
      configVersion: rep.configVersion,
      updatesPerSec: this.rates.rate(rep, RATE_SEQ),
      messagesPerSec: this.rates.rate(rep, RATE_MESSAGES),
      bytesPerSec: this.rates.rate(rep, RATE_BYTES),
      sync: { ...rep.totals },
      lastReportMs: rep.lastReportMs ?? null,
    }));
  }

  // ---- read side --------------------------------------------------------------------

  /** Censored percentiles over the last `windowMs` (default: the engine's window), as of `nowMs`. */
  windowConvergence(nowMs: number, windowMs: number = this.opts.windowMs): CensoredStats {
    const cached = this.censoredCache.get(windowMs);
    if (cached !== undefined && nowMs >= cached.atMs && nowMs - cached.atMs < Math.max(1, this.opts.percentileRecomputeMs)) return cached.stats;
    const sel = this.tracker.window.select(nowMs, windowMs);
    const stats = censoredFromSorted(sel.sorted, censoredAges(this.tracker, nowMs, sel.fromIssuedMs));
    if (this.censoredCache.size > 16) this.censoredCache.clear();
    this.censoredCache.set(windowMs, { atMs: nowMs, stats });
    return stats;
  }

  /**
   * The live visibility curve as of `nowMs`: share of live replicas holding a traced update by
   * its age, over the window's updates (issued since the last config epoch, and from `fromMs`).
   */
  visibility(nowMs: number, fromMs?: number): VisibilityFigures {
    return this.visibilityCurve.curve(nowMs, fromMs);
  }

  /** Censored percentiles over the whole run (histogram, ≤ 1 % relative error). */
  runConvergence(nowMs: number): CensoredStats {
    return censoredFromHistogram(this.tracker.run, censoredAges(this.tracker, nowMs, -Infinity));
  }

  /** Ages of the traced updates issued since `fromMs` whose convergence is still unmeasured, ascending. */
  inFlightAges(nowMs: number, fromMs = -Infinity): number[] {
    return Array.from(censoredAges(this.tracker, nowMs, fromMs));
  }

  /** Dot inclusions at non-origin replicas since the collector started (first reports are baselines). */
  get deliveredTotal(): number {
    return this.tracker.deliveredTotal;
  }

  /** Σ over member replicas of their cumulative sent messages and bytes. */
  sentTotals(): { messages: number; bytes: number } {
    let messages = 0;
    let bytes = 0;
    for (const rep of this.lifecycle.members) {
      messages += rep.totals.sentMessages;
      bytes += rep.totals.sentBytes;
    }
    return { messages, bytes };
  }

  drainTransitions(): StatusTransition[] {
    return this.lifecycle.drainTransitions();
  }

  drainDepartures(): Departure[] {
    return this.lifecycle.drainDepartures();
  }

  /** Lost updates, capped claims and dot reuse since the previous call. */
  drainNotices(): TrackerNotice[] {
    return this.tracker.drainNotices();
  }

  /** Samples discarded because frames were not drained (should stay 0). */
  get samplesDropped(): number {
    return this.tracker.samplesDropped;
  }

  /** Updates lost since the collector started (a Prometheus counter). */
  get lostUpdatesEver(): number {
    return this.tracker.lostEver;
  }

  get currentMembershipVersion(): number {
    return this.lifecycle.membershipVersion;
  }

  get replicaCount(): number {
    return this.lifecycle.members.length;
  }

  /** Distinct ids the engine tracks (replicas and origins seen in version vectors). */
  get idCount(): number {
    return this.ids.size;
  }

  knowsId(id: string): boolean {
    return this.ids.has(id);
  }

  /** The engine's numbering of replica and origin ids (numbers are never reused), for readers that pack vectors. */
  get idNumbers(): OriginNumbers {
    return this.ids;
  }

  get liveReplicas(): number {
    return this.lifecycle.liveCount;
  }

  replicaIds(): string[] {
    return this.lifecycle.members.map((r) => r.id);
  }

  /** Frontier F[origin] as known to the collector. */
  frontierFor(origin: string): number {
    const o = this.ids.lookup(origin);
    return o === undefined ? 0 : this.tracker.frontier(o);
  }

  /** Version vector of a replica as `[origin, seq]` pairs (seq > 0), or undefined. */
  versionVector(id: string): Array<[string, number]> | undefined {
    const rep = this.lifecycle.get(id);
    if (rep === undefined) return undefined;
    const out: Array<[string, number]> = [];
    for (let o = 0; o < rep.vv.length; o++) if (rep.vv[o]! > 0) out.push([this.ids.name(o), rep.vv[o]!]);
    return out;
  }

  /** Missing updates of one replica (Σ_r F[r] − VV_i[r]). */
  missingUpdates(id: string): number | undefined {
    const rep = this.lifecycle.get(id);
    return rep === undefined ? undefined : this.tracker.totalFrontier - rep.sumVV;
  }

  /** The record of a member replica (read-only use). */
  replica(id: string): Readonly<ReplicaRecord> | undefined {
    return this.lifecycle.get(id);
  }

  get windowMs(): number {
    return this.opts.windowMs;
  }

  /** The agents' tracing stride changed (config `telemetry.traceEveryK`). */
  setTracingEveryK(k: number): void {
    this.tracker.everyK = Math.max(1, Math.floor(k));
  }

  /** A new config took effect: window percentiles turn to updates issued from now on. */
  startConfigEpoch(nowMs: number): void {
    this.tracker.window.startEpoch(nowMs);
    this.visibilityCurve.reset(nowMs);
    this.censoredCache.clear();
  }

  /** Starts per-run figures afresh (a new recorded run). */
  resetRunStats(): void {
    this.tracker.resetRun();
  }
}
