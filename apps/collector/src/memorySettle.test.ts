// CL-B8: what a burst leaves on the heap is collected once the loop is idle again.
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startCollector } from "../test/harness.js";
import { DEFAULT_MEMORY_SETTLE, shouldSettle } from "./memorySettle.js";

const MB = 1024 * 1024;

describe("CL-B8 after a burst, the heap is collected once the loop is idle", () => {
  it("collects only when the heap has grown well past the last floor, the loop is idle and the last collection is not recent", () => {
    const o = DEFAULT_MEMORY_SETTLE;
    const base = { usedBytes: 250 * MB, floorBytes: 100 * MB, utilisation: 0.2, sinceLastMs: 60_000 };
    expect(shouldSettle(o, base)).toBe(true);
    expect(shouldSettle(o, { ...base, usedBytes: 150 * MB })).toBe(false); // grown less than 64 MB
    expect(shouldSettle(o, { ...base, usedBytes: 180 * MB, floorBytes: 100 * MB })).toBe(false); // less than the floor itself
    expect(shouldSettle(o, { ...base, utilisation: 0.9 })).toBe(false); // busy: an attack still going on
    expect(shouldSettle(o, { ...base, sinceLastMs: 5000 })).toBe(false);
  });

  it("a collector whose heap a burst left full of garbage collects it and says so", { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const c = await startCollector({ logger, memorySettle: { everyMs: 300, growthBytes: 32 * MB, minGapMs: 0 } });
    try {
      // A burst: objects that live long enough to reach the old space, then are dropped. It
      // grows the heap to three times what the process held before (the collector settles
      // only past twice its floor, and a test worker's floor depends on what it loaded).
      const usage = () => {
        const m = process.memoryUsage();
        return m.heapUsed + m.external;
      };
      const base = usage();
      let held: Array<{ id: number; text: string; list: number[] }> = [];
      for (let round = 0; round < 60 && (round < 8 || usage() < 3 * base); round++) {
        for (let i = 0; i < 100_000; i++) held.push({ id: i, text: `entry ${round} ${i}`, list: [i, round] });
        await new Promise((r) => setTimeout(r, 10));
      }
      held = [];
      let settled: { beforeMb: number; afterMb: number } | undefined;
      for (let i = 0; i < 40 && settled === undefined; i++) {
        await new Promise((r) => setTimeout(r, 250));
        const line = lines.find((l) => l.includes("heap collected after a burst"));
        if (line !== undefined) settled = JSON.parse(line) as { beforeMb: number; afterMb: number };
      }
      expect(settled).toBeDefined();
      expect(settled!.beforeMb - settled!.afterMb).toBeGreaterThanOrEqual(32);
    } finally {
      await c.stop();
    }
  });
});
