// Missing updates and staleness over time (mean and max over live replicas, updates in
// flight, plus selected replicas), and the rates chart (updates/s, messages/s, bytes/s).

import { METRIC_MISSING, METRIC_STALENESS, type ClusterModel, type KpiSeriesName } from "../store/clusterModel.js";
import type { Points } from "../viz/decimate.js";
import { fitY, type YFit } from "../viz/yFit.js";
import { COLOURS, SELECTION_COLOURS, elapsedAxis, markersOf, maxIn } from "./common.js";
import type { PlotChart, PlotLine, PlotPanel } from "./plot.js";
import { logValueAxis, rangeIn, valueAxis, type ValueKind } from "./valueAxis.js";

/** How a chart's y-axes are scaled: log, or linear fitted to the view (see viz/yFit.ts). */
export interface ScaleOptions {
  log?: boolean;
  /** Fit everything in view even when the latest regime would sit at the bottom. */
  fitAll?: boolean;
}

/** A time chart with, per panel, what its linear axis would fit by default (null on a log axis). */
export type FittedChart = PlotChart & { fits: (YFit | null)[] };

function kpiLine(model: ClusterModel, t0: number, name: KpiSeriesName, label: string, colour: string, width = 1.5, dash?: string): PlotLine {
  const parts: Points[] = model.kpis.parts(t0).map((p) => ({ xs: p.xs, ys: p.ys[name]!, length: p.length }));
  return { key: name, label, colour, width, parts, ...(dash ? { dash } : {}) };
}

function panel(id: string, label: string, kind: ValueKind, lines: PlotLine[], domain: [number, number], heightPx: number, changesMs: readonly number[], scale: ScaleOptions): PlotPanel & { fit: YFit | null } {
  const parts = lines.flatMap((l) => l.parts);
  const base = { id, height: heightPx, lines, steps: [], scatters: [] };
  if (scale.log) {
    const r = rangeIn(parts, domain[0], domain[1]);
    return { ...base, y: logValueAxis(label, kind, r.minPositive, r.max), fit: null };
  }
  const fit = fitY((t0, t1) => maxIn(parts, t0, t1), domain, changesMs);
  const max = scale.fitAll || fit.fittedFrom === null ? maxIn(parts, domain[0], domain[1]) : fit.max;
  return { ...base, y: valueAxis(label, kind, max, heightPx), fit };
}

function fitted(chart: Omit<PlotChart, "panels"> & { panels: (PlotPanel & { fit: YFit | null })[] }): FittedChart {
  return { ...chart, panels: chart.panels.map(({ fit: _fit, ...p }) => p), fits: chart.panels.map((p) => p.fit) };
}

/** Missing updates (top) and staleness (bottom). */
export function divergenceChart(model: ClusterModel, domain: [number, number], widthPx: number, panelHeightPx: number, selected: readonly string[], scale: ScaleOptions = {}): FittedChart {
  const [t0] = domain;
  const selectedLines = (metric: number) =>
    selected.flatMap((id, i) => {
      const row = model.rowOf(id);
      if (row < 0) return [];
      return [{ key: `sel-${id}`, label: id, colour: SELECTION_COLOURS[i % SELECTION_COLOURS.length]!, width: 1.5, parts: [model.matrix.rowSeries(metric, row, t0)] }];
    });
  // In flight (cluster-wide: not yet at every live replica) bounds each replica's missing count from above.
  const missing = [
    kpiLine(model, t0, "inFlight", "in flight (not yet at every live replica)", COLOURS.inFlight, 1.5, "5 3"),
    kpiLine(model, t0, "maxMissing", "max over live replicas", COLOURS.max),
    kpiLine(model, t0, "meanMissing", "mean over live replicas", COLOURS.mean, 2),
    ...selectedLines(METRIC_MISSING),
  ];
  const staleness = [
    kpiLine(model, t0, "maxStalenessMs", "max over live replicas", COLOURS.max),
    kpiLine(model, t0, "meanStalenessMs", "mean over live replicas", COLOURS.mean, 2),
    ...selectedLines(METRIC_STALENESS),
  ];
  const markers = markersOf(model);
  const changes = markers.map((m) => m.timeMs);
  return fitted({
    x: elapsedAxis(domain, model.startMs, widthPx),
    panels: [
      panel("missing", "Missing updates", "count", missing, domain, panelHeightPx, changes, scale),
      panel("staleness", "Staleness", "durationMs", staleness, domain, panelHeightPx, changes, scale),
    ],
    markers,
  });
}

/** Updates/s, messages/s and bytes/s, cluster-wide, each on its own axis (they differ by orders of magnitude). */
export function ratesChart(model: ClusterModel, domain: [number, number], widthPx: number, panelHeightPx: number, scale: ScaleOptions = {}): FittedChart {
  const [t0] = domain;
  const markers = markersOf(model);
  const changes = markers.map((m) => m.timeMs);
  return fitted({
    x: elapsedAxis(domain, model.startMs, widthPx),
    panels: [
      panel("updates", "Updates/s", "perSec", [kpiLine(model, t0, "updatesPerSec", "updates/s", COLOURS.updates, 2)], domain, panelHeightPx, changes, scale),
      panel("messages", "Messages/s", "perSec", [kpiLine(model, t0, "messagesPerSec", "messages/s", COLOURS.messages, 2)], domain, panelHeightPx, changes, scale),
      panel("bytes", "Bytes/s", "bytesPerSec", [kpiLine(model, t0, "bytesPerSec", "bytes/s", COLOURS.bytes, 2)], domain, panelHeightPx, changes, scale),
    ],
    markers,
  });
}
