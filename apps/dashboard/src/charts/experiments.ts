// The trade-off charts of experiments (DESIGN §4, docs/experiments.md), as data both the
// page and the exported SVG draw: convergence vs interval (p50 with a p50–p95 band per
// series, E·T, and the line "convergence = update period"), cost vs interval (bytes/s and
// messages/s per replica), and convergence vs cost (every point labelled, the Pareto front,
// the recommended point ringed). Two experiments compare on the same axes: the second one
// draws squares and dashed lines. Reference points from a CSV are hollow black squares.

import type { ExperimentPlan, PointResult } from "@driftscope/protocol";
import type { AxisSpec, ChartMark, ChartSvgSpec, Layer, LegendItem } from "../viz/chartSvg.js";
import { toCsv, type CsvCell } from "../viz/csv.js";
import { fullConfigText, pointLabel, resultSeries, updateRates, varyingSettings } from "../viz/experimentSeries.js";
import { formatBytes, formatCount, formatDurationMs, formatDurationTick } from "../viz/format.js";
import { paretoFront } from "../viz/pareto.js";
import type { ReferenceSet } from "../viz/referencePoints.js";
import { logDomain, logTicks } from "../viz/scales.js";
import { durationLogTicks } from "../viz/durationAxis.js";
import { EXPERIMENT_LEGEND } from "../viz/experimentLegendHelp.js";
import { COLOURS } from "./common.js";

/** An experiment as the charts need it. */
export interface ChartExperiment {
  id: string;
  plan: ExperimentPlan;
  results: readonly PointResult[];
}

/** A point the recommendation named, per experiment. */
export interface RecommendedPoint {
  experimentId: string;
  index: number;
}

/** A point a pointer can hover: where it is and what to say. */
export interface HoverMark {
  panel: number;
  x: number;
  y: number;
  lines: string[];
}

/** One plot of an XY chart. */
export interface XyPanel {
  id: string;
  y: AxisSpec;
  height: number;
  layers: Layer[];
}

/** A chart over a log x axis with one or more panels. */
export interface XyChart {
  x: AxisSpec;
  panels: XyPanel[];
  legend: LegendItem[];
  hover: HoverMark[];
}

