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

const collator = new Intl.Collator(undefined, { numeric: true });
// Id order changes only with the membership: computed once per membership list.
const idOrderCache = new WeakMap<readonly string[], number[]>();

function idOrder(ids: readonly string[]): number[] {
  let order = idOrderCache.get(ids);
  if (!order) {
    order = ids.map((_, i) => i).sort((a, b) => collator.compare(ids[a]!, ids[b]!));
    idOrderCache.set(ids, order);
  }
  return order;
}

/** Display order of the current members. */
export function heatmapRows(model: ClusterModel, metric: HeatmapMetric, order: HeatmapOrder): { rows: Int32Array; ids: string[] } {
  let idx = idOrder(model.order);
  if (order === "value" && model.latest) {
    const col = metric === "missing" ? model.latest.columns.missingUpdates : model.latest.columns.stalenessMs;
    const rank = new Map(idx.map((i, k) => [i, k]));
    idx = [...idx].sort((a, b) => (col[b] ?? 0) - (col[a] ?? 0) || rank.get(a)! - rank.get(b)!);
  }
  idx = idx.filter((i) => model.orderRows[i]! >= 0);
  return { rows: Int32Array.from(idx, (i) => model.orderRows[i]!), ids: idx.map((i) => model.order[i]!) };
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
