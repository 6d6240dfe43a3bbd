// Ingest bodies take turns: one is parsed and applied at a time (in slices), the others
// wait in arrival order. Several bodies sliced side by side would each take a slice per
// turn of the event loop, and a few hostile clients posting large bodies could then take
// most of every turn; one at a time, everything else gets its share between two slices.
// What waits is bounded in bytes, and each client address may hold a few places only.

/** A place in line: wait for the turn, then release it (also when the request ends early). */
export interface IngestTicket {
  turn(): Promise<void>;
  release(): void;
}

export class IngestTurns {
  #bytes = 0;
  #active = false;
  readonly #waiting: Array<() => void> = [];
  readonly #perAddress = new Map<string, number>();

  constructor(
    /** Bytes of bodies waiting or in progress, over all clients. */
    private readonly maxBytes: number,
    /** Bodies one client address may have waiting or in progress. */
    private readonly perAddress: number,
  ) {}

  /** Bytes of bodies waiting or in progress. */
  get bytes(): number {
    return this.#bytes;
  }

  /** A place for a body of `bytes` from `address`, or why there is none. */
  reserve(address: string, bytes: number): IngestTicket | string {
    const held = this.#perAddress.get(address) ?? 0;
    if (held >= this.perAddress) return `this address already has ${held} ingest bodies waiting or being applied; send them one after another`;
    if (this.#bytes > 0 && this.#bytes + bytes > this.maxBytes) return `the collector holds ${Math.round(this.#bytes / 1048576)} MiB of ingest bodies already; retry shortly`;
    this.#bytes += bytes;
    this.#perAddress.set(address, held + 1);
    let state: "waiting" | "active" | "released" = "waiting";
    return {
      turn: () =>
        new Promise<void>((resolve) => {
          const start = () => {
            if (state === "released") {
              this.#next();
              return;
            }
            state = "active";
            resolve();
          };
          if (!this.#active) {
            this.#active = true;
            start();
          } else this.#waiting.push(start);
        }),
      release: () => {
        if (state === "released") return;
        const wasActive = state === "active";
        state = "released";
        this.#bytes -= bytes;
        const n = (this.#perAddress.get(address) ?? 1) - 1;
        if (n <= 0) this.#perAddress.delete(address);
        else this.#perAddress.set(address, n);
        if (wasActive) this.#next();
      },
    };
  }

  #next(): void {
    const start = this.#waiting.shift();
    if (start === undefined) this.#active = false;
    else start();
  }
}
