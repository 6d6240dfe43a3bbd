// The divergence heatmap's data: replicas (rows) × time (columns), colour = missing
// updates or staleness, from the finest matrix tier that covers the view.

import { METRIC_MISSING, METRIC_STALENESS, type ClusterModel } from "../store/clusterModel.js";
import { binHeatmap, type HeatmapGrid, type MatrixColumns } from "../viz/heatmap.js";

/** Which figure the heatmap colours by. */
export type HeatmapMetric = "missing" | "staleness";

/** Row order: replica id, or the current value (worst first). */
export type HeatmapOrder = "id" | "value";

export interface HeatmapView {
  grid: HeatmapGrid;
  /** Matrix rows in display order, and their replica ids. */
  rows: Int32Array;
  ids: string[];
  src: MatrixColumns;
  /** Width of one stored column (0: one per frame). */
  bucketMs: number;
}

/** Display order of the current members. */
export function heatmapRows(model: ClusterModel, metric: HeatmapMetric, order: HeatmapOrder): { rows: Int32Array; ids: string[] } {
  const members = model.order.map((id, i) => ({ id, row: model.orderRows[i]! })).filter((m) => m.row >= 0);
  if (order === "value" && model.latest) {
    const col = metric === "missing" ? model.latest.columns.missingUpdates : model.latest.columns.stalenessMs;
    const value = new Map(model.order.map((id, i) => [id, col[i] ?? 0]));
    members.sort((a, b) => (value.get(b.id) ?? 0) - (value.get(a.id) ?? 0) || a.id.localeCompare(b.id));
  } else members.sort((a, b) => a.id.localeCompare(b.id, undefined, { numeric: true }));
  return { rows: Int32Array.from(members, (m) => m.row), ids: members.map((m) => m.id) };
}

/** Bins the view into at most widthPx × heightPx cells. */
export function heatmapView(
  model: ClusterModel,
  metric: HeatmapMetric,
  domain: [number, number],
  widthPx: number,
  heightPx: number,
  order: HeatmapOrder = "id",
): HeatmapView {
  const tier = model.matrix.tierFor(domain[0]);
  const src = tier.columns(metric === "missing" ? METRIC_MISSING : METRIC_STALENESS);
  const { rows, ids } = heatmapRows(model, metric, order);
  const grid = binHeatmap(src, {
    t0: domain[0],
    t1: domain[1],
    width: Math.max(1, Math.floor(widthPx)),
    rows,
    maxHeight: Math.max(1, Math.floor(heightPx)),
    // Hold a column across the cells it spans, but show a gap when frames stopped.
    holdMs: Math.max(2500, tier.bucketMs * 2),
  });
  return { grid, rows, ids, src, bucketMs: tier.bucketMs };
}
