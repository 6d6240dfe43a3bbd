// Internal shapes of the metrics engine. Its input is the protocol's validated report
// entry (`ReplicaReport`); these are what it hands out.
import { REPLICA_STATUS_CODE, type CensoredStats } from "@driftscope/protocol";
import type { DotReuse } from "./replicaRecord.js";

/** Cumulative sync counters of one replica since it started (monotonic, may reset on restart). */
export interface SyncTotals {
  sentMessages: number;
  sentBytes: number;
  receivedMessages: number;
  receivedBytes: number;
  merges: number;
  changedMerges: number;
}

/** Replica status codes used in frames (the protocol's, defined there once). */
export const STATUS_LIVE = REPLICA_STATUS_CODE.live;
export const STATUS_UNREACHABLE = REPLICA_STATUS_CODE.unreachable;
export const STATUS_CRASHED = REPLICA_STATUS_CODE.crashed;
export type ReplicaStatusCode = typeof STATUS_LIVE | typeof STATUS_UNREACHABLE | typeof STATUS_CRASHED;

/** One convergence sample: dot `(origin, seq)` issued at `issuedAtMs`, converged `convergenceMs` later. */
export interface ConvergenceSample {
  origin: string;
  seq: number;
  issuedAtMs: number;
  convergenceMs: number;
}

/** Percentiles of convergence time (ms); null when there is no sample. */
export interface ConvergenceStats {
  count: number;
  p50: number | null;
  p95: number | null;
  p99: number | null;
  max: number | null;
}

/** Percentiles censored by updates still in flight (the protocol's definition). */
export type { CensoredStats };

/** Cluster-wide figures of one frame. */
export interface Kpis {
  live: number;
  total: number;
  unreachable: number;
  crashed: number;
  /** Share (0..1) of live replicas whose missing-update count is 0. */
  convergedShare: number;
  /** Number of distinct (version vector, state hash) pairs among live replicas. */
  distinctStates: number;
  /** Σ missing updates over all member replicas. */
  missingUpdatesTotal: number;
  /** Σ missing updates over live replicas ÷ live replicas (the one definition of "mean missing"). */
  meanMissingUpdates: number;
  /** Updates issued and not yet at every live replica. */
  inFlight: number;
  /** Age of the oldest update in flight (0: none). */
  oldestInFlightMs: number;
  /** Updates lost since the run started (every holder left or came back empty). */
  lostUpdates: number;
  /** Largest staleness (ms) among live replicas. */
  maxStalenessMs: number;
  convergence: CensoredStats;
  updatesPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
  /** Dot inclusions at non-origin replicas per second (updates delivered). */
  deliveriesPerSec: number;
  /** Bytes sent per update delivered (null when nothing was delivered in the rate window). */
  bytesPerUpdate: number | null;
}

/** Figures of one replica; a frame holds them as columns, the cluster API as rows. */
export interface ReplicaColumns {
  missingUpdates: number[];
  stalenessMs: number[];
  status: ReplicaStatusCode[];
  updatesPerSec: number[];
  messagesPerSec: number[];
  bytesPerSec: number[];
  configVersion: Array<number | null>;
  /** Equal (VV, state hash) share a group; groups numbered by size, 0 = largest. */
  stateGroup: number[];
}

/** What the engine hands out for one frame: per-replica columns in `replicaIds` order. */
export interface EngineFrame extends ReplicaColumns {
  timeMs: number;
  membershipVersion: number;
  replicaIds: readonly string[];
  kpis: Kpis;
  /** Samples that converged since the previous frame (only traced dots). */
  samples: ConvergenceSample[];
  sampling: SamplingInfo;
}

/** How convergence samples are being taken. */
export interface SamplingInfo {
  /** True when only every k-th seq per origin yields a sample. */
  traced: boolean;
  everyK: number;
  /** Dots that converged because the replicas lacking them left the live set (no sample). */
  convergedByExclusion: number;
  /** Dots that converged without a retained issue time (no sample). */
  convergedWithoutIssueTime: number;
}

/** Figures of one replica for the cluster API. */
export interface ReplicaFigures {
  id: string;
  agentId: string;
  crdtType: string;
  status: ReplicaStatusCode;
  incarnation: number;
  dotReuse: DotReuse | undefined;
  missingUpdates: number;
  stalenessMs: number;
  seq: number;
  hash: string;
  bytes: number;
  summary: string;
  configVersion: number | null;
  updatesPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
  sync: SyncTotals;
  lastReportMs: number | null;
}
