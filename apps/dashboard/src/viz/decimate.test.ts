import { describe, expect, it } from "vitest";
import { forAll, int, seeded } from "../testRandom.js";
import { decimateMinMax, lowerBound, lttb, thinScatter, type Points } from "./decimate.js";

function randomSeries(r: () => number, n: number): Points {
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let x = 0;
  for (let i = 0; i < n; i++) {
    x += 0.5 + r() * 10;
    xs[i] = x;
    ys[i] = r() < 0.02 ? Number.NaN : Math.round((r() - 0.3) * 1000);
  }
  return { xs, ys, length: n };
}

describe("decimateMinMax", () => {
  it("keeps at most ~4 points per pixel column and every extreme of the visible range", () => {
    forAll(60, (r) => ({ n: int(r, 0, 5000), w: int(r, 1, 800), seed: int(r, 1, 1e9) }), ({ n, w, seed }) => {
      const s = randomSeries(seeded(seed), n);
      const x0 = n > 0 ? s.xs[0]! : 0;
      const x1 = n > 0 ? s.xs[n - 1]! : 1;
      const d = decimateMinMax(s, x0, x1, w);
      expect(d.length).toBeLessThanOrEqual(Math.max(n, 0) <= 2 * w ? n : w * 5 + 8);
      let min = Infinity;
      let max = -Infinity;
      for (let i = 0; i < n; i++) {
        const y = s.ys[i]!;
        if (!Number.isNaN(y)) {
          min = Math.min(min, y);
          max = Math.max(max, y);
        }
      }
      let dmin = Infinity;
      let dmax = -Infinity;
      for (let i = 0; i < d.length; i++) {
        if (i > 0) expect(d.xs[i]!).toBeGreaterThan(d.xs[i - 1]!);
        const y = d.ys[i]!;
        if (!Number.isNaN(y)) {
          dmin = Math.min(dmin, y);
          dmax = Math.max(dmax, y);
        }
      }
      expect(dmin).toBe(min);
      expect(dmax).toBe(max);
    });
  });
  it("a one-sample spike survives 9,000 → 300 pixels", () => {
    const n = 9000;
    const xs = Float64Array.from({ length: n }, (_, i) => i * 100);
    const ys = new Float64Array(n);
    ys[4321] = 777;
    const d = decimateMinMax({ xs, ys, length: n }, 0, xs[n - 1]!, 300);
    expect(Array.from(d.ys)).toContain(777);
    expect(d.length).toBeLessThanOrEqual(300 * 4 + 8);
  });
  it("keeps a gap (NaN) so the drawn line breaks where data is missing", () => {
    const n = 5000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => (i >= 2000 && i < 2100 ? Number.NaN : 1));
    const d = decimateMinMax({ xs, ys, length: n }, 0, n - 1, 100);
    expect(Array.from(d.ys).some(Number.isNaN)).toBe(true);
  });
  it("restricts to the visible window plus one neighbour on each side", () => {
    const xs = Float64Array.from({ length: 100 }, (_, i) => i);
    const ys = Float64Array.from({ length: 100 }, (_, i) => i);
    const d = decimateMinMax({ xs, ys, length: 100 }, 40, 50, 800);
    expect(d.xs[0]).toBe(39);
    expect(d.xs[d.length - 1]).toBe(51);
  });
  it("lowerBound finds the insertion point", () => {
    const xs = [1, 3, 3, 5];
    expect(lowerBound(xs, 4, 0)).toBe(0);
    expect(lowerBound(xs, 4, 3)).toBe(1);
    expect(lowerBound(xs, 4, 4)).toBe(3);
    expect(lowerBound(xs, 4, 9)).toBe(4);
  });
});

describe("lttb", () => {
  it("returns exactly the threshold, keeps both ends, and picks input points", () => {
    forAll(40, (r) => ({ n: int(r, 10, 3000), t: int(r, 3, 200), seed: int(r, 1, 1e9) }), ({ n, t, seed }) => {
      const s = randomSeries(seeded(seed), n);
      const d = lttb(s, t);
      const finite = Array.from(s.ys).filter((y) => !Number.isNaN(y)).length;
      expect(d.length).toBe(Math.min(t, finite));
      const input = new Set(Array.from(s.xs));
      for (let i = 0; i < d.length; i++) expect(input.has(d.xs[i]!)).toBe(true);
    });
  });
});

describe("thinScatter", () => {
  it("keeps one sample per pixel cell and never two in the same cell", () => {
    const xs = [0, 0.2, 0.4, 1.5, 1.6, 3];
    const ys = [0, 0.1, 5, 0, 0, 0];
    const kept = Array.from(thinScatter(xs, ys, xs.length, (x) => x, (y) => y));
    expect(kept).toEqual([0, 2, 3, 5]);
  });
});
