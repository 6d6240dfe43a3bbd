// The cluster as the dashboard knows it: everything a chart reads, kept in bounded,
// mutable buffers outside React. Socket handlers (or a recording being replayed) feed it
// snapshots and frames; the store bumps a version number so components redraw.

import {
  applyConfigPatch,
  type ClusterConfig,
  type Frame,
  type Kpis,
  type KpiPoint,
  type ReplicaInfo,
  type RunInfo,
  type Sampling,
  type Snapshot,
  type TimelineEvent,
  type Visibility,
} from "@driftscope/protocol";
import { CELL_CRASHED, CELL_UNREACHABLE } from "../viz/heatmap.js";
import { recordTheory, type TheoryPoint } from "../viz/theory.js";
import { MatrixTiers, RowRegistry } from "./matrix.js";
import { replicaHistoryColumns } from "./replicaHistory.js";
import { SampleBuffer } from "./samples.js";
import { TieredSeries, type Aggregate } from "./series.js";

/** Scalar series kept per frame (names are column names in CSV exports). */
export const KPI_SERIES = [
  "live",
  "total",
  "convergedShare",
  "distinctStates",
  "meanMissing",
  "maxMissing",
  "inFlight",
  "oldestInFlightMs",
  "lostUpdates",
  "meanStalenessMs",
  "maxStalenessMs",
  "p50Ms",
  "p95Ms",
  "p99Ms",
  "maxMs",
  "p50AtLeast",
  "p95AtLeast",
  "p99AtLeast",
  "maxAtLeast",
  "updatesPerSec",
  "messagesPerSec",
  "bytesPerSec",
  "bytesPerUpdate",
  "configVersion",
  "ackedReplicas",
] as const;
/** One scalar series name. */
export type KpiSeriesName = (typeof KPI_SERIES)[number];

const AGGREGATES: Record<KpiSeriesName, Aggregate> = {
  live: "mean",
  total: "max",
  convergedShare: "mean",
  distinctStates: "max",
  meanMissing: "mean",
  maxMissing: "max",
  inFlight: "mean",
  oldestInFlightMs: "max",
  lostUpdates: "last",
  meanStalenessMs: "mean",
  maxStalenessMs: "max",
  p50Ms: "mean",
  p95Ms: "mean",
  p99Ms: "mean",
  maxMs: "max",
  // A bucket is a lower bound if any frame in it was.
  p50AtLeast: "max",
  p95AtLeast: "max",
  p99AtLeast: "max",
  maxAtLeast: "max",
  updatesPerSec: "mean",
  messagesPerSec: "mean",
  bytesPerSec: "mean",
  bytesPerUpdate: "mean",
  configVersion: "last",
  ackedReplicas: "last",
};

/** Matrix metric indices. */
export const METRIC_MISSING = 0;
export const METRIC_STALENESS = 1;

/** A recent gossip exchange, by matrix row. */
export interface ExchangeMark {
  timeMs: number;
  from: number;
  to: number;
}

/** What ingesting a frame asks of the caller. */
export type IngestOutcome = "ok" | "need-snapshot";

const MAX_EVENTS = 5000;
const MAX_EXCHANGES = 4096;

/** Sizes that tests shrink. */
export interface ClusterModelOptions {
  fineFrames: number;
  sampleCapacity: number;
}

const DEFAULTS: ClusterModelOptions = { fineFrames: 9000, sampleCapacity: 200_000 };

