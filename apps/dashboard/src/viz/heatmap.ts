// Heatmap binning: replicas × time → a small grid of cells, one per screen pixel at most,
// coloured through a lookup table into an ImageData. With 1,024 replicas and 600 columns
// that is ~600k cells per frame, which a typed-array loop handles in a few milliseconds.

import { interpolateYlOrRd, interpolateBlues } from "d3";

/** Cell value that marks a crashed replica (painted grey; loses to any real value under max). */
export const CELL_CRASHED = -1;
/** Cell value that marks an unreachable replica. */
export const CELL_UNREACHABLE = -2;

/** One time column of the matrix: values per replica row (global row index), NaN = absent. */
export interface MatrixColumns {
  count: number;
  time(i: number): number;
  values(i: number): Float32Array;
}

export interface HeatmapBinning {
  t0: number;
  t1: number;
  /** Cells across (≤ plot width in px). */
  width: number;
  /** Display order of rows: global row indices. */
  rows: ArrayLike<number>;
  /** Cells down (≤ plot height in px); rows beyond that are merged by max. */
  maxHeight: number;
  /** A column older than this (ms) before a cell's start does not fill it (a gap in data). */
  holdMs: number;
}

export interface HeatmapGrid {
  cells: Float32Array;
  width: number;
  height: number;
  /** Largest value in the grid (0 when empty). */
  max: number;
  /** Replicas per cell row (≥ 1). */
  rowsPerCell: number;
}

