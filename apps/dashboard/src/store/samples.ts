// Convergence samples (one per traced update that reached every live replica), kept sorted
// by issue time in a fixed-size buffer. Samples arrive roughly in issue order (late by at
// most a convergence time), so insertion from the tail is cheap. When the buffer is full
// its older half is thinned (every other sample dropped): recent samples stay exact, the
// whole run stays visible, memory stays fixed.

/** A sorted, bounded set of convergence samples. */
export class SampleBuffer {
  readonly issuedAt: Float64Array;
  readonly convergenceMs: Float64Array;
  readonly origin: Int32Array;
  readonly seq: Float64Array;
  private n = 0;
  /** Samples issued before this time have been thinned at least once (NaN: never). */
  thinnedBeforeMs = Number.NaN;
  /** Total samples ever added (including thinned ones). */
  received = 0;

  constructor(readonly capacity = 200_000) {
    this.issuedAt = new Float64Array(capacity);
    this.convergenceMs = new Float64Array(capacity);
    this.origin = new Int32Array(capacity);
    this.seq = new Float64Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  add(origin: number, seq: number, issuedAtMs: number, convergenceMs: number): void {
    this.received++;
    if (this.n === this.capacity) this.thin();
    let i = this.n;
    // Walk back past later-issued samples (few: they differ by at most a convergence time).
    while (i > 0 && this.issuedAt[i - 1]! > issuedAtMs) {
      this.issuedAt[i] = this.issuedAt[i - 1]!;
      this.convergenceMs[i] = this.convergenceMs[i - 1]!;
      this.origin[i] = this.origin[i - 1]!;
      this.seq[i] = this.seq[i - 1]!;
      i--;
    }
    this.issuedAt[i] = issuedAtMs;
    this.convergenceMs[i] = convergenceMs;
    this.origin[i] = origin;
    this.seq[i] = seq;
    this.n++;
  }

  private thin(): void {
    const half = Math.floor(this.n / 2);
    let w = 0;
    for (let r = 0; r < half; r += 2) {
      this.issuedAt[w] = this.issuedAt[r]!;
      this.convergenceMs[w] = this.convergenceMs[r]!;
      this.origin[w] = this.origin[r]!;
      this.seq[w] = this.seq[r]!;
      w++;
    }
    this.thinnedBeforeMs = this.issuedAt[half]!;
    this.issuedAt.copyWithin(w, half, this.n);
    this.convergenceMs.copyWithin(w, half, this.n);
    this.origin.copyWithin(w, half, this.n);
    this.seq.copyWithin(w, half, this.n);
    this.n = w + (this.n - half);
  }

  /** Samples as points (x = issue time, y = convergence ms), views valid until the next add. */
  points(): { xs: Float64Array; ys: Float64Array; length: number } {
    return { xs: this.issuedAt.subarray(0, this.n), ys: this.convergenceMs.subarray(0, this.n), length: this.n };
  }

  clear(): void {
    this.n = 0;
    this.received = 0;
    this.thinnedBeforeMs = Number.NaN;
  }
}
