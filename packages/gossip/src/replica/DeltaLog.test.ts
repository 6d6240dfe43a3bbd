import { describe, expect, it } from "vitest";
import { Writer } from "../wire/codec.js";
import { DeltaLog } from "./DeltaLog.js";

const frameOf = (seq: number, size: number) => new Uint8Array(size).fill(seq & 0xff);
const read = (log: DeltaLog, i: number) => {
  const w = new Writer(16);
  log.writeFrame(i, w);
  return Array.from(w.finish());
};

describe("DeltaLog", () => {
  it("L1: keeps the newest entries within its entry bound; evicted dots go to the base", () => {
    const log = new DeltaLog(4);
    for (let s = 1; s <= 10; s++) log.append("a", s, "peer", null, frameOf(s, 3));
    expect([log.start, log.end, log.size]).toEqual([6, 10, 4]);
    expect(log.seq(6)).toBe(7);
    expect(read(log, 9)).toEqual([10, 10, 10]);
    expect(log.base?.versionVector()).toEqual(new Map([["a", 6]]));
    expect(() => log.seq(5)).toThrow(RangeError);
  });

  it("L2: frames survive ring wrap-around and growth byte for byte, within the byte bound", () => {
    const log = new DeltaLog(1000, 256);
    const sizes: number[] = [];
    for (let s = 1; s <= 300; s++) {
      const size = 1 + ((s * 37) % 50);
      sizes[s] = size;
      log.append("a", s, null, null, frameOf(s, size));
      expect(log.bytes).toBeLessThanOrEqual(256);
      for (let i = log.start; i < log.end; i++) {
        const seq = log.seq(i);
        if (read(log, i).length !== sizes[seq] || read(log, i).some((b) => b !== (seq & 0xff))) throw new Error(`frame ${seq} corrupted`);
      }
    }
    expect(log.size).toBeGreaterThan(5);
  });

  it("L3: a frame bigger than the byte bound still fits (alone)", () => {
    const log = new DeltaLog(10, 64);
    log.append("a", 1, null, null, frameOf(1, 10));
    log.append(null, -1, "p", [{ replica: "b", from: 1, to: 3 }], frameOf(2, 500));
    expect(log.size).toBe(1);
    expect(log.origin(1)).toBeNull();
    expect(log.dots(1)).toEqual([{ replica: "b", from: 1, to: 3 }]);
    log.append("a", 2, null, null, frameOf(3, 10));
    expect(log.base?.versionVector()).toEqual(new Map([["a", 1], ["b", 3]]));
  });

  it("L4: a gap moves every position before start and forgets the base; reset restarts the indices", () => {
    const log = new DeltaLog(8);
    for (let s = 1; s <= 3; s++) log.append("a", s, null, null, frameOf(s, 2));
    log.gap();
    expect([log.start, log.end, log.size, log.base]).toEqual([4, 4, 0, null]);
    log.append("a", 4, null, null, frameOf(4, 2));
    expect(log.via(4)).toBeNull();
    log.reset();
    expect([log.start, log.end, log.size]).toEqual([0, 0, 0]);
    expect(log.base?.isEmpty()).toBe(true);
  });
});
