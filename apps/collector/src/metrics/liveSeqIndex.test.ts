import { describe, expect, it } from "vitest";
import { LiveSeqIndex } from "./liveSeqIndex.js";

describe("LiveSeqIndex", () => {
  it("reports 0 while some live replica lacks the origin entirely", () => {
    const idx = new LiveSeqIndex();
    idx.add(5);
    idx.add(7);
    expect(idx.min(3)).toBe(0);
    expect(idx.min(2)).toBe(5);
  });

  it("follows the minimum as replicas move up, skipping values nobody holds any more", () => {
    const idx = new LiveSeqIndex();
    for (const v of [3, 3, 9, 4]) idx.add(v);
    expect(idx.min(4)).toBe(3);
    idx.remove(3);
    idx.add(10);
    expect(idx.min(4)).toBe(3);
    idx.remove(3);
    idx.add(10);
    expect(idx.min(4)).toBe(4);
    idx.remove(4);
    idx.add(12);
    expect(idx.min(4)).toBe(9);
    expect(idx.distinctValues).toBe(3); // 9, 10, 12
  });

  it("agrees with a brute-force minimum under random moves", () => {
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    const values = Array.from({ length: 20 }, () => 0);
    const idx = new LiveSeqIndex();
    for (let step = 0; step < 2000; step++) {
      const i = Math.floor(rand() * values.length);
      const next = Math.max(0, values[i]! + Math.floor(rand() * 5) - 1);
      idx.remove(values[i]!);
      idx.add(next);
      values[i] = next;
      expect(idx.min(values.length)).toBe(Math.min(...values));
    }
  });

  it("agrees with a brute-force minimum when replicas jump far, fall back (a restart) and leave, across the band's edges", () => {
    let seed = 11;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 4294967296);
    for (let run = 0; run < 20; run++) {
      const values = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => 0);
      const idx = new LiveSeqIndex();
      for (let step = 0; step < 3000; step++) {
        const i = Math.floor(rand() * values.length);
        const r = rand();
        // Mostly small steps up; sometimes a jump of up to 100,000 (past any band), back to a
        // low value, or to 0 (not stored).
        const next = r < 0.8 ? values[i]! + Math.floor(rand() * 4) : r < 0.9 ? values[i]! + Math.floor(rand() * 100_000) : r < 0.97 ? Math.floor(rand() * 50) : 0;
        idx.remove(values[i]!);
        idx.add(next);
        values[i] = next;
        expect(idx.min(values.length)).toBe(Math.min(...values));
        if (step % 500 === 0) expect(idx.distinctValues).toBe(new Set(values.filter((v) => v > 0)).size);
      }
    }
  });

  it("removing a value nobody holds changes nothing", () => {
    const idx = new LiveSeqIndex();
    idx.add(100);
    idx.remove(5);
    idx.remove(100_000);
    idx.remove(101);
    expect(idx.min(1)).toBe(100);
    expect(idx.distinctValues).toBe(1);
  });
});
