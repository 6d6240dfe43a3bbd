// Cooperative slicing: long work on one input gives the event loop back every few
// milliseconds, so frames, health checks and other clients are served in between.

/** Time on the event loop one input may hold at a stretch. */
export const SLICE_MS = 10;

export class TimeSlice {
  #startMs = performance.now();

  constructor(private readonly budgetMs = SLICE_MS) {}

  /** True when the current stretch has used its budget. */
  get due(): boolean {
    return performance.now() - this.#startMs >= this.budgetMs;
  }

  /** Yields to the event loop (timers, I/O) when the budget is used; resolves at once otherwise. */
  async yieldIfDue(): Promise<void> {
    if (!this.due) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.#startMs = performance.now();
  }
}
