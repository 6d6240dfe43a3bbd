// An in-process network for the example: every message is delivered after a random latency,
// and messages marked lossy are dropped with the given probability (anti-entropy messages
// are not, so the replicas always converge in the end).
export interface LoopbackOptions {
  /** Latency range in ms (default 20–120). */
  latencyMs?: readonly [number, number];
  /** Share of lossy messages dropped (default 0.2). */
  lossRate?: number;
  random?: () => number;
}

export class LoopbackNetwork {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #latency: readonly [number, number];
  readonly #random: () => number;
  lossRate: number;
  /** Messages in flight. */
  inFlight = 0;

  constructor(options: LoopbackOptions = {}) {
    this.#latency = options.latencyMs ?? [20, 120];
    this.lossRate = options.lossRate ?? 0.2;
    this.#random = options.random ?? Math.random;
  }

  /** Delivers `deliver` later, unless `lossy` and unlucky. */
  send(deliver: () => void, lossy: boolean): void {
    if (lossy && this.#random() < this.lossRate) return;
    const [lo, hi] = this.#latency;
    this.inFlight++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.inFlight--;
      deliver();
    }, lo + this.#random() * (hi - lo));
    this.#timers.add(timer);
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.inFlight = 0;
  }
}
