// After a burst of input the V8 heap holds what the burst left behind: old-space garbage, and
// the buffers it points to, are collected only when V8 next needs room — for a collector back
// at its ordinary load, many minutes later. bench collector-hostile measured 142 + 62 MB of
// heap and buffers 15 s after 20 attackers left, 29 + 7 MB once collected: nothing was
// retained, it was all garbage holding the RSS up. So once the heap has grown well past what
// the last collection left and the event loop is mostly idle, the collector runs one full
// collection itself (a pause of tens of ms, at a quiet moment, at most every 10 s).
// Collected is not given back: V8 keeps the pages the burst made it commit, glibc the free
// blocks inside its heap. When the native helper was built (memoryRelease.ts) and the loop
// is quieter still, the collector asks both to give them back.
import { performance, type EventLoopUtilization } from "node:perf_hooks";
import { getHeapSpaceStatistics, setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { memoryRelease, type MemoryRelease } from "./memoryRelease.js";

export interface MemorySettleOptions {
  /** How often the heap is looked at. */
  everyMs: number;
  /** Growth (heap used + external buffers) past the last collection's floor that is worth collecting, and at least as much as the floor itself. */
  growthBytes: number;
  /** Event-loop utilisation over the last look below which the loop counts as idle. */
  idleBelow: number;
  /** Least time between two collections. */
  minGapMs: number;
  /** V8's committed heap beyond what is used worth giving back, and at least half what is used (new space alone, at its maximum and half empty under load, holds 20–30 MB). */
  slackBytes: number;
  /** Growth of V8's old spaces (committed) since the last time that makes it a burst; an ordinary heap grows slowly, with the collector's state. */
  releaseGrowthBytes: number;
  /** Free bytes in glibc's arenas worth giving back. */
  cFreeBytes: number;
  /** Utilisation below which memory is given back (lower than idleBelow: V8's compaction pauses longer). */
  releaseIdleBelow: number;
}

const MB = 1024 * 1024;

export const DEFAULT_MEMORY_SETTLE: MemorySettleOptions = {
  everyMs: 5000,
  growthBytes: 64 * MB,
  idleBelow: 0.5,
  minGapMs: 10_000,
  slackBytes: 48 * MB,
  releaseGrowthBytes: 32 * MB,
  cFreeBytes: 16 * MB,
  releaseIdleBelow: 0.3,
};

/** Whether to collect now: grown past the floor by `growthBytes` and by the floor itself, on an idle loop, not too soon after the last. */
export function shouldSettle(o: MemorySettleOptions, s: { usedBytes: number; floorBytes: number; utilisation: number; sinceLastMs: number }): boolean {
  const grown = s.usedBytes - s.floorBytes;
  return grown >= o.growthBytes && grown >= s.floorBytes && s.utilisation < o.idleBelow && s.sinceLastMs >= o.minGapMs;
}

/** What to give back now: V8's free pages, glibc's free blocks, both or neither. */
export function shouldRelease(
  o: MemorySettleOptions,
  s: { usedBytes: number; committedBytes: number; oldBytes: number; oldAfterLastBytes: number; cFreeBytes: number; utilisation: number; sinceLastMs: number },
): { v8: boolean; c: boolean } {
  if (s.utilisation >= o.releaseIdleBelow || s.sinceLastMs < o.minGapMs) return { v8: false, c: false };
  const slack = s.committedBytes - s.usedBytes;
  const grown = s.oldBytes - s.oldAfterLastBytes;
  return { v8: slack >= o.slackBytes && slack >= s.usedBytes / 2 && grown >= o.releaseGrowthBytes, c: s.cFreeBytes >= o.cFreeBytes };
}

/** V8's full collection: `gc` when node runs with --expose-gc, else exposed for a context of its own. */
function fullCollection(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === "function") return exposed;
  try {
    setFlagsFromString("--expose-gc");
    const gc: unknown = runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

const usedBytes = () => {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
};

/** What one collection did. */
export interface Settled {
  beforeBytes: number;
  afterBytes: number;
  pauseMs: number;
}

/** Bytes V8 has committed outside its new spaces. */
function oldCommitted(): number {
  let committed = 0;
  for (const space of getHeapSpaceStatistics()) if (!space.space_name.startsWith("new_")) committed += space.space_size;
  return committed;
}

/** What giving memory back did: RSS before and after, and which parts were asked. */
export interface Released {
  v8: boolean;
  c: boolean;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  pauseMs: number;
}

/**
 * Starts looking at the heap every `everyMs`; `stop` ends it. `onSettle` hears of each
 * collection, `onRelease` of each time memory was given back.
 */
export function settleMemory(
  options: MemorySettleOptions,
  onSettle?: (settled: Settled) => void,
  onRelease?: (released: Released) => void,
  release: MemoryRelease | undefined = memoryRelease(),
): { stop(): void } {
  const gc = fullCollection();
  if (gc === undefined) return { stop: () => {} };
  let floor = usedBytes();
  let lastMs = -Infinity;
  let lastReleaseMs = -Infinity;
  let oldAfterLast = oldCommitted();
  let elu: EventLoopUtilization = performance.eventLoopUtilization();
  const timer = setInterval(() => {
    const now = performance.now();
    const window = performance.eventLoopUtilization(elu);
    elu = performance.eventLoopUtilization();
    const used = usedBytes();
    floor = Math.min(floor, used); // V8's own collections lower it too
    if (shouldSettle(options, { usedBytes: used, floorBytes: floor, utilisation: window.utilization, sinceLastMs: now - lastMs })) {
      gc();
      lastMs = performance.now();
      floor = usedBytes();
      onSettle?.({ beforeBytes: used, afterBytes: floor, pauseMs: lastMs - now });
      return; // what the collection freed is given back at the next look, if the loop is still quiet
    }
    if (release === undefined) return;
    const m = process.memoryUsage();
    const what = shouldRelease(options, {
      usedBytes: m.heapUsed,
      committedBytes: m.heapTotal,
      oldBytes: oldCommitted(),
      oldAfterLastBytes: oldAfterLast,
      cFreeBytes: release.freeCHeap(),
      utilisation: window.utilization,
      sinceLastMs: now - lastReleaseMs,
    });
    if (!what.v8 && !what.c) return;
    if (what.v8) release.lowMemory();
    release.trimCHeap(); // after V8's collection, which frees buffers into glibc's heap
    lastReleaseMs = performance.now();
    floor = usedBytes();
    if (what.v8) oldAfterLast = oldCommitted();
    onRelease?.({ ...what, rssBeforeBytes: m.rss, rssAfterBytes: process.memoryUsage.rss(), pauseMs: lastReleaseMs - now });
  }, options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
