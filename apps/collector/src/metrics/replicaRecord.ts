// One record per member replica and per agent, shared by the lifecycle (which owns the
// status fields) and the convergence tracker (which owns the measured ones).
import type { ReplicaStatusCode, SyncTotals } from "./types.js";
import { STATUS_CRASHED, STATUS_LIVE, STATUS_UNREACHABLE } from "./types.js";

export interface AgentRecord {
  id: string;
  reportIntervalMs: number;
  lastSeenMs: number;
  /** Said bye or closed for good: its replicas are unreachable at once. */
  gone: boolean;
  replicas: Set<ReplicaRecord>;
  /** How many of its replicas are unreachable (a report from a healthy agent skips its loop). */
  unreachable: number;
}

/** Restarted empty and re-issued ids its earlier incarnation had issued. */
export interface DotReuse {
  fromSeq: number;
  toSeq: number;
  /** Other member replicas that held some of those ids when it was seen. */
  holders: number;
}

export interface ReplicaRecord {
  idx: number;
  id: string;
  agent: AgentRecord;
  crdtType: string;
  // ---- lifecycle (Lifecycle.ts)
  crashed: boolean;
  reachable: boolean;
  /** Reachable and not crashed: counts for "the last live replica". */
  live: boolean;
  /** Since when it is unreachable (for the retention rule); null while reachable. */
  unreachableSinceMs: number | null;
  incarnation: number;
  /** Highest own seq issued by earlier incarnations (0: none): re-issuing up to it is dot reuse. */
  earlierIssued: number;
  dotReuse: DotReuse | undefined;
  // ---- measured (ConvergenceTracker.ts, RateHistory.ts)
  vv: Float64Array<ArrayBuffer>;
  sumVV: number;
  /** XOR of per-entry hashes: equal vectors, equal fingerprints. */
  fingerprint: number;
  hash: string;
  bytes: number;
  summary: string;
  /** Highest own seq reported in this incarnation. */
  seq: number;
  configVersion: number | null;
  totals: SyncTotals;
  rawSync: SyncTotals | undefined;
  /** Rate history (RateHistory): undefined until the first report sets the baseline. */
  hist: Float64Array | undefined;
  lastReportMs: number | undefined;
}

export function zeroTotals(): SyncTotals {
  return { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };
}

export function newReplicaRecord(idx: number, id: string, agent: AgentRecord, crdtType: string, incarnation: number): ReplicaRecord {
  return {
    idx,
    id,
    agent,
    crdtType,
    crashed: false,
    reachable: true,
    live: false,
    unreachableSinceMs: null,
    incarnation,
    earlierIssued: 0,
    dotReuse: undefined,
    vv: new Float64Array(16),
    sumVV: 0,
    fingerprint: 0,
    hash: "",
    bytes: 0,
    summary: "",
    seq: 0,
    configVersion: null,
    totals: zeroTotals(),
    rawSync: undefined,
    hist: undefined,
    lastReportMs: undefined,
  };
}

export function statusOf(rep: ReplicaRecord): ReplicaStatusCode {
  if (rep.crashed) return STATUS_CRASHED;
  return rep.reachable ? STATUS_LIVE : STATUS_UNREACHABLE;
}
