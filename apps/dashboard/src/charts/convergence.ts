// The convergence chart: one dot per traced update (issue time × convergence time — the
// sawtooth periodic sync produces), rolling p50/p95/p99, and the theory's expectation and
// lower bound for the config in force as step lines.

import type { ClusterModel } from "../store/clusterModel.js";
import { kpisAt } from "../store/replayView.js";
import { lowerBound, upperBound } from "../viz/decimate.js";
import { formatDurationMs } from "../viz/format.js";
import { formatPercentileMs, lowerBoundNote } from "../viz/lowerBound.js";
import { evaluationPoints, rollingPercentiles, windowForSpan } from "../viz/percentiles.js";
import { theoryMax, theorySegments } from "../viz/theory.js";
import { tunerTargetLine } from "../viz/tunerView.js";
import { fitY, type YFit } from "../viz/yFit.js";
import { COLOURS, elapsedAxis, markersOf } from "./common.js";
import { valueAt, type PlotChart, type PlotLine, type PlotReadout } from "./plot.js";
import { logValueAxis, valueAxis } from "./valueAxis.js";

/** The convergence chart's data and what its caption needs to say. */
export interface ConvergenceChart extends PlotChart {
  windowMs: number;
  visibleSamples: number;
  /** Samples issued before this time were thinned to bound memory (NaN: none). */
  thinnedBeforeMs: number;
  /** What the linear axis fits by default (null on a log axis). */
  fits: (YFit | null)[];
}