/** Series colours (the theory's green is left out: it has its own line). */
export const EXPERIMENT_COLOURS = ["#2563eb", "#dc2626", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"] as const;
const REFERENCE_COLOUR = "#111827";
const SYNC_COLOUR = "#0f766e";

/** A theory reference along a series' intervals. */
interface TheoryLine {
  xs: number[];
  ys: number[];
  label: string;
  colour: string;
}

/** Records a series' reference line (where it has values), once per distinct line. */
function addTheory(lines: Map<string, TheoryLine>, points: readonly [number, number | null][], label: string, colour: string): void {
  const known = points.filter((p): p is [number, number] => p[1] !== null);
  if (known.length === 0) return;
  const line = { xs: known.map((p) => p[0]), ys: known.map((p) => p[1]), label, colour };
  const key = JSON.stringify([line.xs, line.ys]);
  if (!lines.has(key)) lines.set(key, line);
}
const PERIOD_COLOUR = "#6b7280";

/** How the k-th experiment on a chart is drawn. */
function styleOf(k: number): { shape: "dot" | "square"; dash?: string } {
  return k === 0 ? { shape: "dot" } : { shape: "square", dash: "6 3" };
}

function logAxis(label: string, values: Iterable<number | null | undefined>, format: (v: number) => string): AxisSpec {
  const domain = logDomain(values);
  // Durations tick at round durations (1 s, 10 s, 1 min), like every time axis.
  const ticks = format === formatDurationTick ? durationLogTicks(domain[0], domain[1]) : logTicks(domain[0], domain[1]);
  return { label, domain, ticks: ticks.length > 1 ? ticks : logTicks(domain[0], domain[1]), format, log: true };
}

const prefix = (exps: readonly ChartExperiment[], e: ChartExperiment) => (exps.length > 1 ? `${e.id}: ` : "");
const ms = (v: number | null, atLeast = false) => (v === null ? "–" : `${atLeast ? "≥ " : ""}${formatDurationMs(v)}`);

/** Tooltip lines of a measured point. */
function pointLines(e: ChartExperiment, p: PointResult): string[] {
  const c = p.convergence;
  return [
    `${e.id} point #${p.index}${p.repetition > 0 ? ` (repetition ${p.repetition})` : ""}`,
    fullConfigText(p),
    `p50 ${ms(c.p50Ms, c.atLeast.p50)} · p95 ${ms(c.p95Ms, c.atLeast.p95)} · p99 ${ms(c.p99Ms, c.atLeast.p99)}`,
    `${formatBytes(p.bytesPerSecPerReplica)}/s · ${formatCount(p.messagesPerSecPerReplica)} msg/s per replica`,
  ];
}

/** Convergence time vs sync interval, log–log. */
export function convergenceVsInterval(exps: readonly ChartExperiment[], refs: readonly ReferenceSet[], heightPx = 320): XyChart {
  const layers: Layer[] = [];
  const legend: LegendItem[] = [];
  const hover: HoverMark[] = [];
  const xs: number[] = [];
  const ys: (number | null)[] = [];
  const theories = { sync: new Map<string, TheoryLine>(), async: new Map<string, TheoryLine>() };
  let colour = 0;
  exps.forEach((e, k) => {
    const style = styleOf(k);
    for (const s of resultSeries(e.results)) {
      const c = EXPERIMENT_COLOURS[colour++ % EXPERIMENT_COLOURS.length]!;
      const ix = s.steps.map((st) => st.intervalMs);
      const p50 = s.steps.map((st) => st.p50Ms ?? Number.NaN);
      const p95 = s.steps.map((st) => st.p95Ms ?? Number.NaN);
      const label = `${prefix(exps, e)}${s.label}`;
      layers.push({ kind: "band", xs: ix, lo: p50, hi: p95, colour: c, opacity: 0.16 });
      layers.push({ kind: "line", points: { xs: ix, ys: p50, length: ix.length }, colour: c, width: 2, dash: style.dash });
      layers.push({ kind: "marks", marks: s.steps.filter((st) => st.p50Ms !== null).map((st) => ({ x: st.intervalMs, y: st.p50Ms!, hollow: st.p50AtLeast })), colour: c, shape: style.shape, radius: 4 });
      legend.push({ label: `${label}: p50`, colour: c, shape: style.dash ? "dash" : "line", title: EXPERIMENT_LEGEND.p50 }, { label: `${label}: p50–p95 band`, colour: c, shape: "band", title: EXPERIMENT_LEGEND.band });
      for (const st of s.steps) {
        xs.push(st.intervalMs);
        ys.push(st.p50Ms, st.p95Ms, st.syncExpectedMs, st.asyncExpectedMs);
        if (st.p50Ms !== null) hover.push({ panel: 0, x: st.intervalMs, y: st.p50Ms, lines: st.points.flatMap((p) => pointLines(e, p)) });
      }
      addTheory(theories.async, s.steps.map((st) => [st.intervalMs, st.asyncExpectedMs]), label, c);
      addTheory(theories.sync, s.steps.map((st) => [st.intervalMs, st.syncExpectedMs]), label, c);
    }
  });
  // One line per distinct reference; when series differ (another fanout, a compared experiment), each in its series' colour.
  const drawTheory = (lines: Map<string, TheoryLine>, name: string, colour: string, dash: string, title: string) => {
    const list = [...lines.values()];
    for (const t of list) {
      const c = list.length > 1 ? t.colour : colour;
      layers.push({ kind: "line", points: { xs: t.xs, ys: t.ys, length: t.xs.length }, colour: c, width: 1.5, dash });
      legend.push({ label: list.length > 1 ? `${name}, ${t.label}` : name, colour: c, shape: "dash", dash, title });
    }
  };
  drawTheory(theories.async, "expected (asynchronous model)", COLOURS.expected, "7 4", EXPERIMENT_LEGEND.expected);
  drawTheory(theories.sync, "E·T (synchronous rounds)", SYNC_COLOUR, "2 2 6 2", EXPERIMENT_LEGEND.sync);
  for (const r of refs) {
    const pts = r.points.filter((p) => p.convergenceMs !== null);
    if (pts.length === 0) continue;
    layers.push({ kind: "marks", marks: pts.map((p) => ({ x: p.intervalMs, y: p.convergenceMs!, hollow: true })), colour: REFERENCE_COLOUR, shape: "square", radius: 4, group: "reference" });
    legend.push({ label: `reference: ${r.name} (${r.convergenceFrom ?? "convergence"})`, colour: REFERENCE_COLOUR, shape: "square", title: EXPERIMENT_LEGEND.reference });
    for (const p of pts) {
      xs.push(p.intervalMs);
      ys.push(p.convergenceMs);
      hover.push({ panel: 0, x: p.intervalMs, y: p.convergenceMs!, lines: [`reference ${r.name}${p.label ? `: ${p.label}` : ""}`, `interval ${formatDurationMs(p.intervalMs)} · ${r.convergenceFrom ?? "convergence"} ${formatDurationMs(p.convergenceMs)}`] });
    }
  }
  const x = logAxis("Sync interval (ms, log scale)", xs, formatDurationTick);
  // "Convergence = update period": above it a replica issues its next update before the last one reached everyone.
  const rates = updateRates(exps.flatMap((e) => e.results)).filter((r) => r > 0);
  for (const r of rates) ys.push(1000 / r);
  const y = logAxis("Convergence time (log scale)", ys, formatDurationTick);
  if (rates.length > 0) legend.push({ label: "convergence = update period (1 / updates/s per replica)", colour: PERIOD_COLOUR, shape: "dash", dash: "2 3", title: EXPERIMENT_LEGEND.period });
  for (const r of rates) {
    const period = 1000 / r;
    layers.push({ kind: "line", points: { xs: x.domain, ys: [period, period], length: 2 }, colour: PERIOD_COLOUR, width: 1.25, dash: "2 3" });
    layers.push({
      kind: "texts",
      colour: PERIOD_COLOUR,
      items: [
        { x: x.domain[0], y: period, text: `update period at ${r} upd/s: ${formatDurationMs(period)}`, dx: 4, dy: -4 },
        { x: x.domain[1], y: period, text: "under-synchronised ↑", anchor: "end", dx: -4, dy: -4 },
        { x: x.domain[1], y: period, text: "over-synchronised ↓", anchor: "end", dx: -4, dy: 12 },
      ],
    });
  }
  return { x, panels: [{ id: "convergence", y, height: heightPx, layers }], legend, hover };
}

/** Sync cost vs interval: bytes/s and messages/s per replica, each on its own log axis. */
export function costVsInterval(exps: readonly ChartExperiment[], refs: readonly ReferenceSet[], panelHeightPx = 170): XyChart {
  const bytesLayers: Layer[] = [];
  const msgLayers: Layer[] = [];
  const legend: LegendItem[] = [];
  const hover: HoverMark[] = [];
  const xs: number[] = [];
  const bytes: number[] = [];
  const msgs: number[] = [];
  let colour = 0;
  exps.forEach((e, k) => {
    const style = styleOf(k);
    for (const s of resultSeries(e.results)) {
      const c = EXPERIMENT_COLOURS[colour++ % EXPERIMENT_COLOURS.length]!;
      const ix = s.steps.map((st) => st.intervalMs);
      const b = s.steps.map((st) => st.bytesPerSecPerReplica);
      const m = s.steps.map((st) => st.messagesPerSecPerReplica);
      bytesLayers.push({ kind: "line", points: { xs: ix, ys: b, length: ix.length }, colour: c, width: 2, dash: style.dash }, { kind: "marks", marks: ix.map((v, i) => ({ x: v, y: b[i]! })), colour: c, shape: style.shape });
      msgLayers.push({ kind: "line", points: { xs: ix, ys: m, length: ix.length }, colour: c, width: 2, dash: style.dash }, { kind: "marks", marks: ix.map((v, i) => ({ x: v, y: m[i]! })), colour: c, shape: style.shape });
      legend.push({ label: `${prefix(exps, e)}${s.label}`, colour: c, shape: style.dash ? "dash" : "line", title: EXPERIMENT_LEGEND.cost });
      s.steps.forEach((st) => {
        xs.push(st.intervalMs);
        bytes.push(st.bytesPerSecPerReplica);
        msgs.push(st.messagesPerSecPerReplica);
        const lines = st.points.flatMap((p) => pointLines(e, p));
        hover.push({ panel: 0, x: st.intervalMs, y: st.bytesPerSecPerReplica, lines }, { panel: 1, x: st.intervalMs, y: st.messagesPerSecPerReplica, lines });
      });
    }
  });
  for (const r of refs) {
    const withBytes = r.points.filter((p) => p.bytesPerSec !== null);
    const withMsgs = r.points.filter((p) => p.messagesPerSec !== null);
    if (withBytes.length + withMsgs.length === 0) continue;
    if (withBytes.length) bytesLayers.push({ kind: "marks", marks: withBytes.map((p) => ({ x: p.intervalMs, y: p.bytesPerSec!, hollow: true })), colour: REFERENCE_COLOUR, shape: "square", group: "reference" });
    if (withMsgs.length) msgLayers.push({ kind: "marks", marks: withMsgs.map((p) => ({ x: p.intervalMs, y: p.messagesPerSec!, hollow: true })), colour: REFERENCE_COLOUR, shape: "square", group: "reference" });
    legend.push({ label: `reference: ${r.name}`, colour: REFERENCE_COLOUR, shape: "square", title: EXPERIMENT_LEGEND.reference });
    for (const p of r.points) {
      xs.push(p.intervalMs);
      if (p.bytesPerSec !== null) bytes.push(p.bytesPerSec);
      if (p.messagesPerSec !== null) msgs.push(p.messagesPerSec);
    }
  }
  return {
    x: logAxis("Sync interval (ms, log scale)", xs, formatDurationTick),
    panels: [
      { id: "bytes", y: logAxis("Bytes/s per replica (log)", bytes, (v) => formatBytes(v)), height: panelHeightPx, layers: bytesLayers },
      { id: "messages", y: logAxis("Messages/s per replica (log)", msgs, formatCount), height: panelHeightPx, layers: msgLayers },
    ],
    legend,
    hover,
  };
}

/** Which convergence figure the trade-off chart's y axis shows. */
export type CostMetric = "p50" | "p95";

/** Convergence vs cost: every point labelled with its config, the Pareto front per update rate, the recommended point ringed. */
export function convergenceVsCost(exps: readonly ChartExperiment[], recommended: readonly RecommendedPoint[], metric: CostMetric = "p95", heightPx = 320): XyChart {
  const layers: Layer[] = [];
  const labelled: Layer[] = [];
  const legend: LegendItem[] = [];
  const hover: HoverMark[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  const ringed: ChartMark[] = [];
  const figure = (p: PointResult) => (metric === "p50" ? p.convergence.p50Ms : p.convergence.p95Ms);
  const atLeast = (p: PointResult) => (metric === "p50" ? p.convergence.atLeast.p50 : p.convergence.atLeast.p95);
  const isRecommended = (id: string, p: PointResult) => recommended.some((r) => r.experimentId === id && r.index === p.index);
  let colour = 0;
  let frontDrawn = false;
  exps.forEach((e, k) => {
    const style = styleOf(k);
    const varying = varyingSettings(e.results);
    for (const rate of updateRates(e.results)) {
      const c = EXPERIMENT_COLOURS[colour++ % EXPERIMENT_COLOURS.length]!;
      const pts = e.results.filter((p) => p.config.updatesPerSecPerReplica === rate && figure(p) !== null);
      const front = paretoFront(pts.map((p) => ({ cost: p.bytesPerSecPerReplica, timeMs: figure(p)! })));
      if (front.length > 1) {
        const f = front.map((i) => pts[i]!);
        layers.push({ kind: "line", points: { xs: f.map((p) => p.bytesPerSecPerReplica), ys: f.map((p) => figure(p)!), length: f.length }, colour: c, width: 1.25, dash: "5 4" });
        frontDrawn = true;
      }
      labelled.push({
        kind: "marks",
        colour: c,
        shape: style.shape,
        radius: 4.5,
        // The recommended point's config goes into its ring's label ("recommended: 1 s"), not twice.
        marks: pts.map((p) => ({ x: p.bytesPerSecPerReplica, y: figure(p)!, label: isRecommended(e.id, p) ? undefined : pointLabel(p, varying), hollow: atLeast(p) })),
      });
      legend.push({ label: `${prefix(exps, e)}${rate} upd/s`, colour: c, shape: style.shape === "dot" ? "dot" : "square", title: EXPERIMENT_LEGEND.tradeoff });
      for (const p of pts) {
        xs.push(p.bytesPerSecPerReplica);
        ys.push(figure(p)!);
        hover.push({ panel: 0, x: p.bytesPerSecPerReplica, y: figure(p)!, lines: pointLines(e, p) });
        if (isRecommended(e.id, p)) ringed.push({ x: p.bytesPerSecPerReplica, y: figure(p)!, label: `recommended: ${pointLabel(p, varying)}` });
      }
    }
  });
  if (frontDrawn) legend.push({ label: "Pareto front (per update rate)", colour: "#6b7280", shape: "dash", dash: "5 4", title: EXPERIMENT_LEGEND.pareto });
  if (ringed.length > 0) {
    labelled.unshift({ kind: "marks", colour: REFERENCE_COLOUR, shape: "ring", radius: 9, group: "recommended", marks: ringed });
    legend.push({ label: "recommended", colour: REFERENCE_COLOUR, shape: "ring", title: EXPERIMENT_LEGEND.recommended });
  }
  return {
    x: logAxis("Sync cost: bytes/s per replica (log scale)", xs, (v) => formatBytes(v)),
    panels: [{ id: "tradeoff", y: logAxis(`${metric} convergence time (log scale)`, ys, formatDurationTick), height: heightPx, layers: [...layers, ...labelled] }],
    legend,
    hover,
  };
}

/** What a plan ran, in a line for captions: "exp-3 “name”: simulated, 5 × gcounter; swept …; fixed …; …". */
export function planCaption(e: Pick<ChartExperiment, "id" | "plan">): string {
  const p = e.plan;
  const swept = Object.entries(p.sweep).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join("/") : `${v.from}…${v.to} (${v.points} log-spaced)`}`);
  const fixed = Object.entries(p.fixed).map(([k, v]) => `${k} ${String(v)}`);
  const cluster = p.cluster ? `${p.cluster.replicas} × ${p.cluster.crdtType}` : "the live cluster";
  const measure = "durationMs" in p.measure ? `${formatDurationMs(p.measure.durationMs)} per point` : `≥ ${p.measure.minConverged} converged updates and p50 ±${p.measure.maxRelativeHalfWidth * 100} %, at most ${formatDurationMs(p.measure.capMs)}`;
  return `${e.id} “${p.name}”: ${p.engine}, ${cluster}; swept ${swept.join(", ")}; fixed ${fixed.join(", ") || "nothing (cluster config)"}; warm-up ${formatDurationMs(p.warmupMs)}, measured ${measure}; ${p.repetitions} repetition${p.repetitions === 1 ? "" : "s"} from seed ${p.seed}.`;
}

/** Caption lines of an exported experiment chart. */
export function experimentCaption(exps: readonly ChartExperiment[], notes: readonly string[], at: Date): string[] {
  return [...exps.map(planCaption), ...notes, `Exported ${at.toISOString().replace("T", " ").slice(0, 16)} UTC by Driftscope.`];
}

/** The export spec of an XY chart. */
export function xyToSvgSpec(chart: XyChart, meta: { title: string; subtitle?: string; caption: string[]; width?: number }): ChartSvgSpec {
  return {
    title: meta.title,
    subtitle: meta.subtitle,
    caption: meta.caption,
    width: meta.width,
    x: chart.x,
    panels: chart.panels.map((p) => ({ y: p.y, layers: p.layers, height: p.height })),
    legend: chart.legend,
  };
}

const CONFIG_HEADER = ["experiment", "index", "repetition", "interval_ms", "updates_per_sec_per_replica", "fanout", "mode", "payload", "loss_rate", "latency_ms"];
const configCells = (e: ChartExperiment, p: PointResult): CsvCell[] => [e.id, p.index, p.repetition, p.config.intervalMs, p.config.updatesPerSecPerReplica, p.config.fanout, p.config.mode, p.config.payload, p.config.lossRate, p.config.latencyMs];
const sorted = (e: ChartExperiment) => [...e.results].sort((a, b) => a.index - b.index);

/** The data behind "convergence vs interval": one row per point (then one per reference point). */
export function convergenceVsIntervalCsv(exps: readonly ChartExperiment[], refs: readonly ReferenceSet[]): string {
  const rows: CsvCell[][] = [];
  for (const e of exps) {
    for (const p of sorted(e)) {
      const c = p.convergence;
      const rate = p.config.updatesPerSecPerReplica;
      rows.push([...configCells(e, p), c.p50Ms, c.p95Ms, c.atLeast.p50, c.atLeast.p95, p.theory.syncExpectedMs, rate > 0 ? 1000 / rate : null]);
    }
  }
  for (const r of refs) for (const p of r.points) rows.push([`reference: ${r.name}`, null, null, p.intervalMs, p.updatesPerSec, null, null, null, null, null, r.convergenceFrom === "p50" ? p.convergenceMs : null, p.p95Ms, null, null, null, p.updatesPerSec ? 1000 / p.updatesPerSec : null]);
  return toCsv([...CONFIG_HEADER, "p50_ms", "p95_ms", "p50_lower_bound", "p95_lower_bound", "sync_expected_ms", "update_period_ms"], rows);
}

/** The data behind "cost vs interval". */
export function costVsIntervalCsv(exps: readonly ChartExperiment[], refs: readonly ReferenceSet[]): string {
  const rows: CsvCell[][] = [];
  for (const e of exps) for (const p of sorted(e)) rows.push([...configCells(e, p), p.bytesPerSecPerReplica, p.messagesPerSecPerReplica, p.bytesPerDeliveredUpdate]);
  for (const r of refs) for (const p of r.points) rows.push([`reference: ${r.name}`, null, null, p.intervalMs, p.updatesPerSec, null, null, null, null, null, p.bytesPerSec, p.messagesPerSec, null]);
  return toCsv([...CONFIG_HEADER, "bytes_per_sec_per_replica", "messages_per_sec_per_replica", "bytes_per_delivered_update"], rows);
}

/** The data behind "convergence vs cost": which points are on the Pareto front, which one is recommended. */
export function convergenceVsCostCsv(exps: readonly ChartExperiment[], recommended: readonly RecommendedPoint[], metric: CostMetric): string {
  const rows: CsvCell[][] = [];
  const figure = (p: PointResult) => (metric === "p50" ? p.convergence.p50Ms : p.convergence.p95Ms);
  for (const e of exps) {
    const onFront = new Set<number>();
    for (const rate of updateRates(e.results)) {
      const pts = e.results.filter((p) => p.config.updatesPerSecPerReplica === rate && figure(p) !== null);
      for (const i of paretoFront(pts.map((p) => ({ cost: p.bytesPerSecPerReplica, timeMs: figure(p)! })))) onFront.add(pts[i]!.index);
    }
    const varying = varyingSettings(e.results);
    for (const p of sorted(e)) {
      rows.push([...configCells(e, p), p.bytesPerSecPerReplica, p.convergence.p50Ms, p.convergence.p95Ms, onFront.has(p.index), recommended.some((r) => r.experimentId === e.id && r.index === p.index), pointLabel(p, varying)]);
    }
  }
  return toCsv([...CONFIG_HEADER, "bytes_per_sec_per_replica", "p50_ms", "p95_ms", `pareto_front_${metric}`, "recommended", "label"], rows);
}
