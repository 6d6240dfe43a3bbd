// Several recorded runs on one convergence chart: each run's samples against time since
// its own start, its rolling p50 as a solid line and p95 dashed, one colour per run and a
// legend by config — the comparison figure of "which sync period is worth its cost".

import type { OverlayRun } from "../store/runsSlice.js";
import { toCsv, type CsvCell } from "../viz/csv.js";
import { formatDurationMs } from "../viz/format.js";
import { evaluationPoints, rollingPercentiles, windowForSpan } from "../viz/percentiles.js";
import { RUN_COLOURS, elapsedAxis } from "./common.js";
import type { PlotChart, PlotLine, PlotScatter } from "./plot.js";
import { logValueAxis, rangeIn, valueAxis } from "./valueAxis.js";

/**
 * The overlay chart for runs (x: ms since each run's start); the y-axis fits what is in
 * the visible range (`zoom`, else every run's whole length), linear from 0 or log.
 */
export function overlayChart(
  runs: readonly OverlayRun[],
  widthPx: number,
  heightPx: number,
  opts: { showSamples?: boolean; log?: boolean; zoom?: [number, number] | null } = {},
): PlotChart & { windowMs: number } {
  let xMax = 1000;
  for (const r of runs) if (r.length > 0) xMax = Math.max(xMax, r.xs[r.length - 1]!);
  const windowMs = windowForSpan(xMax);
  const at = evaluationPoints(0, xMax, widthPx, 4);
  const lines: PlotLine[] = [];
  const scatters: PlotScatter[] = [];
  runs.forEach((r, k) => {
    const colour = RUN_COLOURS[k % RUN_COLOURS.length]!;
    const [p50, p95] = rollingPercentiles(r, at, windowMs, [0.5, 0.95]);
    if (opts.showSamples !== false) scatters.push({ label: `${r.label}: samples`, colour, points: r });
    lines.push({ key: `${r.id}-p50`, label: `${r.label}: p50`, colour, width: 2.25, parts: [{ xs: at, ys: p50!, length: at.length }] });
    lines.push({ key: `${r.id}-p95`, label: `${r.label}: p95`, colour, width: 1.5, dash: "5 3", parts: [{ xs: at, ys: p95!, length: at.length }] });
  });
  const domain: [number, number] = opts.zoom ?? [0, xMax];
  const range = rangeIn([...(opts.showSamples !== false ? runs : []), ...lines.flatMap((l) => l.parts)], domain[0], domain[1]);
  const y = opts.log ? logValueAxis("Convergence time", "durationMs", range.minPositive, range.max) : valueAxis("Convergence time", "durationMs", range.max, heightPx);
  return {
    x: elapsedAxis(domain, 0, widthPx),
    panels: [{ id: "overlay", y, height: heightPx, lines, steps: [], scatters }],
    markers: [],
    windowMs,
  };
}

/** Subtitle/caption text for the overlay. */
export function overlayCaption(runs: readonly OverlayRun[], windowMs: number): string[] {
  return [
    `${runs.length} runs; x: time since each run's start; lines: rolling p50 (solid) and p95 (dashed) over ${formatDurationMs(windowMs)} of issue time.`,
    ...runs.map((r) => `${r.label}: ${r.length} traced updates.`),
  ];
}

/** Long-format CSV of every overlaid sample. */
export function overlayCsv(runs: readonly OverlayRun[]): string {
  const rows: CsvCell[][] = [];
  for (const r of runs) for (let i = 0; i < r.length; i++) rows.push([r.id, r.label, r.xs[i]! / 1000, r.ys[i]!]);
  return toCsv(["run", "config", "issued_since_start_s", "convergence_ms"], rows);
}
