import type { Scheduler, Timer } from "./Scheduler.js";

interface Entry extends Timer {
  at: number;
  seq: number;
  callback: (() => void) | null;
  /** > 0 for intervals. */
  periodMs: number;
}

/**
 * Virtual time: a priority queue of callbacks ordered by (time, insertion order), so a run is
 * a pure function of its inputs. Nothing happens until `runUntil`/`runFor`/`step` is called.
 *
 * Ties run in insertion order. That is what makes synchronous rounds exact: replicas whose
 * ticks are aligned all tick at instant t before any message they send at t is delivered,
 * because those deliveries are queued later.
 */
export class VirtualScheduler implements Scheduler {
  private heap: Entry[] = [];
  private seq = 0;
  private time: number;
  private pending = 0;
  private executed = 0;

  constructor(startMs = 0) {
    this.time = startMs;
  }

  now(): number {
    return this.time;
  }

  get pendingTimers(): number {
    return this.pending;
  }

  /** Callbacks run so far (a cheap progress/cost figure for benchmarks). */
  get eventsRun(): number {
    return this.executed;
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    return this.push(this.time + Math.max(0, delayMs || 0), callback, 0);
  }

  setInterval(callback: () => void, intervalMs: number): Timer {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
    return this.push(this.time + intervalMs, callback, intervalMs);
  }

  clearTimer(timer: Timer): void {
    const entry = timer as Entry;
    if (entry.callback === null) return;
    entry.callback = null; // lazily removed when it reaches the top
    this.pending--;
  }

  defer(callback: () => void): void {
    this.push(this.time, callback, 0);
  }

  /** Time of the next live event, or null when nothing is pending. */
  nextEventAt(): number | null {
    this.dropCancelled();
    return this.heap.length > 0 ? this.heap[0]!.at : null;
  }

  /** Runs the next event (advancing time to it); false when nothing is pending. */
  step(): boolean {
    this.dropCancelled();
    const entry = this.pop();
    if (entry === undefined) return false;
    this.run(entry);
    return true;
  }

  /** Runs every event due at or before `timeMs` (including ones they schedule), then sets now to it. */
  runUntil(timeMs: number): void {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > timeMs) break;
      const entry = this.pop()!;
      if (entry.callback !== null) this.run(entry);
    }
    if (timeMs > this.time) this.time = timeMs;
  }

  /** `runUntil(now + ms)`. */
  runFor(ms: number): void {
    this.runUntil(this.time + ms);
  }

  /**
   * Runs until `predicate()` holds (checked after each event) or time passes `deadlineMs`.
   * Returns whether the predicate held.
   */
  runUntilTrue(predicate: () => boolean, deadlineMs: number): boolean {
    if (predicate()) return true;
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.at > deadlineMs) {
        if (deadlineMs > this.time) this.time = deadlineMs;
        return predicate();
      }
      const entry = this.pop()!;
      if (entry.callback === null) continue;
      this.run(entry);
      if (predicate()) return true;
    }
  }

  private run(entry: Entry): void {
    this.time = entry.at;
    this.executed++;
    const callback = entry.callback!;
    if (entry.periodMs > 0) {
      entry.at += entry.periodMs;
      entry.seq = this.seq++;
      this.insert(entry);
    } else {
      entry.callback = null;
      this.pending--;
    }
    callback();
  }

  private push(at: number, callback: () => void, periodMs: number): Entry {
    const entry: Entry = { __timer: true, at, seq: this.seq++, callback, periodMs };
    this.pending++;
    this.insert(entry);
    return entry;
  }

  private dropCancelled(): void {
    while (this.heap.length > 0 && this.heap[0]!.callback === null) this.pop();
  }

  // Binary min-heap on (at, seq), hand-written: this is the inner loop of every simulation.
  private insert(entry: Entry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent]!;
      if (p.at < entry.at || (p.at === entry.at && p.seq < entry.seq)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    if (top === undefined) return undefined;
    const last = heap.pop()!;
    const n = heap.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= n) break;
        const r = l + 1;
        let c = l;
        let child = heap[l]!;
        if (r < n) {
          const right = heap[r]!;
          if (right.at < child.at || (right.at === child.at && right.seq < child.seq)) {
            c = r;
            child = right;
          }
        }
        if (last.at < child.at || (last.at === child.at && last.seq < child.seq)) break;
        heap[i] = child;
        i = c;
      }
      heap[i] = last;
    }
    return top;
  }
}
