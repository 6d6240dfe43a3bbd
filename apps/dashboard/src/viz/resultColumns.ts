// The experiment results table on the page: every figure of a point (docs/experiments.md
// lists them), with units, "≥" on percentiles that are lower bounds, and the sentence behind
// each column in its tooltip. The CSV export is the collector's own (same figures, all digits).

import type { PointResult } from "@driftscope/protocol";
import { formatBytes, formatCount, formatDurationMs } from "./format.js";

/** One column of the results table. */
export interface ResultColumn {
  key: string;
  label: string;
  title: string;
  text(p: PointResult): string;
}

const ms = (v: number | null, atLeast = false) => (v === null ? "–" : `${atLeast ? "≥ " : ""}${formatDurationMs(v)}`);
const num = (v: number | null, digits = 1) => (v === null || !Number.isFinite(v) ? "–" : Number(v.toFixed(digits)).toString());

/** Columns in the order of the collector's CSV. */
export const RESULT_COLUMNS: readonly ResultColumn[] = [
  { key: "index", label: "#", title: "Point index (the apply request names it)", text: (p) => String(p.index) },
  { key: "repetition", label: "Rep", title: "Repetition (seed = plan seed + repetition)", text: (p) => `${p.repetition} (seed ${p.seed})` },
  { key: "interval", label: "Interval", title: "Sync interval", text: (p) => formatDurationMs(p.config.intervalMs) },
  { key: "fanout", label: "Fanout", title: "Peers per round", text: (p) => String(p.config.fanout) },
  { key: "mode", label: "Mode", title: "push, pull or push-pull", text: (p) => p.config.mode },
  { key: "payload", label: "Payload", title: "full state, delta or digest-driven", text: (p) => p.config.payload },
  { key: "rate", label: "Upd/s", title: "Updates per second per replica (the workload)", text: (p) => String(p.config.updatesPerSecPerReplica) },
  { key: "loss", label: "Loss", title: "Message loss rate", text: (p) => `${Math.round(p.config.lossRate * 1000) / 10} %` },
  { key: "latency", label: "Latency", title: "Simulated network latency", text: (p) => formatDurationMs(p.config.latencyMs) },
  { key: "replicas", label: "N", title: "Replicas", text: (p) => String(p.replicas) },
  { key: "measured", label: "Measured", title: "How long the point was measured (after its warm-up)", text: (p) => formatDurationMs(p.measuredMs) },
  { key: "samples", label: "Samples", title: "Updates issued during the measurement that reached every replica", text: (p) => formatCount(p.convergence.samples) },
  { key: "mean", label: "Mean", title: "Mean convergence time (issue → the last replica includes it)", text: (p) => ms(p.convergence.meanMs) },
  { key: "sd", label: "SD", title: "Standard deviation of the convergence times", text: (p) => ms(p.convergence.sdMs) },
  { key: "p50", label: "p50", title: "Censored median: updates still in flight at the end count as at least their age (≥: a lower bound)", text: (p) => ms(p.convergence.p50Ms, p.convergence.atLeast.p50) },
  { key: "p95", label: "p95", title: "Censored 95th percentile (≥: a lower bound)", text: (p) => ms(p.convergence.p95Ms, p.convergence.atLeast.p95) },
  { key: "p99", label: "p99", title: "Censored 99th percentile (≥: a lower bound)", text: (p) => ms(p.convergence.p99Ms, p.convergence.atLeast.p99) },
  { key: "max", label: "Max", title: "Longest convergence time (≥: a lower bound)", text: (p) => ms(p.convergence.maxMs, p.convergence.atLeast.max) },
  { key: "inFlight", label: "In flight", title: "Time average of updates in flight (issued, not yet at every replica)", text: (p) => num(p.meanInFlight) },
  { key: "missing", label: "Missing", title: "Time average of missing updates per replica: the divergence", text: (p) => num(p.meanMissingUpdates, 2) },
  { key: "messages", label: "Msg/s", title: "Messages sent per second per replica", text: (p) => num(p.messagesPerSecPerReplica) },
  { key: "bytes", label: "Bytes/s", title: "Bytes sent per second per replica", text: (p) => `${formatBytes(p.bytesPerSecPerReplica)}/s` },
  { key: "bytesPerUpdate", label: "B/update", title: "Bytes sent ÷ dot inclusions at non-origin replicas", text: (p) => (p.bytesPerDeliveredUpdate === null ? "–" : formatBytes(p.bytesPerDeliveredUpdate)) },
  { key: "duringConvergence", label: "Upd. during conv.", title: "Update rate × p50 × replicas: updates issued during one convergence time (≫ 1: the replicas are always apart)", text: (p) => num(p.updatesDuringConvergence, 2) },
  { key: "t50", label: "t50", title: "t-visibility: age at which 50 % of replicas hold an update", text: (p) => ms(p.visibility.t50Ms) },
  { key: "t90", label: "t90", title: "Age at which 90 % of replicas hold an update", text: (p) => ms(p.visibility.t90Ms) },
  { key: "t99", label: "t99", title: "Age at which 99 % of replicas hold an update", text: (p) => ms(p.visibility.t99Ms) },
  { key: "syncExpected", label: "E·T", title: "Expected time of synchronous rounds (DESIGN §3), for reference", text: (p) => ms(p.theory.syncExpectedMs) },
  { key: "pushBound", label: "Push bound", title: "Push lower bound ⌈log(1+f) N⌉ rounds × T (push only)", text: (p) => ms(p.theory.pushBoundMs) },
];

/** Prepends an `experiment` column to a collector CSV (header `experiment`, then the id on every row). */
export function withExperimentColumn(id: string, csv: string, header: boolean): string {
  const lines = csv.split(/\r\n|\n/).filter((l) => l !== "");
  const out = lines.map((l, i) => (i === 0 ? `experiment,${l}` : `${id},${l}`));
  return (header ? out : out.slice(1)).map((l) => `${l}\r\n`).join("");
}
