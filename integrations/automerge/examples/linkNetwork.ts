// An in-process network for the example: messages on one link (from → to) arrive in the
// order they were sent — Automerge's sync protocol expects that of a connection — each
// after a random latency.
export interface LinkNetworkOptions {
  /** Latency range in ms (default 20–150). */
  latencyMs?: readonly [number, number];
  random?: () => number;
}

export class LinkNetwork {
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Per link, when its last message arrives (later ones arrive after it). */
  readonly #lastArrival = new Map<string, number>();
  readonly #latency: readonly [number, number];
  readonly #random: () => number;
  /** Messages in flight. */
  inFlight = 0;

  constructor(options: LinkNetworkOptions = {}) {
    this.#latency = options.latencyMs ?? [20, 150];
    this.#random = options.random ?? Math.random;
  }

  send(link: string, deliver: () => void): void {
    const [lo, hi] = this.#latency;
    const now = Date.now();
    const arrival = Math.max(now + lo + this.#random() * (hi - lo), this.#lastArrival.get(link) ?? 0);
    this.#lastArrival.set(link, arrival);
    this.inFlight++;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.inFlight--;
      deliver();
    }, arrival - now);
    this.#timers.add(timer);
  }

  close(): void {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    this.inFlight = 0;
  }
}
