// The live visibility chart (issue 16 §9, docs/metrics.md): the share of live replicas
// holding an update by its age — measured from traced inclusions, and the asynchronous
// model's curve for the config in force — with t50/t90/t99 marked. Data both the card and
// its SVG/PNG/CSV exports draw.

import type { ClusterConfig, Visibility } from "@driftscope/protocol";
import type { Layer, LegendItem } from "../viz/chartSvg.js";
import { toCsv, type CsvCell } from "../viz/csv.js";
import { formatDurationMs, formatDurationTick, formatShare } from "../viz/format.js";
import { linearTicks, logTicks } from "../viz/scales.js";
import { COLOURS } from "./common.js";
import type { HoverMark, XyChart } from "./experiments.js";

/** What the chart answers, in one line (the card's subtitle and the export's). */
export const VISIBILITY_QUESTION = "If you read at a random live replica t ms after a write, the chance you see it.";

const MEASURED_COLOUR = "#2563eb";
const MODEL_DASH = "7 4";
const GUIDE_COLOUR = "#d1d5db";
const LEVELS = [
  { key: "t50Ms", share: 0.5 },
  { key: "t90Ms", share: 0.9 },
  { key: "t99Ms", share: 0.99 },
] as const;

/** Where the curves say something: from a little before either rises to a little after both reach ~100 %. */
export function visibilityDomain(v: Visibility): [number, number] {
  const measured = v.points;
  const model = v.model?.points ?? [];
  const rises = (pts: ReadonlyArray<readonly [number, number, ...number[]]>) => pts.find((p) => p[1] > (pts[0]?.[1] ?? 0) + 0.005)?.[0];
  const full = (pts: ReadonlyArray<readonly [number, number, ...number[]]>) => pts.find((p) => p[1] >= 0.999)?.[0] ?? pts.at(-1)?.[0];
  const starts = [rises(measured), rises(model)].filter((a): a is number => a !== undefined);
  const ends = [full(measured), full(model)].filter((a): a is number => a !== undefined);
  const lastAge = Math.max(measured.at(-1)?.[0] ?? 1, model.at(-1)?.[0] ?? 1);
  const lo = starts.length > 0 ? Math.max(1, 10 ** Math.floor(Math.log10(Math.min(...starts) / 2))) : 1;
  const hi = ends.length > 0 ? Math.min(lastAge, Math.max(...ends) * 2) : lastAge;
  return hi > lo * 1.5 ? [lo, hi] : [lo, lo * 10];
}

/** The measured share at `ageMs` (the last point at or before it), or null. */
function shareAt(points: ReadonlyArray<readonly [number, number, ...number[]]>, ageMs: number): number | null {
  let out: number | null = null;
  for (const p of points) {
    if (p[0] > ageMs) break;
    out = p[1];
  }
  return out;
}

