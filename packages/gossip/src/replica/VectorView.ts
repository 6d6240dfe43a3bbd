import { WireError } from "../wire/codec.js";
import { forEachVectorEntry, readNumberedVector, type ReceivedMessage } from "../wire/message.js";
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

  /** Throws WireError (and keeps nothing) when the vector is malformed. */
  static acquire(m: ReceivedMessage): VectorView {
    const view = VectorView.pool.pop() ?? new VectorView();
    try {
      view.load(m);
    } catch (error) {
      view.release();
      throw error;
    }
    return view;
  }

  /**
   * Runs `f` with the message's vector, then releases the view. A malformed vector is read
   * before `f` runs, so the message is then ignored as a whole: returns false.
   */
  static with(m: ReceivedMessage, f: (view: VectorView) => void): boolean {
    let view: VectorView;
    try {
      view = VectorView.acquire(m);
    } catch (error) {
      if (error instanceof WireError) return false;
      throw error;
    }
    try {
      f(view);
    } finally {
      view.release();
    }
    return true;
  }

  /** Origins with an entry (seq > 0), in the order read. */
  get origins(): readonly number[] {
    return this.touched;
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

  private load(m: ReceivedMessage): void {
    if (m.vectorNumbered) {
      this.loadNumbered(m);
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

  /** The numbered form: k varints, the seqs of origins 0..k−1, read in one loop. */
  private loadNumbered(m: ReceivedMessage): void {
    if (m.vectorSize > this.seqs.length) this.grow(m.vectorSize - 1);
    readNumberedVector(m, this.seqs, this.touched);
    this.size = this.touched.length;
  }

  private grow(origin: number): void {
    const next = new Float64Array(Math.max(origin + 1, originCount(), this.seqs.length * 2));
    next.set(this.seqs);
    this.seqs = next;
  }
}
