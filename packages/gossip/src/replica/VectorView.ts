import { forEachVectorEntry, type ReceivedMessage } from "../wire/message.js";
import { originCount } from "../wire/origins.js";

/**
 * A peer's version vector read from a message into a dense array by origin number
 * (wire/origins.ts): comparing it with a replica's own vector is then array reads, with no map
 * and no string per entry. Views are pooled: `acquire` one, `release` it when done.
 */
export class VectorView {
  private seqs = new Float64Array(0);
  private readonly touched: number[] = [];
  /** Entries with a seq > 0. */
  size = 0;

  private static readonly pool: VectorView[] = [];

  static acquire(m: ReceivedMessage): VectorView {
    const view = VectorView.pool.pop() ?? new VectorView();
    view.load(m);
    return view;
  }

  /** Runs `f` with the message's vector, then releases the view. */
  static with(m: ReceivedMessage, f: (view: VectorView) => void): void {
    const view = VectorView.acquire(m);
    try {
      f(view);
    } finally {
      view.release();
    }
  }

  release(): void {
    for (const origin of this.touched) this.seqs[origin] = 0;
    this.touched.length = 0;
    this.size = 0;
    VectorView.pool.push(this);
  }

  /** The peer's entry for `origin` (0 when absent). */
  get(origin: number): number {
    return origin < this.seqs.length ? this.seqs[origin]! : 0;
  }

  /** Calls `visit` for each entry with a seq > 0. */
  forEach(visit: (origin: number, seq: number) => void): void {
    for (const origin of this.touched) visit(origin, this.seqs[origin]!);
  }

  private load(m: ReceivedMessage): void {
    if (m.vectorNumbered) {
      this.loadNumbered(m.raw, m.vectorAt, m.vectorSize);
      return;
    }
    forEachVectorEntry(m, (origin, seq) => {
      if (seq <= 0) return;
      if (origin >= this.seqs.length) this.grow(origin);
      if (this.seqs[origin] === 0) {
        this.touched.push(origin);
        this.size++;
      }
      this.seqs[origin] = seq;
    });
  }

  /** The numbered form (decodeMessage checked its bounds): k varints, the seqs of origins 0..k−1. */
  private loadNumbered(raw: Uint8Array, at: number, k: number): void {
    if (k > this.seqs.length) this.grow(k - 1);
    const seqs = this.seqs;
    const touched = this.touched;
    let pos = at;
    for (let origin = 0; origin < k; origin++) {
      let b = raw[pos++]!;
      let seq = b & 0x7f;
      let scale = 0x80;
      while (b >= 0x80) {
        b = raw[pos++]!;
        seq += (b & 0x7f) * scale;
        scale *= 0x80;
      }
      if (seq === 0) continue;
      if (seqs[origin] === 0) touched.push(origin);
      seqs[origin] = seq;
    }
    this.size = touched.length;
  }

  private grow(origin: number): void {
    const next = new Float64Array(Math.max(origin + 1, originCount(), this.seqs.length * 2));
    next.set(this.seqs);
    this.seqs = next;
  }
}