/** Index of the first column with time ≥ t. */
export function firstColumnAtOrAfter(src: MatrixColumns, t: number): number {
  let lo = 0;
  let hi = src.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (src.time(mid) < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bins columns into a width × height grid. A cell takes the max over the columns that fall
 * into its time span and the replicas that fall into its row; a cell no column falls into
 * holds the latest earlier column (sample-and-hold), so sparse history has no stripes.
 */
export function binHeatmap(src: MatrixColumns, b: HeatmapBinning): HeatmapGrid {
  const width = Math.max(1, Math.floor(b.width));
  const nRows = b.rows.length;
  const height = Math.max(1, Math.min(nRows, Math.floor(b.maxHeight)));
  const rowsPerCell = nRows / height;
  const cells = new Float32Array(width * height).fill(Number.NaN);
  let max = 0;
  if (nRows === 0 || src.count === 0 || !(b.t1 > b.t0)) return { cells, width, height, max, rowsPerCell };
  // Cell row of every display row.
  const cellRow = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) cellRow[r] = Math.min(height - 1, Math.floor(r / rowsPerCell));
  const span = (b.t1 - b.t0) / width;
  let first = firstColumnAtOrAfter(src, b.t0);
  for (let x = 0; x < width; x++) {
    const c0 = b.t0 + x * span;
    const c1 = c0 + span;
    let last = first;
    while (last < src.count && src.time(last) < c1) last++;
    let from = first;
    if (from === last) {
      // No column inside this cell: hold the previous one if it is recent enough.
      if (from === 0 || c0 - src.time(from - 1) > b.holdMs) {
        continue;
      }
      from = from - 1;
    }
    for (let i = from; i < Math.max(last, from + 1); i++) {
      const values = src.values(i);
      for (let r = 0; r < nRows; r++) {
        const v = values[b.rows[r]!];
        if (v === undefined || Number.isNaN(v)) continue;
        const k = cellRow[r]! * width + x;
        const cur = cells[k]!;
        if (Number.isNaN(cur) || v > cur) cells[k] = v;
        if (v > max) max = v;
      }
    }
    first = last;
  }
  return { cells, width, height, max, rowsPerCell };
}

/** How cell values map to colour: sqrt spreads the many small values of a skewed distribution. */
export type ColourScale = "linear" | "sqrt";

/** RGBA lookup table of `size` entries along a d3 interpolator. */
export function colourLut(metric: "missing" | "staleness", size = 256): Uint8ClampedArray {
  const interpolate = metric === "missing" ? interpolateYlOrRd : interpolateBlues;
  const lut = new Uint8ClampedArray(size * 4);
  for (let i = 0; i < size; i++) {
    // Start at 0.08 of the ramp so the smallest non-zero value is visible against zero.
    const rgb = parseRgb(interpolate(0.08 + (0.92 * i) / (size - 1)));
    lut.set([rgb[0], rgb[1], rgb[2], 255], i * 4);
  }
  return lut;
}

/** Parses "rgb(r, g, b)" or "#rrggbb" as d3 interpolators return. */
export function parseRgb(colour: string): [number, number, number] {
  const m = /rgb\((\d+),\s*(\d+),\s*(\d+)\)/.exec(colour);
  if (m) return [Number(m[1]), Number(m[2]), Number(m[3])];
  const h = /^#([0-9a-f]{6})$/i.exec(colour);
  if (h) {
    const n = parseInt(h[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255];
  }
  return [0, 0, 0];
}

/** Colours for the special cells: zero (caught up), no data, crashed, unreachable. */
export const CELL_COLOURS = {
  zero: [246, 248, 250, 255],
  empty: [255, 255, 255, 0],
  crashed: [148, 155, 164, 255],
  unreachable: [203, 208, 214, 255],
} as const;

/** Position 0..1 of `v` on the colour ramp for a domain [0, max]. */
export function rampPosition(v: number, max: number, scale: ColourScale): number {
  if (!(max > 0) || v <= 0) return 0;
  const t = Math.min(1, v / max);
  return scale === "sqrt" ? Math.sqrt(t) : t;
}

/** Paints a grid into RGBA pixels (row-major, one pixel per cell). */
export function paintGrid(
  grid: HeatmapGrid,
  lut: Uint8ClampedArray,
  max: number,
  scale: ColourScale,
  out?: Uint8ClampedArray,
): Uint8ClampedArray {
  const n = grid.width * grid.height;
  const px = out && out.length === n * 4 ? out : new Uint8ClampedArray(n * 4);
  const size = lut.length / 4;
  for (let k = 0; k < n; k++) {
    const v = grid.cells[k]!;
    const o = k * 4;
    let c: readonly number[] | null = null;
    if (Number.isNaN(v)) c = CELL_COLOURS.empty;
    else if (v === CELL_CRASHED) c = CELL_COLOURS.crashed;
    else if (v === CELL_UNREACHABLE) c = CELL_COLOURS.unreachable;
    else if (v <= 0) c = CELL_COLOURS.zero;
    if (c) {
      px[o] = c[0]!;
      px[o + 1] = c[1]!;
      px[o + 2] = c[2]!;
      px[o + 3] = c[3]!;
      continue;
    }
    const i = Math.min(size - 1, Math.round(rampPosition(v, max, scale) * (size - 1))) * 4;
    px[o] = lut[i]!;
    px[o + 1] = lut[i + 1]!;
    px[o + 2] = lut[i + 2]!;
    px[o + 3] = 255;
  }
  return px;
}

/** What lies under the pointer: display row, the replica's value at that time (or null). */
export interface HeatmapHit {
  row: number;
  timeMs: number;
  value: number | null;
}

/** Inverts a pointer position (px within the plot) to a replica row, a time and its value. */
export function heatmapLookup(
  src: MatrixColumns,
  rows: ArrayLike<number>,
  t0: number,
  t1: number,
  plotWidth: number,
  plotHeight: number,
  px: number,
  py: number,
): HeatmapHit | null {
  if (rows.length === 0 || px < 0 || py < 0 || px >= plotWidth || py >= plotHeight) return null;
  const row = Math.min(rows.length - 1, Math.floor((py / plotHeight) * rows.length));
  const timeMs = t0 + (px / plotWidth) * (t1 - t0);
  // Latest column at or before that time.
  let i = firstColumnAtOrAfter(src, timeMs);
  if (i >= src.count || src.time(i) > timeMs) i--;
  if (i < 0) return { row, timeMs, value: null };
  const v = src.values(i)[rows[row]!];
  return { row, timeMs, value: v === undefined || Number.isNaN(v) ? null : v };
}
