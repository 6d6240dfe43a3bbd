import { describe, expect, it } from "vitest";
import { forAll, int } from "../testRandom.js";
import {
  CELL_COLOURS, CELL_CRASHED, binHeatmap, colourLut, heatmapLookup, paintGrid, parseRgb, rampPosition, type MatrixColumns,
} from "./heatmap.js";

function matrix(times: number[], values: number[][]): MatrixColumns {
  const cols = values.map((v) => Float32Array.from(v));
  return { count: times.length, time: (i) => times[i]!, values: (i) => cols[i]! };
}

describe("binHeatmap", () => {
  it("one cell per replica and column when they fit", () => {
    const src = matrix([0, 100, 200], [[0, 1], [2, 3], [4, 5]]);
    const g = binHeatmap(src, { t0: 0, t1: 300, width: 3, rows: [0, 1], maxHeight: 100, holdMs: 1000 });
    expect(g.height).toBe(2);
    expect(Array.from(g.cells)).toEqual([0, 2, 4, 1, 3, 5]);
    expect(g.max).toBe(5);
  });
  it("follows the display order of rows", () => {
    const src = matrix([0], [[7, 9]]);
    const g = binHeatmap(src, { t0: 0, t1: 100, width: 1, rows: [1, 0], maxHeight: 10, holdMs: 1000 });
    expect(Array.from(g.cells)).toEqual([9, 7]);
  });
  it("1,024 replicas in 256 pixel rows: every cell is the max of its 4 replicas, no replica dropped", () => {
    const n = 1024;
    const values = Array.from({ length: n }, (_, r) => (r % 97 === 0 ? 1000 + r : r % 5));
    const src = matrix([0], [values]);
    const rows = Array.from({ length: n }, (_, r) => r);
    const g = binHeatmap(src, { t0: 0, t1: 100, width: 1, rows, maxHeight: 256, holdMs: 1000 });
    expect(g.height).toBe(256);
    expect(g.rowsPerCell).toBe(4);
    for (let c = 0; c < 256; c++) {
      expect(g.cells[c]).toBe(Math.max(...values.slice(c * 4, c * 4 + 4)));
    }
  });
  it("many columns per pixel: the cell keeps the peak", () => {
    forAll(30, (r) => ({ cols: int(r, 50, 400), w: int(r, 5, 40), peakAt: int(r, 0, 49) }), ({ cols, w, peakAt }) => {
      const times = Array.from({ length: cols }, (_, i) => i * 100);
      const values = times.map((_, i) => [i === peakAt ? 99 : 1]);
      const g = binHeatmap(matrix(times, values), { t0: 0, t1: cols * 100, width: w, rows: [0], maxHeight: 1, holdMs: 200 });
      expect(Math.max(...Array.from(g.cells).filter((v) => !Number.isNaN(v)))).toBe(99);
    });
  });
  it("sparse columns are held across the cells they span, but a long gap stays empty", () => {
    const src = matrix([0, 1000, 5000], [[1], [2], [3]]);
    const g = binHeatmap(src, { t0: 0, t1: 6000, width: 12, rows: [0], maxHeight: 1, holdMs: 1000 });
    const cells = Array.from(g.cells);
    expect(cells.slice(0, 4)).toEqual([1, 1, 2, 2]);
    expect(Number.isNaN(cells[6]!)).toBe(true); // 3000–3500: more than 1 s after the column at 1000
    expect(cells[10]).toBe(3);
  });
  it("a crashed replica marks its cell unless another replica in it has a value", () => {
    const src = matrix([0], [[CELL_CRASHED, 0, CELL_CRASHED, 4]]);
    const g = binHeatmap(src, { t0: 0, t1: 100, width: 1, rows: [0, 1, 2, 3], maxHeight: 4, holdMs: 100 });
    expect(Array.from(g.cells)).toEqual([CELL_CRASHED, 0, CELL_CRASHED, 4]);
  });
});

describe("colours", () => {
  it("zero is the light 'caught up' colour, crashed is grey, the max is the darkest ramp end", () => {
    const lut = colourLut("missing");
    const grid = { cells: Float32Array.from([0, CELL_CRASHED, 10, 5]), width: 4, height: 1, max: 10, rowsPerCell: 1 };
    const px = paintGrid(grid, lut, 10, "linear");
    expect(Array.from(px.slice(0, 4))).toEqual([...CELL_COLOURS.zero]);
    expect(Array.from(px.slice(4, 8))).toEqual([...CELL_COLOURS.crashed]);
    expect(Array.from(px.slice(8, 12))).toEqual(Array.from(lut.slice(lut.length - 4)));
    // darker (lower luminance) for larger values
    const lum = (o: number) => px[o]! + px[o + 1]! + px[o + 2]!;
    expect(lum(8)).toBeLessThan(lum(12));
  });
  it("sqrt scale lifts small values", () => {
    expect(rampPosition(1, 100, "sqrt")).toBeCloseTo(0.1);
    expect(rampPosition(1, 100, "linear")).toBeCloseTo(0.01);
    expect(rampPosition(500, 100, "linear")).toBe(1);
  });
  it("parses d3 colour strings", () => {
    expect(parseRgb("rgb(1, 2, 3)")).toEqual([1, 2, 3]);
    expect(parseRgb("#ff8000")).toEqual([255, 128, 0]);
  });
});

describe("heatmapLookup", () => {
  it("names the row under the pointer and its value at that time", () => {
    const src = matrix([0, 100], [[1, 2, 3, 4], [5, 6, 7, 8]]);
    const rows = [3, 2, 1, 0];
    const hit = heatmapLookup(src, rows, 0, 200, 200, 40, 150, 5);
    expect(hit).toEqual({ row: 0, timeMs: 150, value: 8 });
    expect(heatmapLookup(src, rows, 0, 200, 200, 40, 50, 39)?.value).toBe(1);
    expect(heatmapLookup(src, rows, 0, 200, 200, 40, 250, 5)).toBeNull();
  });
});
