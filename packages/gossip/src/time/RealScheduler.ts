import type { Scheduler, Timer } from "./Scheduler.js";

interface RealTimer extends Timer {
  handle: ReturnType<typeof setTimeout> | null;
  repeat: boolean;
}

/** Wall-clock scheduler over Node timers; `now()` is epoch ms with sub-ms precision. */
export class RealScheduler implements Scheduler {
  private pending = 0;

  /** @param options.unref when true, pending timers do not keep the process alive. */
  constructor(private readonly options: { unref?: boolean } = {}) {}

  now(): number {
    return performance.timeOrigin + performance.now();
  }

  get pendingTimers(): number {
    return this.pending;
  }

  setTimeout(callback: () => void, delayMs: number): Timer {
    const timer: RealTimer = { __timer: true, handle: null, repeat: false };
    this.pending++;
    timer.handle = setTimeout(() => {
      timer.handle = null;
      this.pending--;
      callback();
    }, Math.max(0, delayMs));
    if (this.options.unref) timer.handle.unref();
    return timer;
  }

  setInterval(callback: () => void, intervalMs: number): Timer {
    if (!(intervalMs > 0)) throw new RangeError(`intervalMs must be > 0, got ${intervalMs}`);
    const timer: RealTimer = { __timer: true, handle: null, repeat: true };
    this.pending++;
    timer.handle = setInterval(callback, intervalMs);
    if (this.options.unref) timer.handle.unref();
    return timer;
  }

  clearTimer(timer: Timer): void {
    const t = timer as RealTimer;
    if (t.handle === null) return;
    if (t.repeat) clearInterval(t.handle);
    else clearTimeout(t.handle);
    t.handle = null;
    this.pending--;
  }

  defer(callback: () => void): void {
    this.pending++;
    setImmediate(() => {
      this.pending--;
      callback();
    });
  }
}