/** Builds the chart for the visible range. */
export function convergenceChart(
  model: ClusterModel,
  domain: [number, number],
  widthPx: number,
  heightPx: number,
  opts: { log?: boolean; fitAll?: boolean } = {},
): ConvergenceChart {
  const [t0, t1] = domain;
  const all = model.samples.points();
  const from = lowerBound(all.xs, all.length, t0);
  const to = upperBound(all.xs, all.length, t1);
  const visible = { xs: all.xs.subarray(from, to), ys: all.ys.subarray(from, to), length: to - from };
  const rows = model.samples.origin.subarray(from, to);

  const windowMs = windowForSpan(t1 - t0);
  const at = evaluationPoints(t0, t1, widthPx, 4);
  const ctxFrom = lowerBound(all.xs, all.length, t0 - windowMs);
  const ctx = { xs: all.xs.subarray(ctxFrom, to), ys: all.ys.subarray(ctxFrom, to), length: to - ctxFrom };
  const [p50, p95, p99] = rollingPercentiles(ctx, at, windowMs, [0.5, 0.95, 0.99]);
  // Rolling percentiles of windows holding updates still in flight count only those that converged.
  // A replay positioned earlier counts what was in flight then (kpisAt is the latest frame live).
  const atMs = model.kpiHistory.length > 0 ? Math.min(t1, model.nowMs) : model.nowMs;
  const k = kpisAt(model, model.kpiHistory.length > 0 ? atMs : null);
  const partialFrom = k && k.inFlight > 0 ? atMs - k.oldestInFlightMs : undefined;
  const pctLine = (key: string, label: string, colour: string, ys: Float64Array, width: number): PlotLine => ({
    key,
    label,
    colour,
    width,
    parts: [{ xs: at, ys, length: at.length }],
    partialFrom,
  });
  const windowText = formatDurationMs(windowMs);
  const lines = [
    pctLine("p99", `p99 (rolling ${windowText})`, COLOURS.p99, p99!, 1.5),
    pctLine("p95", `p95 (rolling ${windowText})`, COLOURS.p95, p95!, 1.5),
    pctLine("p50", `p50 (rolling ${windowText})`, COLOURS.p50, p50!, 2),
  ];

  const segs = theorySegments(model.theory, t0, t1, Math.max(model.nowMs, t1));
  const steps = [];
  const expected = segs.filter((s) => s.expectedMs !== null).map((s) => ({ from: s.from, to: s.to, y: s.expectedMs! }));
  const sync = segs.filter((s) => s.syncMs !== null).map((s) => ({ from: s.from, to: s.to, y: s.syncMs! }));
  const bound = segs.filter((s) => s.lowerBoundMs !== null).map((s) => ({ from: s.from, to: s.to, y: s.lowerBoundMs! }));
  if (expected.length) steps.push({ key: "expected", label: "expected: asynchronous gossip model (mean)", colour: COLOURS.expected, dash: "7 4", segments: expected });
  if (sync.length) steps.push({ key: "sync", label: "E·T (synchronous rounds)", colour: COLOURS.lowerBound, dash: "1 4", segments: sync });
  if (bound.length) steps.push({ key: "bound", label: "lower bound, push gossip (theory)", colour: COLOURS.lowerBound, dash: "2 3", segments: bound });
  // The auto-tuner's target while it is on (frames carry its state); k periods at the configured update rate.
  const tuner = tunerTargetLine(model.latest?.tuner, model.config?.workload?.updatesPerSecPerReplica);
  if (tuner) steps.push({ key: "tuner", label: tuner.label, colour: COLOURS.tuner, dash: "10 3 2 3", segments: [{ from: t0, to: t1, y: tuner.ms }] });

  // The largest value drawn over a span: samples issued in it, the p99 line, theory and target lines.
  const maxBetween = (a: number, b: number) => {
    let m = Math.max(theoryMax(segs.filter((s) => s.to > a && s.from < b)), tuner ? tuner.ms * 1.1 : 0);
    for (let i = lowerBound(all.xs, all.length, a), end = upperBound(all.xs, all.length, b); i < end; i++) if (all.ys[i]! > m) m = all.ys[i]!;
    for (let i = 0; i < at.length; i++) if (at[i]! >= a && at[i]! <= b && p99![i]! > m) m = p99![i]!;
    return m;
  };
  let y;
  let fit: YFit | null = null;
  if (opts.log) {
    let minPositive = Infinity;
    for (let i = 0; i < visible.length; i++) if (visible.ys[i]! > 0 && visible.ys[i]! < minPositive) minPositive = visible.ys[i]!;
    y = logValueAxis("Convergence time", "durationMs", minPositive, maxBetween(t0, t1));
  } else {
    fit = fitY(maxBetween, domain, markersOf(model).map((m) => m.timeMs));
    y = valueAxis("Convergence time", "durationMs", opts.fitAll || fit.fittedFrom === null ? maxBetween(t0, t1) : fit.max, heightPx);
  }
  return {
    x: elapsedAxis(domain, model.startMs, widthPx),
    panels: [
      {
        id: "convergence",
        y,
        height: heightPx,
        lines,
        steps,
        scatters: [{ label: "per update (issue time × convergence time)", colour: COLOURS.samples, points: visible, rows }],
      },
    ],
    markers: markersOf(model),
    readouts: [collectorPercentiles(model)],
    windowMs,
    visibleSamples: visible.length,
    thinnedBeforeMs: model.samples.thinnedBeforeMs,
    fits: [fit],
  };
}

const HEADER_PERCENTILES = [
  ["p50Ms", "p50AtLeast"],
  ["p95Ms", "p95AtLeast"],
  ["p99Ms", "p99AtLeast"],
] as const;

/** The header's p50 / p95 / p99 at the pointer's time (censored by updates in flight, "≥" where they were lower bounds). */
export function collectorPercentiles(model: ClusterModel): PlotReadout {
  const parts = model.kpis.parts(-Infinity);
  const column = (name: Parameters<typeof model.kpis.latest>[0]) => parts.map((p) => ({ xs: p.xs, ys: p.ys[name]!, length: p.length }));
  const figures = HEADER_PERCENTILES.map(([value, flag]) => ({ value: column(value), flag: column(flag) }));
  const inFlight = column("inFlight");
  return {
    key: "collector-percentiles",
    label: `p50 / p95 / p99 at this time (header, ${formatDurationMs(model.windowMs || 30_000)} window)`,
    at(t) {
      const values = figures.map((f) => ({ ms: valueAt(f.value, t), atLeast: valueAt(f.flag, t) === 1 }));
      if (values.every((v) => v.ms === null)) return null;
      const censored = values.some((v) => v.atLeast);
      return { text: values.map((v) => formatPercentileMs(v.ms, v.atLeast)).join(" / "), title: censored ? lowerBoundNote(valueAt(inFlight, t) ?? 0) : undefined };
    },
  };
}
