// Recordings in an embedded SQLite file (better-sqlite3, WAL). A run is one recording:
// its config timeline, 1 Hz metric frames, every convergence sample, and timeline
// events. Writes are buffered by the Recorder and land here in one transaction per
// flush. A run left "running" by a crash is marked "interrupted" when the file is
// opened again; its end is the last flush that reached the disk.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { censoredFromSorted } from "../metrics/censored.js";
import { addMissingColumns, SCHEMA } from "./runSchema.js";
import type { CensoredStats } from "../metrics/types.js";

/** How a run ended: still recording, closed cleanly, or cut short by a crash. */
export type RunStatus = "running" | "closed" | "interrupted";

/** A run as stored. `id` is the wire id (`run-<n>`). */
export interface StoredRun {
  id: string;
  name: string;
  startedAtMs: number;
  endedAtMs: number | null;
  status: RunStatus;
  collectorVersion: string;
  protocol: number;
}

/** A run with row counts, for listings. */
export interface RunSummary extends StoredRun {
  frames: number;
  samples: number;
  events: number;
  configs: number;
}

/** One recorded 1 Hz frame: KPI columns plus the per-replica columns as JSON. */
export interface FrameRow {
  timeMs: number;
  live: number;
  unreachable: number;
  crashed: number;
  total: number;
  convergedShare: number;
  distinctStates: number;
  missingUpdatesTotal: number;
  maxStalenessMs: number;
  convergenceP50Ms: number | null;
  convergenceP95Ms: number | null;
  convergenceP99Ms: number | null;
  convergenceMaxMs: number | null;
  convergenceSamples: number;
  updatesPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
  deliveriesPerSec: number;
  bytesPerUpdate: number | null;
  configVersion: number;
  ackedReplicas: number;
  /** `{ replicaIds, columns }` of that frame, as JSON text. */
  replicasJson: string;
  meanMissingUpdates: number;
  inFlight: number;
  oldestInFlightMs: number;
  lostUpdates: number;
  /** Which percentiles are lower bounds: bit 0 p50, 1 p95, 2 p99, 3 max. */
  convergenceAtLeast: number;
}

/** One convergence sample row. */
export interface SampleRow {
  origin: string;
  seq: number;
  issuedAtMs: number;
  convergenceMs: number;
}

/** One timeline event row (the event itself is stored as JSON). */
export interface EventRow {
  timeMs: number;
  kind: string;
  summary: string;
  eventJson: string;
}

/** One config version of a run. */
export interface ConfigRow {
  version: number;
  timeMs: number;
  configJson: string;
  patchJson: string | null;
}

/** Everything one flush writes. */
export interface Batch {
  frames: FrameRow[];
  samples: SampleRow[];
  events: EventRow[];
  configs: ConfigRow[];
}

/** Retention: the newest `maxRuns` runs are kept, and the file is kept under `maxBytes`. */
export interface Retention {
  maxRuns: number;
  maxBytes: number;
}

/** Prefix of run ids on the wire. */
const RUN_PREFIX = "run-";

/** Wire id of a stored run number. */
export function runIdOf(n: number): string {
  return `${RUN_PREFIX}${n}`;
}

/** Stored run number of a wire id, or undefined if it is not one. */
export function runNumberOf(id: string): number | undefined {
  if (!id.startsWith(RUN_PREFIX)) return undefined;
  const digits = id.slice(RUN_PREFIX.length);
  if (!/^[1-9]\d{0,14}$/.test(digits)) return undefined;
  return Number(digits);
}



interface RunRow {
  id: number;
  name: string;
  started_at_ms: number;
  ended_at_ms: number | null;
  status: RunStatus;
  collector_version: string;
  protocol: number;
}

function toRun(row: RunRow): StoredRun {
  return {
    id: runIdOf(row.id),
    name: row.name,
    startedAtMs: row.started_at_ms,
    endedAtMs: row.ended_at_ms,
    status: row.status,
    collectorVersion: row.collector_version,
    protocol: row.protocol,
  };
}

