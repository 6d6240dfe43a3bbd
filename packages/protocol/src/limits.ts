// Constants every part agrees on. Limits are part of the contract: the schemas
// enforce them, so a hostile or buggy sender cannot make the collector allocate
// without bound, and an honest sender knows when it must split a report.

/** Wire protocol version; `hello.protocol` must equal it (see `checkHello`). */
export const PROTOCOL_VERSION = 1;

/** Default collector port (`DRIFTSCOPE_PORT` overrides it). */
export const DEFAULT_PORT = 7420;

/** Default collector host: loopback only (binding elsewhere requires a token). */
export const DEFAULT_HOST = "127.0.0.1";

/** Report interval the collector asks for in `welcome` unless configured otherwise. */
export const DEFAULT_REPORT_INTERVAL_MS = 100;

/** A replica silent for this many report intervals counts as unreachable (DESIGN §3)… */
export const UNREACHABLE_AFTER_INTERVALS = 3;
/** …and for at least this long, so that a busy node whose telemetry is late is not unreachable. */
export const UNREACHABLE_MIN_MS = 2000;
/** Replicas unreachable for longer than this leave the membership (DESIGN §3). */
export const DEFAULT_RETENTION_MS = 600_000;

/** Size limits enforced by the schemas; senders must stay within them. */
export const LIMITS = {
  /** Characters in a replica, agent, run or request id. */
  idLength: 128,
  /** Characters in names, value summaries and other short strings. */
  stringLength: 256,
  /** Characters in a token. */
  tokenLength: 512,
  /** Characters in a human-readable error or event message. */
  messageLength: 2048,
  /** Replicas hosted by one agent (hello) and replicas in one report. */
  replicasPerAgent: 4096,
  /** Replicas in one cluster (frame columns, snapshot replica list). */
  replicasPerCluster: 16384,
  /** Entries of one replica's version vector (distinct origins). */
  vvEntries: 16384,
  /** Sync events in one report. */
  eventsPerReport: 16384,
  /** Issue times listed for one replica in one report. */
  issuedPerReplica: 4096,
  /** Inclusion times listed for one replica in one report. */
  includedPerReplica: 16384,
  /** Sum over a report of vv, issued and included entries: a report stays ≲ 2 MB of JSON. */
  entriesPerReport: 65536,
  /** Payload kinds in one sync-counter breakdown, capabilities in a hello, etc. */
  smallList: 32,
  /** Operations in a workload op mix. */
  opMix: 16,
  /** Partition groups. */
  partitionGroups: 64,
  /** One-way cuts. */
  cuts: 4096,
  /** Issues listed in one error (the rest are summarised in its message). */
  issuesPerError: 50,
  /** Convergence samples in one frame. */
  samplesPerFrame: 4096,
  /** [from, to] exchange pairs in one frame. */
  exchangesPerFrame: 2048,
  /** Timeline events in one frame. */
  eventsPerFrame: 256,
  /** Recent frames in a snapshot (60 s at 10 Hz). */
  snapshotFrames: 600,
  /** KPI history points in a snapshot. */
  snapshotHistory: 3600,
  /** Convergence samples in a snapshot. */
  snapshotSamples: 10000,
  /** Timeline events in a snapshot. */
  snapshotEvents: 1000,
  /** Seconds of per-replica divergence in a snapshot (15 min at 1 Hz)… */
  snapshotReplicaHistory: 900,
  /** …and replica × second cells in all (≈ 600 kB of JSON at most: a minute of 1,024 replicas). */
  snapshotReplicaHistoryCells: 65_536,
  /** Characters (UTF-16 code units) in one NDJSON line or one socket message. */
  messageBytes: 4 * 1024 * 1024,
  /** Characters in one `POST /api/v1/ingest` body. */
  ingestBodyBytes: 8 * 1024 * 1024,
  /** Lines (NDJSON) or elements (JSON array) in one ingest body. */
  ingestMessages: 10000,
  /** Rejections listed in one ingest answer (the rest are counted in `truncated`). */
  ingestRejections: 1000,
  /** Nesting depth of one JSON message; the deepest valid agent message needs 6. */
  jsonDepth: 16,
  /** Fields of one JSON object in any message (a report's replica entry has 14). */
  fieldsPerObject: 32,
  /** JSON values in one message: 65,536 entries of up to 4, 16,384 sync events of 8, 4,096 replica entries of 40. */
  valuesPerMessage: 557_056,
  /** Characters of one socket message before the agent's `hello` is accepted (a hello of 4,096 replicas with long ids fits). */
  messageBytesBeforeHello: 1024 * 1024,
  /** Characters of one dashboard message (a config change cutting 4,096 links between long ids fits). */
  dashboardMessageBytes: 2 * 1024 * 1024,
  /** Characters of one dashboard message before its `subscribe` is accepted (a subscribe carries at most a token). */
  messageBytesBeforeSubscribe: 8 * 1024,
  /** Ms a socket has to get its `hello` / `subscribe` accepted before it is closed. */
  handshakeMs: 5000,
  /** Largest timestamp accepted (1 January 3000), in ms since the epoch. */
  timeMs: 32_503_680_000_000,
  /** Largest duration accepted (one year), in ms. */
  durationMs: 31_536_000_000,
} as const;
