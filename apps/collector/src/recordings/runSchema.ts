// The recording file's tables. A file made by an older collector gains the columns added
// since (with their defaults) when it is opened, so recordings stay readable across versions.
import type Database from "better-sqlite3";

export const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT NOT NULL,
  started_at_ms REAL NOT NULL,
  ended_at_ms REAL,
  status TEXT NOT NULL CHECK (status IN ('running', 'closed', 'interrupted')),
  collector_version TEXT NOT NULL,
  protocol INTEGER NOT NULL,
  last_write_ms REAL NOT NULL,
  censored_json TEXT
);
CREATE TABLE IF NOT EXISTS run_configs (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  version INTEGER NOT NULL,
  time_ms REAL NOT NULL,
  config_json TEXT NOT NULL,
  patch_json TEXT,
  PRIMARY KEY (run_id, version)
);
CREATE TABLE IF NOT EXISTS run_events (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time_ms REAL NOT NULL,
  kind TEXT NOT NULL,
  summary TEXT NOT NULL,
  event_json TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS run_events_by_run ON run_events (run_id, time_ms);
CREATE TABLE IF NOT EXISTS run_frames (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  time_ms REAL NOT NULL,
  live INTEGER NOT NULL,
  unreachable INTEGER NOT NULL,
  crashed INTEGER NOT NULL,
  total INTEGER NOT NULL,
  converged_share REAL NOT NULL,
  distinct_states INTEGER NOT NULL,
  missing_updates_total INTEGER NOT NULL,
  max_staleness_ms REAL NOT NULL,
  convergence_p50_ms REAL,
  convergence_p95_ms REAL,
  convergence_p99_ms REAL,
  convergence_max_ms REAL,
  convergence_samples INTEGER NOT NULL,
  updates_per_sec REAL NOT NULL,
  messages_per_sec REAL NOT NULL,
  bytes_per_sec REAL NOT NULL,
  deliveries_per_sec REAL NOT NULL,
  bytes_per_update REAL,
  config_version INTEGER NOT NULL,
  acked_replicas INTEGER NOT NULL,
  replicas_json TEXT NOT NULL,
  mean_missing_updates REAL NOT NULL DEFAULT 0,
  in_flight INTEGER NOT NULL DEFAULT 0,
  oldest_in_flight_ms REAL NOT NULL DEFAULT 0,
  lost_updates INTEGER NOT NULL DEFAULT 0,
  convergence_at_least INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS run_frames_by_run ON run_frames (run_id, time_ms);
CREATE TABLE IF NOT EXISTS run_samples (
  run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  origin TEXT NOT NULL,
  seq INTEGER NOT NULL,
  issued_at_ms REAL NOT NULL,
  convergence_ms REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS run_samples_by_run ON run_samples (run_id, issued_at_ms);
CREATE INDEX IF NOT EXISTS run_samples_by_convergence ON run_samples (run_id, convergence_ms);
`;

/** Columns added since a file was created: an older file gains them with their defaults. */
export function addMissingColumns(db: Database.Database): void {
  const want: Record<string, string[]> = {
    runs: ["censored_json TEXT"],
    run_frames: [
      "mean_missing_updates REAL NOT NULL DEFAULT 0",
      "in_flight INTEGER NOT NULL DEFAULT 0",
      "oldest_in_flight_ms REAL NOT NULL DEFAULT 0",
      "lost_updates INTEGER NOT NULL DEFAULT 0",
      "convergence_at_least INTEGER NOT NULL DEFAULT 0",
    ],
  };
  for (const [table, columns] of Object.entries(want)) {
    const have = new Set((db.prepare(`PRAGMA table_info(${table})`).all() as Array<{ name: string }>).map((c) => c.name));
    for (const column of columns) if (!have.has(column.split(" ")[0]!)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column}`);
  }
}
