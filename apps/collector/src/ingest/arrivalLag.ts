// How late a connection's reports arrive, beyond its usual. A report's `timeMs` is the agent's
// clock when it was sent; arrival − timeMs is clock offset + network + whatever waited in the
// sockets' buffers before the collector read it. The first two are the connection's floor,
// so the excess over the lowest lag lately seen is the backlog: the overload that waiting
// inside the collector (ReportQueue) cannot see, because the bytes have not been read yet.

/** The floor is the lowest lag of the current and the previous window: a clock step is forgotten within two. */
const WINDOW_MS = 15_000;

export class ArrivalLag {
  #floor = Infinity;
  #previousFloor = Infinity;
  #windowStartMs: number | undefined;

  /** Records one report's lag (arrival − its timeMs, ms); returns how far it is over the floor. */
  excess(arrivalMs: number, sentMs: number): number {
    const lag = arrivalMs - sentMs;
    if (!Number.isFinite(lag)) return 0;
    if (this.#windowStartMs === undefined) this.#windowStartMs = arrivalMs;
    if (arrivalMs - this.#windowStartMs >= WINDOW_MS) {
      this.#previousFloor = this.#floor;
      this.#floor = Infinity;
      this.#windowStartMs = arrivalMs;
    }
    if (lag < this.#floor) this.#floor = lag;
    return Math.max(0, lag - Math.min(this.#floor, this.#previousFloor));
  }
}