function prepareStatements(db: Database.Database) {
  return {
    insertRun: db.prepare(
      "INSERT INTO runs (name, started_at_ms, status, collector_version, protocol, last_write_ms) VALUES (?, ?, 'running', ?, ?, ?)",
    ),
    closeRun: db.prepare("UPDATE runs SET status = ?, ended_at_ms = ?, last_write_ms = ? WHERE id = ? AND status = 'running'"),
    touchRun: db.prepare("UPDATE runs SET last_write_ms = ? WHERE id = ?"),
    getRun: db.prepare("SELECT * FROM runs WHERE id = ?"),
    listRuns: db.prepare(`
      SELECT r.*,
        (SELECT COUNT(*) FROM run_frames f WHERE f.run_id = r.id) AS frames,
        (SELECT COUNT(*) FROM run_samples s WHERE s.run_id = r.id) AS samples,
        (SELECT COUNT(*) FROM run_events e WHERE e.run_id = r.id) AS events,
        (SELECT COUNT(*) FROM run_configs c WHERE c.run_id = r.id) AS configs
      FROM runs r ORDER BY r.id DESC LIMIT ?`),
    insertFrame: db.prepare(`INSERT INTO run_frames VALUES (@runId, @timeMs, @live, @unreachable, @crashed, @total, @convergedShare, @distinctStates,
      @missingUpdatesTotal, @maxStalenessMs, @convergenceP50Ms, @convergenceP95Ms, @convergenceP99Ms, @convergenceMaxMs,
      @convergenceSamples, @updatesPerSec, @messagesPerSec, @bytesPerSec, @deliveriesPerSec, @bytesPerUpdate, @configVersion, @ackedReplicas, @replicasJson,
      @meanMissingUpdates, @inFlight, @oldestInFlightMs, @lostUpdates, @convergenceAtLeast)`),
    insertSample: db.prepare("INSERT INTO run_samples VALUES (?, ?, ?, ?, ?)"),
    insertEvent: db.prepare("INSERT INTO run_events VALUES (?, ?, ?, ?, ?)"),
    insertConfig: db.prepare("INSERT OR REPLACE INTO run_configs VALUES (?, ?, ?, ?, ?)"),
    lastConfig: db.prepare("SELECT config_json FROM run_configs ORDER BY run_id DESC, version DESC LIMIT 1"),
    interruptCrashed: db.prepare("UPDATE runs SET status = 'interrupted', ended_at_ms = last_write_ms WHERE status = 'running'"),
  };
}

/** The SQLite file of recordings. All methods are synchronous (better-sqlite3). */
export class RunStore {
  readonly db: Database.Database;
  /**
   * Streams (exports) read through their own read-only connection: an open iterator
   * would otherwise block the writer's flushes ("connection is busy"). In-memory
   * databases have only one connection; their reads are materialised instead.
   */
  private readonly reader: Database.Database;
  private readonly stmts: ReturnType<typeof prepareStatements>;

