// Exports of a recorded run. CSV tables (columns documented in docs/metrics.md) and one
// JSON document; both are generated row by row so a long run streams instead of
// being built in memory.
import type { ClusterConfig } from "@driftscope/protocol";
import { theoryFor } from "../metrics/theoryFor.js";
import { atLeastNames } from "./Recorder.js";
import type { RunStore, StoredRun } from "./RunStore.js";

/** Tables a CSV export can hold (`?data=`). */
export const CSV_TABLES = ["frames", "samples", "events", "replicas", "configs"] as const;
export type CsvTable = (typeof CSV_TABLES)[number];

/** Column names of each CSV table, in order. */
export const CSV_COLUMNS: Readonly<Record<CsvTable, readonly string[]>> = {
  frames: [
    "time_ms",
    "time_iso",
    "live",
    "unreachable",
    "crashed",
    "total",
    "converged_share",
    "distinct_states",
    "missing_updates_total",
    "max_staleness_ms",
    "convergence_p50_ms",
    "convergence_p95_ms",
    "convergence_p99_ms",
    "convergence_max_ms",
    "convergence_samples",
    "updates_per_sec",
    "messages_per_sec",
    "bytes_per_sec",
    "deliveries_per_sec",
    "bytes_per_update",
    "config_version",
    "acked_replicas",
    "mean_missing_updates",
    "in_flight",
    "oldest_in_flight_ms",
    "lost_updates",
    "convergence_lower_bounds",
  ],
  samples: ["origin", "seq", "issued_at_ms", "converged_at_ms", "convergence_ms"],
  events: ["time_ms", "time_iso", "kind", "version", "summary", "detail"],
  replicas: [
    "time_ms",
    "replica",
    "status",
    "missing_updates",
    "staleness_ms",
    "updates_per_sec",
    "messages_per_sec",
    "bytes_per_sec",
    "config_version",
    "state_group",
  ],
  configs: ["version", "time_ms", "time_iso", "config_json", "patch_json"],
};

const STATUS_NAMES = ["live", "unreachable", "crashed"];

/** One CSV field: quoted when it holds a comma, quote or line break; null/undefined are empty. */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = typeof value === "string" ? value : String(value);
  // A leading = + @ makes spreadsheets evaluate the cell; prefix it so it stays text.
  const safe = typeof value === "string" && /^[=+@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function line(fields: readonly unknown[]): string {
  return `${fields.map(csvField).join(",")}\r\n`;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** CSV lines (header first) of one table of a run. */
export function* csvLines(store: RunStore, run: StoredRun, table: CsvTable): Generator<string> {
  yield line(CSV_COLUMNS[table]);
  switch (table) {
    case "frames":
      for (const f of store.frames(run.id)) {
        yield line([
          f.timeMs,
          iso(f.timeMs),
          f.live,
          f.unreachable,
          f.crashed,
          f.total,
          f.convergedShare,
          f.distinctStates,
          f.missingUpdatesTotal,
          f.maxStalenessMs,
          f.convergenceP50Ms,
          f.convergenceP95Ms,
          f.convergenceP99Ms,
          f.convergenceMaxMs,
          f.convergenceSamples,
          f.updatesPerSec,
          f.messagesPerSec,
          f.bytesPerSec,
          f.deliveriesPerSec,
          f.bytesPerUpdate,
          f.configVersion,
          f.ackedReplicas,
          f.meanMissingUpdates,
          f.inFlight,
          f.oldestInFlightMs,
          f.lostUpdates,
          atLeastNames(f.convergenceAtLeast),
        ]);
      }
      return;
    case "samples":
      for (const s of store.samples(run.id)) yield line([s.origin, s.seq, s.issuedAtMs, s.issuedAtMs + s.convergenceMs, s.convergenceMs]);
      return;
    case "events":
      for (const e of store.events(run.id)) {
        const event = JSON.parse(e.eventJson) as { version?: number; detail?: string };
        yield line([e.timeMs, iso(e.timeMs), e.kind, event.version, e.summary, event.detail]);
      }
      return;
    case "configs":
      for (const c of store.configs(run.id)) yield line([c.version, c.timeMs, iso(c.timeMs), c.configJson, c.patchJson]);
      return;
    case "replicas":
      for (const f of store.frames(run.id)) {
        const { replicaIds, columns } = JSON.parse(f.replicasJson) as { replicaIds: string[]; columns: Record<string, number[]> };
        for (let i = 0; i < replicaIds.length; i++) {
          const col = (name: string) => columns[name]?.[i];
          const status = col("status");
          yield line([
            f.timeMs,
            replicaIds[i],
            status === undefined ? undefined : STATUS_NAMES[status],
            col("missingUpdates"),
            col("stalenessMs"),
            col("updatesPerSec"),
            col("messagesPerSec"),
            col("bytesPerSec"),
            col("configVersion"),
            col("stateGroup"),
          ]);
        }
      }
      return;
  }
}

/**
 * The whole run as one JSON document, in chunks: `{ run, convergence, configs, events,
 * frames: [{ ...kpis, replicaIds, columns, theory }], samples: [[origin, seq, issuedAtMs, convergenceMs]] }`.
 */
export function* jsonChunks(store: RunStore, run: StoredRun): Generator<string> {
  yield `{"run":${JSON.stringify(run)},"convergence":${JSON.stringify(store.convergenceStats(run.id))}`;
  const configs = store.configs(run.id).map((c) => ({
    version: c.version,
    timeMs: c.timeMs,
    config: JSON.parse(c.configJson) as unknown,
    patch: c.patchJson === null ? null : (JSON.parse(c.patchJson) as unknown),
  }));
  yield `,"configs":${JSON.stringify(configs)}`;
  yield `,"segments":${JSON.stringify(store.segments(run.id))}`;
  yield `,"events":[${store
    .events(run.id)
    .map((e) => e.eventJson)
    .join(",")}]`;
  yield `,"frames":[`;
  let first = true;
  // Each frame with the reference line of the config then in force, as live frames have it.
  let current = -1;
  for (const f of store.frames(run.id)) {
    const { replicasJson, convergenceAtLeast, ...kpis } = f;
    const replicas = JSON.parse(replicasJson) as object;
    while (current + 1 < configs.length && configs[current + 1]!.timeMs <= f.timeMs) current++;
    const config = configs[current]?.config as ClusterConfig | undefined;
    const theory = config === undefined ? null : theoryFor(config, f.live);
    const lowerBounds = atLeastNames(convergenceAtLeast).split(" ").filter((x) => x !== "");
    yield `${first ? "" : ","}${JSON.stringify({ ...kpis, convergenceLowerBounds: lowerBounds, ...replicas, theory })}`;
    first = false;
  }
  yield `],"samples":[`;
  first = true;
  let chunk: string[] = [];
  for (const s of store.samples(run.id)) {
    chunk.push(JSON.stringify([s.origin, s.seq, s.issuedAtMs, s.convergenceMs]));
    if (chunk.length >= 1000) {
      yield `${first ? "" : ","}${chunk.join(",")}`;
      first = false;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield `${first ? "" : ","}${chunk.join(",")}`;
  yield "]}\n";
}
