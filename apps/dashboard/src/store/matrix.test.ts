import { describe, expect, it } from "vitest";
import { MatrixRing, MatrixTiers, RowRegistry } from "./matrix.js";

const col = (values: number[]) => Float32Array.from(values);

describe("RowRegistry", () => {
  it("gives stable rows and refuses beyond the limit", () => {
    const r = new RowRegistry(2);
    expect(r.rowOf("a")).toBe(0);
    expect(r.rowOf("b")).toBe(1);
    expect(r.rowOf("a")).toBe(0);
    expect(r.rowOf("c")).toBe(-1);
    expect(r.find("zz")).toBe(-1);
  });
});

describe("MatrixRing", () => {
  it("raw tier drops the oldest column when full", () => {
    const ring = new MatrixRing(1, 3, 2, 0, false);
    for (let i = 0; i < 5; i++) ring.add(i * 100, [col([i, i])]);
    expect(ring.length).toBe(3);
    expect([0, 1, 2].map((i) => ring.time(i))).toEqual([200, 300, 400]);
    expect(Array.from(ring.values(0, 0))).toEqual([2, 2]);
  });
  it("bucketed tier merges frames of the same second by max, updating the newest column in place", () => {
    const ring = new MatrixRing(1, 10, 2, 1000, false);
    ring.add(100, [col([1, 5])]);
    ring.add(500, [col([3, 2])]);
    expect(ring.length).toBe(1);
    expect(Array.from(ring.values(0, 0))).toEqual([3, 5]);
    ring.add(1200, [col([0, 0])]);
    expect(ring.length).toBe(2);
    expect(ring.time(1)).toBe(1000);
  });
  it("whole-run tier halves when full and keeps every peak", () => {
    const ring = new MatrixRing(1, 4, 1, 10, true);
    for (let i = 0; i < 40; i++) ring.add(i * 10, [col([i === 7 ? 70 : 1])]);
    expect(ring.length).toBeLessThanOrEqual(4);
    expect(ring.bucketMs).toBeGreaterThanOrEqual(80);
    const all = Array.from({ length: ring.length }, (_, i) => ring.values(0, i)[0]);
    expect(all).toContain(70);
    expect(ring.time(0)).toBe(0);
  });
  it("growing the rows keeps old values and marks new rows absent", () => {
    const ring = new MatrixRing(1, 3, 64, 0, false);
    ring.add(0, [col([4, 5])]);
    ring.ensureRows(100);
    expect(ring.rowCapacity).toBe(128);
    expect(ring.values(0, 0)[1]).toBe(5);
    expect(ring.values(0, 0)[99]).toBeNaN();
  });
});

describe("MatrixTiers", () => {
  it("a 1-minute window reads raw frames, a 10-minute one reads 1 s buckets", () => {
    const m = new MatrixTiers(1, 4);
    for (let i = 0; i < 6000; i++) m.add(i * 100, [col([i % 7, 0, 0, 0])]);
    const end = 5999 * 100;
    expect(m.tierFor(end - 60_000).bucketMs).toBe(0);
    expect(m.tierFor(end - 590_000).bucketMs).toBe(1000);
    // 10 minutes fit in the 1 s tier whole, so it serves the whole run too.
    expect(m.tierFor(-1).bucketMs).toBe(1000);
    const series = m.rowSeries(0, 0, end - 60_000);
    expect(series.length).toBe(700);
    expect(series.ys[series.length - 1]).toBe(5999 % 7);
  });
  it("beyond 15 minutes the whole run comes from the 10 s tier", () => {
    const m = new MatrixTiers(1, 1);
    for (let i = 0; i < 12_000; i++) m.add(i * 100, [col([1])]);
    expect(m.tierFor(-1).bucketMs).toBe(10_000);
  });
  it("a page connected a minute ago shows its raw frames even in a 15-minute window", () => {
    const m = new MatrixTiers(1, 4);
    for (let i = 0; i < 300; i++) m.add(1_000_000 + i * 100, [col([1, 2, 3, 4])]);
    expect(m.tierFor(1_000_000 - 900_000).bucketMs).toBe(0);
  });
});
