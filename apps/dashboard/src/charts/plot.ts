// The data model shared by on-screen charts and their exports: a chart is a stack of
// panels over one time axis. Components draw it (SVG lines, canvas scatter); the export
// turns the very same panels into a standalone SVG, so screen and paper never disagree.

import { upperBound, type Points } from "../viz/decimate.js";
import type { AxisSpec, ChartSvgSpec, Layer, LegendItem, PanelSpec } from "../viz/chartSvg.js";
import type { MarkerEvent } from "../viz/markers.js";
import { legendHelp } from "../viz/legendHelp.js";
import { linearMap, logMap, type LinearMap } from "../viz/scales.js";

/** A line drawn from one or more contiguous parts (e.g. whole-run buckets, then raw frames). */
export interface PlotLine {
  key: string;
  label: string;
  colour: string;
  width?: number;
  dash?: string;
  parts: Points[];
  /**
   * From this time on the values are incomplete: they count only the updates that already
   * converged, while some issued since are still in flight (the hover readout says so).
   */
  partialFrom?: number;
}

/** An extra row of the hover readout: a figure at the pointer's time that is not a drawn line. */
export interface PlotReadout {
  key: string;
  label: string;
  /** The text at time `t`, or null when there is nothing to say. */
  at(t: number): { text: string; title?: string } | null;
}

/** Horizontal step segments (theory reference lines). */
export interface PlotSteps {
  key: string;
  label: string;
  colour: string;
  dash?: string;
  segments: { from: number; to: number; y: number }[];
}

/** A scatter drawn on canvas. */
export interface PlotScatter {
  label: string;
  colour: string;
  points: Points;
  /** Matrix row of each point (for highlighting selected replicas' samples). */
  rows?: ArrayLike<number>;
}

/** One panel of a time chart. */
export interface PlotPanel {
  id: string;
  y: AxisSpec;
  height: number;
  lines: PlotLine[];
  steps: PlotSteps[];
  /** Scatters drawn under the lines (one per overlaid run, or the live samples). */
  scatters: PlotScatter[];
}

/** A whole time chart. */
export interface PlotChart {
  x: AxisSpec;
  panels: PlotPanel[];
  markers: MarkerEvent[];
  readouts?: PlotReadout[];
}

/** The value a line shows at time `t`: the last point at or before it, null where there is none (or a gap). */
export function valueAt(parts: readonly Points[], t: number): number | null {
  for (let k = parts.length - 1; k >= 0; k--) {
    const p = parts[k]!;
    const i = upperBound(p.xs, p.length, t) - 1;
    if (i >= 0) {
      const v = p.ys[i]!;
      return Number.isFinite(v) ? v : null;
    }
  }
  return null;
}

/** One row of the hover readout. */
export interface ReadoutRow {
  key: string;
  colour?: string;
  label: string;
  text: string;
  title?: string;
}

const PARTIAL_NOTE = "incomplete: updates issued in this window are still in flight and not counted yet";

/** The hover readout's rows at time `t`: every line's value (marked when incomplete), then the chart's extra readouts. */
export function readoutRows(chart: PlotChart, t: number): ReadoutRow[] {
  const rows: ReadoutRow[] = chart.panels.flatMap((p) =>
    p.lines.map((l) => {
      const v = valueAt(l.parts, t);
      const partial = v !== null && l.partialFrom !== undefined && t >= l.partialFrom;
      return {
        key: `${p.id}-${l.key}`,
        colour: l.colour,
        label: `${chart.panels.length > 1 ? `${p.y.label}: ` : ""}${l.label}`,
        text: v === null ? "–" : `${p.y.format(v)}${partial ? " (partial)" : ""}`,
        title: partial ? PARTIAL_NOTE : undefined,
      };
    }),
  );
  for (const r of chart.readouts ?? []) {
    const got = r.at(t);
    if (got) rows.push({ key: `readout-${r.key}`, label: r.label, text: got.text, title: got.title });
  }
  return rows;
}

/** Legend entries for a chart, in drawing order (scatter, lines, steps). */
export function legendOf(chart: PlotChart): LegendItem[] {
  const items: LegendItem[] = [];
  const seen = new Set<string>();
  const add = (item: LegendItem) => {
    if (seen.has(item.label)) return;
    seen.add(item.label);
    items.push(item);
  };
  for (const p of chart.panels) {
    for (const sc of p.scatters) add({ label: sc.label, colour: sc.colour, shape: "dot", title: legendHelp("samples") });
    for (const l of p.lines) add({ label: l.label, colour: l.colour, shape: l.dash ? "dash" : "line", title: legendHelp(l.key) });
    for (const s of p.steps) add({ label: s.label, colour: s.colour, shape: "dash", title: legendHelp(s.key) });
  }
  return items;
}

/** The export spec for a chart (title and caption added by the caller). */
export function toSvgSpec(chart: PlotChart, meta: { title: string; subtitle?: string; caption: string[] }): ChartSvgSpec {
  const panels: PanelSpec[] = chart.panels.map((p) => {
    const layers: Layer[] = [];
    for (const sc of p.scatters) layers.push({ kind: "points", points: sc.points, colour: sc.colour, opacity: 0.45 });
    for (const l of p.lines) for (const part of l.parts) layers.push({ kind: "line", points: part, colour: l.colour, width: l.width, dash: l.dash });
    for (const s of p.steps) layers.push({ kind: "steps", segments: s.segments, colour: s.colour, dash: s.dash ?? "6 4" });
    return { y: p.y, layers, height: chart.panels.length > 2 ? 140 : chart.panels.length > 1 ? 200 : 340 };
  });
  return {
    title: meta.title,
    subtitle: meta.subtitle,
    caption: meta.caption,
    x: chart.x,
    panels,
    legend: legendOf(chart),
    markers: chart.markers.map((m) => ({ timeMs: m.timeMs, label: m.label, kind: m.kind, when: m.when })),
  };
}

/** Space around the plots for axes, labels and marker labels (px). */
export const PLOT_MARGIN = { left: 62, right: 14, top: 30, bottom: 38, gap: 12 } as const;

/** Where each panel sits and how values map to pixels. */
export interface PlotLayout {
  left: number;
  width: number;
  height: number;
  x: LinearMap;
  panels: { top: number; height: number; y: LinearMap }[];
}

/** Lays out a chart's panels inside `widthPx` (any chart with an x axis and panels of a y axis and height). */
export function layoutPlot(
  chart: { x: AxisSpec; panels: readonly { y: AxisSpec; height: number }[] },
  widthPx: number,
  margin: { left: number; right: number; top: number; bottom: number; gap: number } = PLOT_MARGIN,
): PlotLayout {
  const left = margin.left;
  const width = Math.max(10, widthPx - margin.left - margin.right);
  let top = margin.top;
  const panels = chart.panels.map((p) => {
    const box = { top, height: p.height };
    top += p.height + margin.gap;
    const range: [number, number] = p.y.flip ? [box.top, box.top + box.height] : [box.top + box.height, box.top];
    return { ...box, y: (p.y.log ? logMap : linearMap)(p.y.domain, range) };
  });
  const x = (chart.x.log ? logMap : linearMap)(chart.x.domain, [left, left + width]);
  return { left, width, height: top - margin.gap + margin.bottom, x, panels };
}
