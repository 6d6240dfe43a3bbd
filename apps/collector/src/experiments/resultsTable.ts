// An experiment's results as a table: one row per point, the same columns in the CSV
// export, the JSON export and the CLI's printout (docs/experiments.md lists them).
import type { PointResult } from "@driftscope/protocol";
import { csvField } from "../recordings/export.js";

type Column = [name: string, value: (p: PointResult) => number | string | null];

const lowerBounds = (p: PointResult) => (["p50", "p95", "p99", "max"] as const).filter((k) => p.convergence.atLeast[k]).join(" ");

export const RESULT_COLUMNS: readonly Column[] = [
  ["index", (p) => p.index],
  ["repetition", (p) => p.repetition],
  ["seed", (p) => p.seed],
  ["interval_ms", (p) => p.config.intervalMs],
  ["fanout", (p) => p.config.fanout],
  ["mode", (p) => p.config.mode],
  ["payload", (p) => p.config.payload],
  ["updates_per_sec_per_replica", (p) => p.config.updatesPerSecPerReplica],
  ["loss_rate", (p) => p.config.lossRate],
  ["latency_ms", (p) => p.config.latencyMs],
  ["replicas", (p) => p.replicas],
  ["measured_ms", (p) => p.measuredMs],
  ["samples", (p) => p.convergence.samples],
  ["mean_ms", (p) => p.convergence.meanMs],
  ["sd_ms", (p) => p.convergence.sdMs],
  ["p50_ms", (p) => p.convergence.p50Ms],
  ["p95_ms", (p) => p.convergence.p95Ms],
  ["p99_ms", (p) => p.convergence.p99Ms],
  ["max_ms", (p) => p.convergence.maxMs],
  ["lower_bounds", lowerBounds],
  ["mean_in_flight", (p) => p.meanInFlight],
  ["mean_missing_updates", (p) => p.meanMissingUpdates],
  ["messages_per_sec_per_replica", (p) => p.messagesPerSecPerReplica],
  ["bytes_per_sec_per_replica", (p) => p.bytesPerSecPerReplica],
  ["bytes_per_delivered_update", (p) => p.bytesPerDeliveredUpdate],
  ["updates_during_convergence", (p) => p.updatesDuringConvergence],
  ["t50_ms", (p) => p.visibility.t50Ms],
  ["t90_ms", (p) => p.visibility.t90Ms],
  ["t99_ms", (p) => p.visibility.t99Ms],
  ["expected_ms", (p) => p.theory.asyncExpectedMs],
  ["expected_p95_ms", (p) => p.theory.asyncP95Ms],
  ["sync_expected_ms", (p) => p.theory.syncExpectedMs],
  ["push_bound_ms", (p) => p.theory.pushBoundMs],
];

const round = (v: number | string | null) => (typeof v === "number" && !Number.isInteger(v) ? Number(v.toPrecision(6)) : v);

/** CSV text (RFC 4180, CRLF), header first, points in index order. */
export function resultsCsv(points: readonly PointResult[]): string {
  const rows = [RESULT_COLUMNS.map(([n]) => n), ...[...points].sort((a, b) => a.index - b.index).map((p) => RESULT_COLUMNS.map(([, f]) => round(f(p))))];
  return rows.map((r) => `${r.map(csvField).join(",")}\r\n`).join("");
}

/** A fixed-width text table of the figures a person reads first. */
export function resultsText(points: readonly PointResult[]): string {
  const ms = (v: number | null, bound: boolean) => (v === null ? "–" : `${bound ? "≥" : ""}${v >= 1000 ? `${(v / 1000).toPrecision(3)} s` : `${Math.round(v)} ms`}`);
  const head = ["#", "interval", "fanout", "mode", "upd/s", "p50", "p95", "p99", "msg/s/rep", "B/s/rep", "in flight"];
  const rows = [...points]
    .sort((a, b) => a.index - b.index)
    .map((p) => [
      String(p.index),
      `${p.config.intervalMs} ms`,
      String(p.config.fanout),
      p.config.mode,
      String(p.config.updatesPerSecPerReplica),
      ms(p.convergence.p50Ms, p.convergence.atLeast.p50),
      ms(p.convergence.p95Ms, p.convergence.atLeast.p95),
      ms(p.convergence.p99Ms, p.convergence.atLeast.p99),
      p.messagesPerSecPerReplica.toFixed(1),
      Math.round(p.bytesPerSecPerReplica).toString(),
      p.meanInFlight.toFixed(1),
    ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padStart(widths[i]!)).join("  ");
  return [line(head), ...rows.map(line)].join("\n");
}