  /** Opens (creating if needed) the file at `path` (":memory:" for tests) and marks crashed runs interrupted. */
  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.db = new Database(path);
    this.db.pragma("journal_mode = WAL");
    this.db.pragma("synchronous = NORMAL");
    this.db.pragma("foreign_keys = ON");
    this.db.exec(SCHEMA);
    addMissingColumns(this.db);
    this.stmts = prepareStatements(this.db);
    this.reader = path === ":memory:" ? this.db : new Database(path, { readonly: true, fileMustExist: true });
    this.interrupted = this.stmts.interruptCrashed.run().changes;
  }

  /** Runs found "running" when the file was opened (a crash ended them); now "interrupted". */
  readonly interrupted: number;

  /** Starts a run; returns it. */
  startRun(name: string, startedAtMs: number, collectorVersion: string, protocol: number): StoredRun {
    const info = this.stmts.insertRun.run(name, startedAtMs, collectorVersion, protocol, startedAtMs);
    return this.getRun(runIdOf(Number(info.lastInsertRowid)))!;
  }

  /** Ends a running run ("closed", or "interrupted" when it did not end cleanly). */
  endRun(id: string, endedAtMs: number, status: Exclude<RunStatus, "running"> = "closed"): void {
    const n = runNumberOf(id);
    if (n !== undefined) this.stmts.closeRun.run(status, endedAtMs, endedAtMs, n);
  }

  getRun(id: string): StoredRun | undefined {
    const n = runNumberOf(id);
    if (n === undefined) return undefined;
    const row = this.stmts.getRun.get(n) as RunRow | undefined;
    return row === undefined ? undefined : toRun(row);
  }

  listRuns(limit = 1000): RunSummary[] {
    const rows = this.stmts.listRuns.all(limit) as Array<RunRow & { frames: number; samples: number; events: number; configs: number }>;
    return rows.map((r) => ({ ...toRun(r), frames: r.frames, samples: r.samples, events: r.events, configs: r.configs }));
  }

  /** The most recent config recorded in any run (to resume after a restart), as JSON text. */
  lastConfigJson(): string | undefined {
    const row = this.stmts.lastConfig.get() as { config_json: string } | undefined;
    return row?.config_json;
  }

  /** Writes one batch for a run in a single transaction. */
  write(runId: string, batch: Batch, nowMs: number): void {
    const n = runNumberOf(runId);
    if (n === undefined) return;
    const s = this.stmts;
    this.db.transaction(() => {
      for (const c of batch.configs) s.insertConfig.run(n, c.version, c.timeMs, c.configJson, c.patchJson);
      for (const e of batch.events) s.insertEvent.run(n, e.timeMs, e.kind, e.summary, e.eventJson);
      for (const f of batch.frames) s.insertFrame.run({ runId: n, ...f });
      for (const x of batch.samples) s.insertSample.run(n, x.origin, x.seq, x.issuedAtMs, x.convergenceMs);
      s.touchRun.run(nowMs, n);
    })();
  }

  /** Configs of a run in version order. */
  configs(runId: string): ConfigRow[] {
    const n = runNumberOf(runId);
    if (n === undefined) return [];
    return this.db
      .prepare("SELECT version, time_ms AS timeMs, config_json AS configJson, patch_json AS patchJson FROM run_configs WHERE run_id = ? ORDER BY version")
      .all(n) as ConfigRow[];
  }

  /** Events of a run in time order (at most `limit`). */
  events(runId: string, limit = 1_000_000): EventRow[] {
    const n = runNumberOf(runId);
    if (n === undefined) return [];
    return this.db
      .prepare("SELECT time_ms AS timeMs, kind, summary, event_json AS eventJson FROM run_events WHERE run_id = ? ORDER BY time_ms, rowid LIMIT ?")
      .all(n, limit) as EventRow[];
  }

  /** Frames of a run in time order, streamed. */
  *frames(runId: string): IterableIterator<FrameRow> {
    const n = runNumberOf(runId);
    if (n === undefined) return;
    yield* this.rows<FrameRow>(
      `SELECT time_ms AS timeMs, live, unreachable, crashed, total, converged_share AS convergedShare, distinct_states AS distinctStates,
          missing_updates_total AS missingUpdatesTotal, max_staleness_ms AS maxStalenessMs,
          convergence_p50_ms AS convergenceP50Ms, convergence_p95_ms AS convergenceP95Ms, convergence_p99_ms AS convergenceP99Ms,
          convergence_max_ms AS convergenceMaxMs, convergence_samples AS convergenceSamples, updates_per_sec AS updatesPerSec,
          messages_per_sec AS messagesPerSec, bytes_per_sec AS bytesPerSec,
          deliveries_per_sec AS deliveriesPerSec, bytes_per_update AS bytesPerUpdate,
          config_version AS configVersion, acked_replicas AS ackedReplicas, replicas_json AS replicasJson,
          mean_missing_updates AS meanMissingUpdates, in_flight AS inFlight, oldest_in_flight_ms AS oldestInFlightMs,
          lost_updates AS lostUpdates, convergence_at_least AS convergenceAtLeast
        FROM run_frames WHERE run_id = ? ORDER BY time_ms, rowid`,
      n,
    );
  }

  /** Samples of a run in issue order, streamed. */
  *samples(runId: string): IterableIterator<SampleRow> {
    const n = runNumberOf(runId);
    if (n === undefined) return;
    yield* this.rows<SampleRow>(
      "SELECT origin, seq, issued_at_ms AS issuedAtMs, convergence_ms AS convergenceMs FROM run_samples WHERE run_id = ? ORDER BY issued_at_ms, rowid",
      n,
    );
  }

  private rows<T>(sql: string, ...params: unknown[]): IterableIterator<T> {
    const stmt = this.reader.prepare(sql);
    if (this.reader === this.db) return (stmt.all(...params) as T[])[Symbol.iterator]();
    return stmt.iterate(...params) as IterableIterator<T>;
  }

  /** Exact convergence percentiles of a whole stored run (nearest rank), computed in SQL (indexed). */
  convergenceStats(runId: string): CensoredStats {
    const n = runNumberOf(runId);
    const censored = Float64Array.from(this.censoredAges(runId)).sort();
    const empty = censoredFromSorted(new Float64Array(0), censored);
    if (n === undefined) return empty;
    const { count } = this.db.prepare("SELECT COUNT(*) AS count FROM run_samples WHERE run_id = ?").get(n) as { count: number };
    if (count === 0) return empty;
    // Exact: every sample, in order (a run keeps at most a few million).
    const sorted = new Float64Array(count);
    let i = 0;
    for (const row of this.db.prepare("SELECT convergence_ms AS v FROM run_samples WHERE run_id = ? ORDER BY convergence_ms").iterate(n) as Iterable<{ v: number }>) {
      if (i < count) sorted[i++] = row.v;
    }
    return censoredFromSorted(sorted.subarray(0, i), censored);
  }

  /**
   * The run cut at its config changes: each version's convergence over the updates issued
   * while it was in force (the updates still in flight at the end count in the last one).
   */
  segments(runId: string): Array<{ version: number; fromMs: number; toMs: number | null; convergence: CensoredStats }> {
    const n = runNumberOf(runId);
    const run = this.getRun(runId);
    if (n === undefined || run === undefined) return [];
    const configs = this.configs(runId).sort((a, b) => a.timeMs - b.timeMs || a.version - b.version);
    const censored = Float64Array.from(this.censoredAges(runId)).sort();
    const pick = this.db.prepare("SELECT convergence_ms AS v FROM run_samples WHERE run_id = ? AND issued_at_ms >= ? AND issued_at_ms < ? ORDER BY convergence_ms");
    return configs.map((c, i) => {
      const toMs = configs[i + 1]?.timeMs ?? run.endedAtMs;
      const rows = pick.all(n, c.timeMs, toMs ?? Number.MAX_SAFE_INTEGER) as Array<{ v: number }>;
      const last = i === configs.length - 1;
      return { version: c.version, fromMs: c.timeMs, toMs, convergence: censoredFromSorted(Float64Array.from(rows, (r) => r.v), last ? censored : new Float64Array(0)) };
    });
  }

  /** Ages of the traced updates still in flight when the run ended (none if it did not end cleanly). */
  censoredAges(runId: string): number[] {
    const n = runNumberOf(runId);
    if (n === undefined) return [];
    const row = this.db.prepare("SELECT censored_json AS j FROM runs WHERE id = ?").get(n) as { j: string | null } | undefined;
    return row?.j == null ? [] : (JSON.parse(row.j) as number[]);
  }

  /** Keeps the ages of the updates in flight at a run's end, for its censored percentiles. */
  setCensoredAges(runId: string, ages: readonly number[]): void {
    const n = runNumberOf(runId);
    if (n !== undefined) this.db.prepare("UPDATE runs SET censored_json = ? WHERE id = ?").run(JSON.stringify(ages), n);
  }

  /** Bytes the data occupies (pages in use × page size). */
  usedBytes(): number {
    const pageSize = this.db.pragma("page_size", { simple: true }) as number;
    const pages = this.db.pragma("page_count", { simple: true }) as number;
    const free = this.db.pragma("freelist_count", { simple: true }) as number;
    return (pages - free) * pageSize;
  }

  /**
   * Applies the retention limits: deletes the oldest finished runs beyond `maxRuns`, then
   * more of them while the data exceeds `maxBytes`; if the current run alone is too big,
   * its oldest frames and samples go. Returns the number of runs deleted.
   */
  enforceRetention(retention: Retention, currentRunId: string | null): number {
    const current = currentRunId === null ? -1 : (runNumberOf(currentRunId) ?? -1);
    const finished = (this.db.prepare("SELECT id FROM runs WHERE id != ? ORDER BY id DESC").all(current) as Array<{ id: number }>).map((r) => r.id);
    const keepFinished = Math.max(0, retention.maxRuns - (current >= 0 ? 1 : 0));
    let deleted = 0;
    const del = this.db.prepare("DELETE FROM runs WHERE id = ?");
    for (const id of finished.slice(keepFinished)) {
      del.run(id);
      deleted++;
    }
    const kept = finished.slice(0, keepFinished);
    while (this.usedBytes() > retention.maxBytes && kept.length > 0) {
      del.run(kept.pop()!);
      deleted++;
    }
    if (current >= 0) {
      let guard = 0;
      while (this.usedBytes() > retention.maxBytes && guard++ < 1000) {
        const s = this.db
          .prepare("DELETE FROM run_samples WHERE rowid IN (SELECT rowid FROM run_samples WHERE run_id = ? ORDER BY rowid LIMIT 20000)")
          .run(current).changes;
        const f = this.db
          .prepare("DELETE FROM run_frames WHERE rowid IN (SELECT rowid FROM run_frames WHERE run_id = ? ORDER BY rowid LIMIT 200)")
          .run(current).changes;
        if (s + f === 0) break;
      }
    }
    return deleted;
  }

  /** Checkpoints the WAL and closes the file. */
  close(): void {
    if (this.reader !== this.db && this.reader.open) this.reader.close();
    if (!this.db.open) return;
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.db.close();
  }
}
