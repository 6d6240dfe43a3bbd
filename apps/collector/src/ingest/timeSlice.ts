// Cooperative slicing: long work on one input gives the event loop back every few
// milliseconds, so frames, health checks and other clients are served in between. A
// share of the loop can be reserved too: work charged to a LoopShare waits once it has
// used its share of the last second (HTTP ingest may not crowd out frames and sockets).

/** Time on the event loop one input may hold at a stretch. */
export const SLICE_MS = 10;

/** A budget of loop time per second, shared by everything charged to it. */
export class LoopShare {
  #tokensMs: number;
  #lastMs = performance.now();

  constructor(private readonly msPerSec: number) {
    this.#tokensMs = msPerSec;
  }

  /** Charges `ms` of work; resolves when the share allows more (at once while within it). */
  async charge(ms: number): Promise<void> {
    this.#refill();
    this.#tokensMs -= ms;
    if (this.#tokensMs >= 0) return;
    await new Promise((resolve) => setTimeout(resolve, Math.ceil((-this.#tokensMs * 1000) / this.msPerSec)));
    this.#refill();
  }

  #refill(): void {
    const now = performance.now();
    this.#tokensMs = Math.min(this.msPerSec, this.#tokensMs + ((now - this.#lastMs) * this.msPerSec) / 1000);
    this.#lastMs = now;
  }
}

export class TimeSlice {
  #startMs = performance.now();
  /** Stretches started so far: waiters that resume in the same turn share one. */
  #stretch = 0;

  constructor(
    private readonly budgetMs = SLICE_MS,
    private readonly share?: LoopShare,
  ) {}

  /** True when the current stretch has used its budget. */
  get due(): boolean {
    return performance.now() - this.#startMs >= this.budgetMs;
  }

  /** Yields to the event loop (timers, I/O) when the budget is used; resolves at once otherwise. */
  async yieldIfDue(): Promise<void> {
    while (this.due) {
      const used = performance.now() - this.#startMs;
      const stretch = this.#stretch;
      if (this.share !== undefined) await this.share.charge(used);
      await new Promise<void>((resolve) => setImmediate(resolve));
      // Several waiters (one per connection) resume in the same turn: the first starts a new
      // stretch and the others join it, waiting again once it is used — not a slice each.
      if (this.#stretch === stretch) {
        this.#stretch++;
        this.#startMs = performance.now();
      }
    }
  }

  /** Charges what the last stretch used to the share (call when the work is done). */
  async finish(): Promise<void> {
    if (this.share !== undefined) await this.share.charge(performance.now() - this.#startMs);
  }
}
