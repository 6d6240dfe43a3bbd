// The engine's figures in wire form (protocol `Kpis`, frame columns): rounded, counts made
// safe integers, and the censored flags spelled out. One place, so frames, history points,
// recordings and `/metrics` cannot disagree.
import type { FrameColumns, Kpis } from "@driftscope/protocol";
import type { CensoredStats, Kpis as EngineKpis, ReplicaColumns } from "../metrics/types.js";
import { STATUS_LIVE } from "../metrics/types.js";

export const round2 = (x: number) => Math.round(x * 100) / 100;
/** Counts on the wire are safe integers; absurd values saturate instead of breaking frames. */
export const safeCount = (x: number) => (x > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : x < 0 ? 0 : Math.round(x));

/** The convergence fields of `Kpis` from censored stats. */
export function convergenceFields(c: CensoredStats) {
  const r = (v: number | null) => (v === null ? null : round2(v));
  return {
    convergenceP50Ms: r(c.p50),
    convergenceP95Ms: r(c.p95),
    convergenceP99Ms: r(c.p99),
    convergenceMaxMs: r(c.max),
    convergenceSamples: c.count,
    convergenceAtLeast: { ...c.atLeast },
  };
}

export function wireColumns(c: ReplicaColumns): FrameColumns {
  return {
    missingUpdates: c.missingUpdates.map(safeCount),
    stalenessMs: c.stalenessMs.map(Math.round),
    status: c.status,
    updatesPerSec: c.updatesPerSec.map(round2),
    messagesPerSec: c.messagesPerSec.map(round2),
    bytesPerSec: c.bytesPerSec.map(round2),
    configVersion: c.configVersion.map((v) => v ?? 0),
    stateGroup: c.stateGroup,
  };
}

/** Wire KPIs; `ackedReplicas` counts live replicas running `configVersion`. */
export function wireKpis(k: EngineKpis, columns: ReplicaColumns, configVersion: number): Kpis {
  let acked = 0;
  for (let i = 0; i < columns.status.length; i++) if (columns.status[i] === STATUS_LIVE && columns.configVersion[i] === configVersion) acked++;
  return {
    live: k.live,
    unreachable: k.unreachable,
    crashed: k.crashed,
    total: k.total,
    convergedShare: Math.min(1, Math.max(0, k.convergedShare)),
    distinctStates: k.distinctStates,
    missingUpdatesTotal: safeCount(k.missingUpdatesTotal),
    maxStalenessMs: Math.round(k.maxStalenessMs),
    meanMissingUpdates: round2(Math.min(Number.MAX_SAFE_INTEGER, k.meanMissingUpdates)),
    inFlight: safeCount(k.inFlight),
    oldestInFlightMs: Math.round(k.oldestInFlightMs),
    lostUpdates: safeCount(k.lostUpdates),
    ...convergenceFields(k.convergence),
    updatesPerSec: round2(k.updatesPerSec),
    messagesPerSec: round2(k.messagesPerSec),
    bytesPerSec: round2(k.bytesPerSec),
    deliveriesPerSec: round2(k.deliveriesPerSec),
    bytesPerUpdate: k.bytesPerUpdate === null ? null : round2(k.bytesPerUpdate),
    configVersion,
    ackedReplicas: acked,
  };
}