/** The live (or replayed) state of one cluster. */
export class ClusterModel {
  readonly rows = new RowRegistry(4096);
  /** Current membership in frame order, and each one's matrix row. */
  order: string[] = [];
  orderRows = new Int32Array(0);
  membershipVersion = -1;
  readonly replicaInfo = new Map<string, ReplicaInfo>();
  config: ClusterConfig | null = null;
  run: RunInfo | null = null;
  windowMs = 0;
  /** Time of the first data, for "time since run start". */
  startMs = Number.NaN;
  /** Time of the latest frame (collector clock). */
  nowMs = Number.NaN;
  latest: Frame | null = null;
  latestKpis: Kpis | null = null;
  sampling: Sampling | null = null;
  /** The live visibility curve (frames carry it once a second; recordings do not keep it). */
  visibility: Visibility | null = null;
  readonly kpis: TieredSeries<KpiSeriesName>;
  readonly matrix: MatrixTiers;
  readonly samples: SampleBuffer;
  readonly events: TimelineEvent[] = [];
  readonly theory: TheoryPoint[] = [];
  readonly exchanges: ExchangeMark[] = [];
  framesIngested = 0;
  /** A recording's KPIs frame by frame, so the header can follow the replay's scrubber (empty while live). */
  readonly kpiHistory: { timeMs: number; kpis: Kpis }[] = [];
  /** A recording's config versions with the time each came into force (empty while live). */
  readonly configHistory: { version: number; timeMs: number; config: ClusterConfig }[] = [];
  /** A recording's per-replica columns frame by frame with the members then, so heatmap summary, topology and table follow the scrubber (empty while live). */
  readonly frameHistory: { timeMs: number; ids: readonly string[]; columns: Frame["columns"] }[] = [];
  /**
   * An event named replicas whose identity may have changed (a restart with a new
   * incarnation, dot reuse): frames do not carry that, so the replica list is worth
   * fetching again. The net layer clears it when it asks.
   */
  replicaInfoStale = false;
  /**
   * Replica info says which config sections each node applies (a live snapshot does; a
   * recording does not, so a replay shows its faults as recorded).
   */
  sectionsKnown = true;
  private missingCol = new Float32Array(64);
  private stalenessCol = new Float32Array(64);

  constructor(opts: Partial<ClusterModelOptions> = {}) {
    const o = { ...DEFAULTS, ...opts };
    this.kpis = new TieredSeries(KPI_SERIES, AGGREGATES, { fineCapacity: o.fineFrames, bucketMs: 1000, coarseCapacity: 3600 });
    this.matrix = new MatrixTiers(2, 64);
    this.samples = new SampleBuffer(o.sampleCapacity);
  }

  /** Starts over from a snapshot (after subscribe, reconnect, or an unknown membership). */
  applySnapshot(s: Snapshot): void {
    this.kpis.clear();
    this.matrix.clear();
    this.samples.clear();
    this.events.length = 0;
    this.theory.length = 0;
    this.exchanges.length = 0;
    this.latest = null;
    this.visibility = null;
    this.config = s.config;
    this.run = s.run;
    this.windowMs = s.windowMs;
    this.replicaInfo.clear();
    for (const r of s.replicas) this.replicaInfo.set(r.id, r);
    this.setMembership(
      s.membershipVersion,
      s.replicas.map((r) => r.id),
    );
    this.startMs = s.run?.startedAtMs ?? s.history[0]?.timeMs ?? s.frames[0]?.timeMs ?? s.timeMs;
    // KPI history older than the first recent frame: scalar series only.
    const firstFrame = s.frames[0]?.timeMs ?? Infinity;
    for (const point of s.history) if (point.timeMs < firstFrame) this.pushKpiPoint(point);
    // Per-replica seconds older than the frames: the heatmap and replica lines start there.
    for (const col of s.replicaHistory ?? []) if (col.timeMs < firstFrame) this.matrix.add(col.timeMs, replicaHistoryColumns(col, this.orderRows, this.matrix.rowCapacity));
    for (const e of s.events) this.pushEvent(e, false);
    for (const f of s.frames) this.ingestFrame(f, { samples: false, events: false });
    for (const [origin, seq, issuedAt, conv] of s.samples) this.addSample(origin, seq, issuedAt, conv);
    if (s.visibility !== undefined) this.visibility = s.visibility;
    if (Number.isNaN(this.nowMs) || this.nowMs < s.timeMs) this.nowMs = s.timeMs;
  }

  private setMembership(version: number, ids: readonly string[]): void {
    this.membershipVersion = version;
    // Same members in the same order: keep the arrays (views cache by their identity).
    if (ids.length === this.order.length && ids.every((id, i) => id === this.order[i])) return;
    this.order = [...ids];
    this.orderRows = Int32Array.from(ids, (id) => this.rows.rowOf(id));
    this.matrix.ensureRows(this.rows.size);
    if (this.missingCol.length < this.matrix.rowCapacity) {
      this.missingCol = new Float32Array(this.matrix.rowCapacity);
      this.stalenessCol = new Float32Array(this.matrix.rowCapacity);
    }
  }

