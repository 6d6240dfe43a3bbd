// CL-B9: memory a burst made the collector take is given back to the system: V8's free pages
// and glibc's free blocks, through the native helper built at install.
import { Writable } from "node:stream";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { startCollector } from "../test/harness.js";
import { memoryRelease } from "./memoryRelease.js";
import { DEFAULT_MEMORY_SETTLE, shouldRelease } from "./memorySettle.js";

const MB = 1024 * 1024;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("CL-B9 memory a burst left is given back to the system", () => {
  it("gives back V8's pages after a burst grew its old spaces and left much unused, glibc's when much is free, and only on a quiet loop", () => {
    const o = DEFAULT_MEMORY_SETTLE;
    const base = { usedBytes: 80 * MB, committedBytes: 160 * MB, oldBytes: 130 * MB, oldAfterLastBytes: 60 * MB, cFreeBytes: 40 * MB, utilisation: 0.1, sinceLastMs: 60_000 };
    expect(shouldRelease(o, base)).toEqual({ v8: true, c: true });
    expect(shouldRelease(o, { ...base, committedBytes: 115 * MB })).toEqual({ v8: false, c: true }); // 35 MB spare: an ordinary heap under load
    expect(shouldRelease(o, { ...base, usedBytes: 110 * MB, committedBytes: 160 * MB })).toEqual({ v8: false, c: true }); // spare less than half what is used
    expect(shouldRelease(o, { ...base, oldAfterLastBytes: 110 * MB })).toEqual({ v8: false, c: true }); // grown slowly, with the state
    expect(shouldRelease(o, { ...base, cFreeBytes: 8 * MB })).toEqual({ v8: true, c: false });
    expect(shouldRelease(o, { ...base, utilisation: 0.4 })).toEqual({ v8: false, c: false }); // still busy
    expect(shouldRelease(o, { ...base, sinceLastMs: 5000 })).toEqual({ v8: false, c: false });
  });

  it("the helper was built at install on this machine", () => {
    // python3, make and g++ are on every machine the two commands set up (README).
    const helper = memoryRelease();
    expect(helper).toBeDefined();
    expect(helper!.freeCHeap()).toBeGreaterThanOrEqual(0);
  });

  it("V8 gives back the pages a dropped burst of objects left sparsely filled", async () => {
    const helper = memoryRelease()!;
    let held: Array<{ id: number; text: string }> = [];
    for (let i = 0; i < 2_000_000; i++) held.push({ id: i, text: `entry ${i}` });
    const committed = process.memoryUsage().heapTotal;
    // One object in 50 stays: every page keeps a few, so a plain collection keeps them all.
    const kept = held.filter((_, i) => i % 50 === 0);
    held = [];
    helper.lowMemory();
    const after = process.memoryUsage();
    expect(after.heapTotal).toBeLessThan(committed - 64 * MB);
    expect(after.heapTotal - after.heapUsed).toBeLessThan(16 * MB); // compacted: little committed beyond what is used
    expect(kept).toHaveLength(40_000);
  });

  it("glibc gives back the free blocks between live ones", async () => {
    const helper = memoryRelease()!;
    // 16 KiB blocks come from glibc's heap; keeping every tenth pins the heap's top, so
    // glibc cannot give the freed ones back on its own.
    let blocks: Buffer[] = [];
    for (let i = 0; i < 10_000; i++) blocks.push(Buffer.alloc(16 * 1024, 1));
    const kept = blocks.filter((_, i) => i % 10 === 9);
    blocks = [];
    helper.lowMemory(); // frees the dropped buffers' memory into glibc's heap
    await pause(200); // V8 may hand backing stores back on a background thread
    const free = helper.freeCHeap();
    const rss = process.memoryUsage.rss();
    expect(free).toBeGreaterThan(100 * MB);
    expect(helper.trimCHeap()).toBe(true);
    expect(process.memoryUsage.rss()).toBeLessThan(rss - 64 * MB);
    expect(kept.every((b) => b[0] === 1)).toBe(true);
  });

  it("a collector whose heap a burst grew gives the memory back once the loop is quiet, and counts it", { timeout: 30_000 }, async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) }));
    const c = await startCollector({ logger, memorySettle: { everyMs: 300, growthBytes: 32 * MB, minGapMs: 0 } });
    try {
      let held: Array<{ id: number; text: string }> = [];
      for (let round = 0; round < 20; round++) {
        for (let i = 0; i < 100_000; i++) held.push({ id: i, text: `entry ${round} ${i}` });
        await pause(10);
      }
      // A few survivors on every page: a plain collection frees the rest but keeps the pages.
      const survivors = held.filter((_, i) => i % 50 === 0);
      held = [];
      let released: { v8: boolean; rssBeforeMb: number; rssAfterMb: number } | undefined;
      for (let i = 0; i < 60 && released === undefined; i++) {
        await pause(250);
        // (glibc alone may go first: the tests above left its heap with free blocks)
        const line = lines.find((l) => l.includes("memory given back after a burst") && l.includes('"v8":true'));
        if (line !== undefined) released = JSON.parse(line) as typeof released;
      }
      expect(released).toBeDefined();
      expect(released!.v8).toBe(true);
      expect(released!.rssAfterMb).toBeLessThan(released!.rssBeforeMb);
      expect(survivors).toHaveLength(40_000);
      const text = await (await fetch(`${c.url}/metrics`)).text();
      expect(text).toMatch(/^driftscope_memory_releases_total\{part="v8"\} [1-9]/m);
    } finally {
      await c.stop();
    }
  });
});
