// Recorded runs: turn the collector's JSON export into a replay model (the same charts as
// live) or into an overlay series (convergence samples of one run on a shared chart).
// The export's shape is tolerated loosely: see apps/dashboard/NEEDS.md.

import type { ClusterConfig, ConvergenceSample, Frame, Kpis, ReplicaInfo, RunInfo, Snapshot, TimelineEvent } from "@driftscope/protocol";
import { formatDurationMs } from "../viz/format.js";
import { ClusterModel } from "./clusterModel.js";
import type { OverlayRun, RunSummary } from "./runsSlice.js";

/** One config version of a recording and the time it came into force. */
export interface RecordedConfig {
  version: number;
  timeMs: number;
  config: ClusterConfig;
}

interface RecordingParts {
  run: RunInfo | null;
  config: ClusterConfig | null;
  firstConfig: ClusterConfig | null;
  /** Every config version recorded, in time order (the replay's sidebar follows the scrubber through them). */
  configs: RecordedConfig[];
  replicas: ReplicaInfo[];
  frames: Frame[];
  samples: ConvergenceSample[];
  events: TimelineEvent[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function isFrame(v: unknown): v is Frame {
  return isObject(v) && typeof v.timeMs === "number" && isObject(v.columns) && Array.isArray((v.columns as Record<string, unknown>).missingUpdates);
}

const KPI_FIELDS = [
  "live", "unreachable", "crashed", "total", "convergedShare", "distinctStates", "missingUpdatesTotal", "maxStalenessMs",
  "meanMissingUpdates", "inFlight", "oldestInFlightMs", "lostUpdates",
  "convergenceP50Ms", "convergenceP95Ms", "convergenceP99Ms", "convergenceMaxMs", "convergenceSamples", "updatesPerSec",
  "messagesPerSec", "bytesPerSec", "deliveriesPerSec", "bytesPerUpdate", "configVersion", "ackedReplicas",
] as const;

const PERCENTILES = ["p50", "p95", "p99", "max"] as const;

/** Which percentiles were lower bounds: an object as live frames carry it, or the export's list (`convergenceLowerBounds: ["p99", "max"]`). */
function atLeastOf(r: Record<string, unknown>): Kpis["convergenceAtLeast"] {
  const given = r.convergenceAtLeast;
  const names = Array.isArray(r.convergenceLowerBounds) ? (r.convergenceLowerBounds as unknown[]) : [];
  return Object.fromEntries(PERCENTILES.map((p) => [p, isObject(given) ? given[p] === true : names.includes(p)])) as Kpis["convergenceAtLeast"];
}

/**
 * Mean missing updates over live replicas from a frame's own columns, for recordings made
 * before frames carried `meanMissingUpdates` (the same definition, never `missingUpdatesTotal / live`).
 */
function meanMissingOfColumns(columns: Frame["columns"]): number {
  let live = 0;
  let sum = 0;
  columns.missingUpdates.forEach((m, i) => {
    if ((columns.status[i] ?? 0) !== 0) return;
    live++;
    sum += m;
  });
  return live > 0 ? sum / live : 0;
}

/**
 * A recorded frame as a live one: the collector's export stores 1 Hz frames with the KPIs
 * flat on the frame and `replicaIds` on each; no samples, exchanges or theory.
 */
export function normaliseFrame(raw: Frame, previous: Frame | null): Frame {
  const r = raw as unknown as Record<string, unknown>;
  const flat = isObject(r.kpis) ? r.kpis : r;
  const kpis = {
    ...(Object.fromEntries(KPI_FIELDS.map((k) => [k, flat[k] !== undefined ? flat[k] : (k.startsWith("convergence") && k !== "convergenceSamples" ? null : 0)])) as unknown as Kpis),
    meanMissingUpdates: typeof flat.meanMissingUpdates === "number" ? flat.meanMissingUpdates : meanMissingOfColumns(raw.columns),
    convergenceAtLeast: atLeastOf(flat),
  };
  const ids = raw.replicaIds;
  const sameMembers = previous?.replicaIds !== undefined && ids !== undefined && ids.length === previous.replicaIds.length && ids.every((id, i) => id === previous.replicaIds![i]);
  const membershipVersion = typeof r.membershipVersion === "number" ? raw.membershipVersion : previous === null ? 0 : sameMembers || ids === undefined ? previous.membershipVersion : previous.membershipVersion + 1;
  return {
    ...raw,
    type: "frame",
    seq: typeof r.seq === "number" ? raw.seq : (previous?.seq ?? -1) + 1,
    kpis,
    membershipVersion,
    replicaIds: ids ?? previous?.replicaIds,
    samples: Array.isArray(r.samples) ? raw.samples : [],
    exchanges: Array.isArray(r.exchanges) ? raw.exchanges : [],
    events: Array.isArray(r.events) ? raw.events : [],
    theory: isObject(r.theory) ? raw.theory : null,
    sampling: isObject(r.sampling) ? raw.sampling : { traceEveryK: 1, droppedEvents: 0 },
  };
}

/** Pulls the parts out of an export: `{ run, config, replicas, frames, samples, events }`, a snapshot + frames, or a message array. */
export function recordingParts(data: unknown): RecordingParts {
  const parts: RecordingParts = { run: null, config: null, firstConfig: null, configs: [], replicas: [], frames: [], samples: [], events: [] };
  const take = (o: Record<string, unknown>) => {
    if (isObject(o.run)) parts.run = o.run as unknown as RunInfo;
    if (isObject(o.config)) parts.config = o.config as unknown as ClusterConfig;
    // The collector's export lists every config version; the replay shows the last one.
    if (Array.isArray(o.configs) && o.configs.length > 0) {
      const last = o.configs[o.configs.length - 1] as { config?: unknown };
      const first = o.configs[0] as { config?: unknown };
      if (isObject(last.config)) parts.config = last.config as unknown as ClusterConfig;
      if (isObject(first.config)) parts.firstConfig = first.config as unknown as ClusterConfig;
      parts.configs = (o.configs as unknown[])
        .filter((c): c is { version: number; timeMs: number; config: ClusterConfig } => isObject(c) && typeof c.timeMs === "number" && isObject(c.config))
        .map((c) => ({ version: typeof c.version === "number" ? c.version : c.config.version, timeMs: c.timeMs, config: c.config }))
        .sort((a, b) => a.timeMs - b.timeMs || a.version - b.version);
    }
    if (Array.isArray(o.replicas)) parts.replicas = o.replicas as ReplicaInfo[];
    if (Array.isArray(o.frames)) parts.frames.push(...(o.frames as unknown[]).filter(isFrame));
    if (Array.isArray(o.samples)) parts.samples.push(...(o.samples as ConvergenceSample[]));
    if (Array.isArray(o.events)) parts.events.push(...(o.events as TimelineEvent[]));
  };
  if (Array.isArray(data)) {
    for (const m of data) {
      if (isFrame(m)) parts.frames.push(m);
      else if (isObject(m)) take(m);
    }
  } else if (isObject(data)) {
    if (isObject(data.snapshot)) take(data.snapshot);
    take(data);
  }
  parts.frames.sort((a, b) => a.timeMs - b.timeMs);
  let previous: Frame | null = null;
  parts.frames = parts.frames.map((f) => (previous = normaliseFrame(f, previous)));
  parts.firstConfig ??= parts.config;
  return parts;
}

/** A model replaying a recorded run. Throws with a readable message if there is nothing to show. */
export function modelFromRecording(data: unknown): ClusterModel {
  const p = recordingParts(data);
  if (p.frames.length === 0) throw new Error("the recording has no frames");
  const first = p.frames[0]!;
  const ids = first.replicaIds ?? p.replicas.map((r) => r.id);
  if (ids.length !== first.columns.missingUpdates.length) throw new Error("the recording's first frame does not list its replicas");
  const model = new ClusterModel({ fineFrames: Math.min(36_000, Math.max(9000, p.frames.length)) });
  const snapshot: Snapshot = {
    type: "snapshot",
    timeMs: first.timeMs,
    windowMs: 30_000,
    run: p.run,
    config: p.config ?? (null as unknown as ClusterConfig),
    membershipVersion: first.membershipVersion,
    replicas: p.replicas.length ? p.replicas : ids.map((id) => ({ id, agentId: "unknown", node: "", crdtType: "", status: "live", configVersion: 0 }) as unknown as ReplicaInfo),
    frames: [],
    history: [],
    samples: [],
    events: [],
  };
  model.applySnapshot(snapshot);
  model.sectionsKnown = false;
  model.replicaInfoStale = false;
  if (!p.config) model.config = null;
  const framesHaveSamples = p.frames.some((f) => Array.isArray(f.samples) && f.samples.length > 0);
  const framesHaveEvents = p.frames.some((f) => Array.isArray(f.events) && f.events.length > 0);
  for (const f of p.frames) {
    model.ingestFrame(f === first ? { ...f, replicaIds: ids } : f, { samples: true, events: true });
    model.kpiHistory.push({ timeMs: f.timeMs, kpis: f.kpis });
    // model.order is the same array while the membership stays, so this costs a reference a frame.
    model.frameHistory.push({ timeMs: f.timeMs, ids: model.order, columns: f.columns });
  }
  model.configHistory.push(...p.configs);
  if (!framesHaveSamples) {
    for (const [origin, seq, issuedAt, conv] of p.samples) model.samples.add(model.rows.rowOf(origin), seq, issuedAt, conv);
  }
  if (!framesHaveEvents) for (const e of p.events) model.events.push(e);
  if (p.run) model.startMs = p.run.startedAtMs;
  return model;
}

/** Legend text for a run, by its config: "run-3 · N=32 · T=1 s · f=2 · push-pull". */
export function runLabel(id: string, summary: Partial<RunSummary> | null, config: ClusterConfig | null, n: number | null): string {
  const interval = config?.gossip.intervalMs ?? summary?.intervalMs;
  const fanout = config?.gossip.fanout ?? summary?.fanout;
  const mode = config?.gossip.mode ?? summary?.mode;
  const replicas = n ?? summary?.replicaCount;
  return [
    summary?.name && summary.name !== id ? `${summary.name}` : id,
    replicas ? `N=${replicas}` : "",
    interval !== undefined ? `T=${formatDurationMs(interval)}` : "",
    fanout !== undefined ? `f=${fanout}` : "",
    mode ?? "",
  ]
    .filter(Boolean)
    .join(" · ");
}

/** One run's convergence samples against time since its start, for the overlay chart. */
export function overlayFromRecording(id: string, data: unknown, summary: RunSummary | null): OverlayRun {
  const p = recordingParts(data);
  const samples = [...p.samples];
  for (const f of p.frames) if (Array.isArray(f.samples)) samples.push(...f.samples);
  const start = p.run?.startedAtMs ?? summary?.startedAtMs ?? p.frames[0]?.timeMs ?? samples[0]?.[2] ?? 0;
  samples.sort((a, b) => a[2] - b[2]);
  const xs = Float64Array.from(samples, (s) => s[2] - start);
  const ys = Float64Array.from(samples, (s) => s[3]);
  const n = p.replicas.length || p.frames[0]?.replicaIds?.length || null;
  const named = summary ?? (p.run ? { name: p.run.name } : null);
  return { id, label: runLabel(id, named, p.firstConfig, n), xs, ys, length: samples.length };
}