  /** Takes one frame. `need-snapshot` when its membership is unknown (nothing was changed). */
  ingestFrame(f: Frame, what: { samples?: boolean; events?: boolean } = {}): IngestOutcome {
    if (f.replicaIds !== undefined) {
      this.setMembership(f.membershipVersion, f.replicaIds);
      // New members' info (node, sections they apply, own gossip) is not in frames: fetch the list.
      if (f.replicaIds.some((id) => !this.replicaInfo.has(id))) this.replicaInfoStale = true;
    }
    else if (f.membershipVersion !== this.membershipVersion) return "need-snapshot";
    const n = this.order.length;
    if (f.columns.missingUpdates.length !== n) return "need-snapshot";
    if (Number.isNaN(this.startMs)) this.startMs = f.timeMs;
    this.nowMs = Number.isNaN(this.nowMs) ? f.timeMs : Math.max(this.nowMs, f.timeMs);
    this.latest = f;
    if (f.visibility !== undefined) this.visibility = f.visibility;
    this.latestKpis = f.kpis;
    this.sampling = f.sampling;
    this.framesIngested++;
    const { missingUpdates, stalenessMs, status } = f.columns;
    const missing = this.missingCol.fill(Number.NaN);
    const staleness = this.stalenessCol.fill(Number.NaN);
    let live = 0;
    let maxMissing = 0;
    let sumStale = 0;
    let maxStale = 0;
    for (let i = 0; i < n; i++) {
      const row = this.orderRows[i]!;
      if (row < 0) continue;
      const st = status[i] ?? 0;
      if (st === 0) {
        const m = missingUpdates[i]!;
        const s = stalenessMs[i]!;
        missing[row] = m;
        staleness[row] = s;
        live++;
        sumStale += s;
        if (m > maxMissing) maxMissing = m;
        if (s > maxStale) maxStale = s;
      } else {
        const mark = st === 2 ? CELL_CRASHED : CELL_UNREACHABLE;
        missing[row] = mark;
        staleness[row] = mark;
      }
    }
    this.matrix.add(f.timeMs, [missing, staleness]);
    const k = f.kpis;
    this.kpis.push(f.timeMs, {
      maxMissing: live > 0 ? maxMissing : Number.NaN,
      meanStalenessMs: live > 0 ? sumStale / live : Number.NaN,
      maxStalenessMs: live > 0 ? maxStale : Number.NaN,
      ...kpiSeriesFields(k),
    });
    if (what.samples !== false) for (const [origin, seq, issuedAt, conv] of f.samples) this.addSample(origin, seq, issuedAt, conv);
    for (const [from, to] of f.exchanges) {
      const a = this.orderRows[from];
      const b = this.orderRows[to];
      if (a !== undefined && b !== undefined && a >= 0 && b >= 0) this.exchanges.push({ timeMs: f.timeMs, from: a, to: b });
    }
    if (this.exchanges.length > MAX_EXCHANGES) this.exchanges.splice(0, this.exchanges.length - MAX_EXCHANGES);
    if (f.theory) {
      recordTheory(this.theory, {
        timeMs: f.timeMs,
        n: f.theory.n,
        intervalMs: f.theory.intervalMs,
        fanout: f.theory.fanout,
        mode: f.theory.mode,
        lossRate: f.theory.lossRate,
        expectedMs: f.theory.asyncExpectedMs ?? null,
        syncMs: f.theory.expectedMs,
        lowerBoundMs: f.theory.lowerBoundMs,
      });
    }
    let outcome: IngestOutcome = "ok";
    if (what.events !== false) for (const e of f.events) if (this.pushEvent(e, true) === "need-snapshot") outcome = "need-snapshot";
    return outcome;
  }