/** The chart: x the age since issue (log), y the % of live replicas holding the update. */
export function visibilityChart(v: Visibility, heightPx = 220): XyChart {
  const [lo, hi] = visibilityDomain(v);
  const inView = <T extends readonly [number, ...number[]]>(pts: readonly T[]) => pts.filter((p) => p[0] >= lo && p[0] <= hi);
  const measured = inView(v.points);
  const model = inView(v.model?.points ?? []);
  const layers: Layer[] = [];
  const legend: LegendItem[] = [];
  const hover: HoverMark[] = [];
  // Horizontal guides at 50, 90 and 99 %; 90 and 99 named under their lines at the left, where the curves are still low.
  for (const { share } of LEVELS) {
    layers.push({ kind: "line", points: { xs: [lo, hi], ys: [share * 100, share * 100], length: 2 }, colour: GUIDE_COLOUR, width: 1, dash: "2 3" });
  }
  layers.push({ kind: "texts", colour: "#6b7280", items: [{ x: lo, y: 90, text: "90 %", dx: 4, dy: 11 }, { x: lo, y: 99, text: "99 %", dx: 4, dy: 11 }] });
  if (measured.length > 0) legend.push({ label: `measured (mean over ${v.updates} traced updates)`, colour: MEASURED_COLOUR, shape: "line" });
  if (model.length > 0) {
    layers.push({ kind: "line", points: { xs: model.map((p) => p[0]), ys: model.map((p) => p[1] * 100), length: model.length }, colour: COLOURS.expected, width: 1.5, dash: MODEL_DASH });
    legend.push({ label: "expected (asynchronous model, not measured)", colour: COLOURS.expected, shape: "dash", dash: MODEL_DASH });
  }
  if (measured.length > 0) {
    layers.push({ kind: "line", points: { xs: measured.map((p) => p[0]), ys: measured.map((p) => p[1] * 100), length: measured.length }, colour: MEASURED_COLOUR, width: 2 });
    // Short labels: the values are in the readout, the tooltip and the export's caption; long ones collide near 100 %.
    const marks = LEVELS.filter((l) => v[l.key] !== null && v[l.key]! >= lo && v[l.key]! <= hi).map((l) => ({ x: v[l.key]!, y: shareAt(v.points, v[l.key]!)! * 100, label: `t${Math.round(l.share * 100)}` }));
    if (marks.length > 0) layers.push({ kind: "marks", marks, colour: MEASURED_COLOUR, radius: 3.5 });
    for (const p of measured) {
      const m = v.model ? shareAt(v.model.points, p[0]) : null;
      hover.push({ panel: 0, x: p[0], y: p[1] * 100, lines: [`${formatDurationMs(p[0])} after the write`, `${formatShare(p[1])} of live replicas hold it (mean over ${p[2]} updates)`, ...(m !== null ? [`model: ${formatShare(m)}`] : [])] });
    }
  }
  return {
    x: { label: "Age of the update since it was issued (log scale)", domain: [lo, hi], ticks: logTicks(lo, hi), format: formatDurationTick, log: true },
    panels: [{ id: "visibility", y: { label: "Live replicas holding it (%)", domain: [0, 100], ticks: linearTicks(0, 100, 4), format: (p) => `${p} %` }, height: heightPx, layers }],
    legend,
    hover,
  };
}

/** The readout under the title: measured t50/t90/t99, and the model's. */
export function visibilityReadout(v: Visibility): string {
  const t = (x: number | null) => (x === null ? "not reached" : formatDurationMs(x));
  const measured = `t50 ${t(v.t50Ms)} · t90 ${t(v.t90Ms)} · t99 ${t(v.t99Ms)}`;
  const model = v.model ? ` (model: ${formatDurationMs(v.model.t50Ms)} · ${formatDurationMs(v.model.t90Ms)} · ${formatDurationMs(v.model.t99Ms)})` : "";
  return `${measured}${model}`;
}

/** Caption lines of the exported figure: what was averaged, the model's inputs, the config. */
export function visibilityCaption(v: Visibility, config: ClusterConfig | null, live: number | null, at: Date): string[] {
  const lines = [
    `${VISIBILITY_QUESTION} Measured: mean over ${v.updates} traced updates issued in the last ${formatDurationMs(v.windowMs)} (since the last gossip or workload change); an update counts at age a only once it is a + ${formatDurationMs(v.lagMs)} old.`,
    `t50 / t90 / t99: first age at which 50 / 90 / 99 % of live replicas hold an update, on average: ${visibilityReadout(v)}.`,
  ];
  if (config) {
    const g = config.gossip;
    const n = config.network;
    lines.push(
      `Config v${config.version}: N = ${live ?? "?"} live replicas, gossip interval ${formatDurationMs(g.intervalMs)}, fanout ${g.fanout}, ${g.mode}, ${g.payload} payload, ${config.workload.updatesPerSecPerReplica} updates/s per replica; latency ${formatDurationMs(n.latencyMs)} ± ${formatDurationMs(n.jitterMs)}, loss ${Math.round(n.lossRate * 1000) / 10} %. Model: the asynchronous model (independent timer phases, latency, loss; DESIGN §3) for that config.`,
    );
  }
  lines.push(`Exported ${at.toISOString().replace("T", " ").slice(0, 16)} UTC by Driftscope.`);
  return lines;
}

/** The data: one row per age of the grid (measured and model share a grid). */
export function visibilityCsv(v: Visibility): string {
  const rows = new Map<number, CsvCell[]>();
  for (const [age, share, updates] of v.points) rows.set(age, [age, share, updates, null]);
  for (const [age, share] of v.model?.points ?? []) {
    const row = rows.get(age);
    if (row) row[3] = share;
    else rows.set(age, [age, null, null, share]);
  }
  const sorted = [...rows.values()].sort((a, b) => (a[0] as number) - (b[0] as number));
  return toCsv(["age_ms", "measured_share", "updates_averaged", "model_share"], sorted);
}
