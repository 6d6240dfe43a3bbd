// Internal shapes of the metrics engine. They are deliberately independent of the wire
// schemas: the ingest layer translates validated protocol messages into these, so the
// engine can be fed by a socket, by HTTP, or by a simulation trace in a test.

/** Cumulative sync counters of one replica since it started (monotonic, may reset on restart). */
export interface SyncTotals {
  sentMessages: number;
  sentBytes: number;
  receivedMessages: number;
  receivedBytes: number;
  merges: number;
  changedMerges: number;
}

/** One replica's entry of a report tick, already validated. */
export interface ReplicaDigestInput {
  replica: string;
  /** True when `vv` is the whole version vector (absent origins mean 0); else sparse changes. */
  full?: boolean;
  /** Version-vector entries `[origin, seq]`. */
  vv: ReadonlyArray<readonly [string, number]>;
  /** Hash of the canonical state (absent: unchanged, with bytes and summary). */
  hash?: string;
  /** Size of the state in bytes. */
  bytes?: number;
  /** Short human summary of the value. */
  summary?: string;
  /** Highest seq this replica has issued itself (its contribution to the frontier). */
  seq: number;
  /** Issue times `[seq, timeMs]` of this replica's new updates (all, or the traced ones). */
  issued?: ReadonlyArray<readonly [number, number]>;
  /** Exact inclusion times `[origin, seq, timeMs]` of traced dots newly included here. */
  included?: ReadonlyArray<readonly [string, number, number]>;
  /** Cumulative sync counters (absent: unchanged). */
  sync?: SyncTotals;
  /** Cluster config version this replica runs (acknowledged). */
  configVersion?: number;
  /** Simulated crash state reported by the runtime. */
  status?: "up" | "crashed";
}

/** Replica status codes used in frames: 0 live, 1 unreachable, 2 crashed. */
export const STATUS_LIVE = 0;
export const STATUS_UNREACHABLE = 1;
export const STATUS_CRASHED = 2;
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
  /** Σ missing updates over all replicas. */
  missingUpdatesTotal: number;
  /** Largest staleness (ms) among live replicas. */
  maxStalenessMs: number;
  convergence: ConvergenceStats;
  updatesPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
  /** Dot inclusions at non-origin replicas per second (updates delivered). */
  deliveriesPerSec: number;
  /** Bytes sent per update delivered (null when nothing was delivered in the rate window). */
  bytesPerUpdate: number | null;
}

/** What the engine hands out for one frame: per-replica columns in `replicaIds` order. */
export interface EngineFrame {
  timeMs: number;
  membershipVersion: number;
  replicaIds: readonly string[];
  missingUpdates: number[];
  stalenessMs: number[];
  status: ReplicaStatusCode[];
  updatesPerSec: number[];
  messagesPerSec: number[];
  bytesPerSec: number[];
  configVersion: Array<number | null>;
  /** Equal (VV, state hash) share a group; groups numbered by size, 0 = largest. */
  stateGroup: number[];
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