  private pushKpiPoint(p: KpiPoint): void {
    const k = p.kpis;
    this.kpis.push(p.timeMs, {
      maxMissing: Number.NaN,
      meanStalenessMs: Number.NaN,
      maxStalenessMs: k.maxStalenessMs,
      ...kpiSeriesFields(k),
    });
  }

  private addSample(origin: string, seq: number, issuedAtMs: number, convergenceMs: number): void {
    this.samples.add(this.rows.rowOf(origin), seq, issuedAtMs, convergenceMs);
  }

  /** Records a timeline event; one that carries a config version also moves the local config forward. */
  private pushEvent(e: TimelineEvent, live: boolean): IngestOutcome {
    this.events.push(e);
    if (this.events.length > MAX_EVENTS) this.events.splice(0, this.events.length - MAX_EVENTS);
    if (live && e.version === undefined && e.replicas !== undefined && e.replicas.length > 0) this.replicaInfoStale = true;
    // Runs stop and start from anywhere (another dashboard, the API): a stop of the run on show
    // ends it here too ("Stop recording" needs to know); a start names no id, a snapshot does.
    if (live && e.kind === "run") {
      const m = /^run (.*) (started|stopped)$/.exec(e.summary);
      if (m?.[2] === "stopped" && this.run !== null && this.run.name === m[1]) this.run = null;
      if (m?.[2] === "started" && this.run?.name !== m[1]) return "need-snapshot";
    }
    // Faults (partitions, crashes) are config versions too: any event with a version moves the config.
    if (!live || e.version === undefined || !this.config) return "ok";
    if (e.version <= this.config.version) return "ok";
    if (e.patch === undefined) return "need-snapshot";
    const next = applyConfigPatch(this.config, { ...e.patch, expectedVersion: undefined });
    if (!next.ok || next.config.version !== e.version) return "need-snapshot";
    this.config = next.config;
    return "ok";
  }

  /** Takes fresh replica info (incarnation, dot reuse, node) for current members; the charts keep their data. */
  updateReplicaInfo(replicas: readonly ReplicaInfo[]): void {
    const members = new Set(this.order);
    for (const r of replicas) if (members.has(r.id)) this.replicaInfo.set(r.id, r);
  }

  /** Replaces the config (a control result says what is now in force). */
  setConfig(config: ClusterConfig): void {
    if (!this.config || config.version >= this.config.version) this.config = config;
  }

  /** Matrix row of a replica id (-1 if never seen). */
  rowOf(id: string): number {
    return this.rows.find(id);
  }

  /** Index of a replica in the current frame order (-1 if not a member). */
  indexOf(id: string): number {
    return this.order.indexOf(id);
  }
}

/**
 * The KPI series a frame and a 1 Hz history point fill alike (the rest depends on the
 * columns). Mean missing is the collector's `meanMissingUpdates`, never recomputed here:
 * one definition for live frames, history points and recordings.
 */
function kpiSeriesFields(k: Frame["kpis"]) {
  return {
    live: k.live,
    total: k.total,
    convergedShare: k.convergedShare,
    distinctStates: k.distinctStates,
    meanMissing: k.meanMissingUpdates,
    inFlight: k.inFlight,
    oldestInFlightMs: k.oldestInFlightMs,
    lostUpdates: k.lostUpdates,
    p50Ms: k.convergenceP50Ms ?? Number.NaN,
    p95Ms: k.convergenceP95Ms ?? Number.NaN,
    p99Ms: k.convergenceP99Ms ?? Number.NaN,
    maxMs: k.convergenceMaxMs ?? Number.NaN,
    p50AtLeast: Number(k.convergenceAtLeast.p50),
    p95AtLeast: Number(k.convergenceAtLeast.p95),
    p99AtLeast: Number(k.convergenceAtLeast.p99),
    maxAtLeast: Number(k.convergenceAtLeast.max),
    updatesPerSec: k.updatesPerSec,
    messagesPerSec: k.messagesPerSec,
    bytesPerSec: k.bytesPerSec,
    bytesPerUpdate: k.bytesPerUpdate ?? Number.NaN,
    configVersion: k.configVersion,
    ackedReplicas: k.ackedReplicas,
  };
}
