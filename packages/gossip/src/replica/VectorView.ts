import { WireError } from "../wire/codec.js";
import { forEachVectorEntry, readNumberedPartial, readNumberedVector, type ReceivedMessage } from "../wire/message.js";
import { originCount } from "../wire/origins.js";

/**
 * A peer's version vector read from a message into a dense array by origin number
 * (wire/origins.ts): comparing it with a replica's own vector is then array reads, with no map
 * and no string per entry. Views are pooled: `acquire` one, `release` it when done.
 */
export class VectorView {
  private seqs = new Float64Array(0);
  private readonly touched: number[] = [];
  /** Entries with a seq > 0 (a partial view: the origins listed). */
  size = 0;
  /**
   * A partial vector (EncodedVector.partial): `get` of an origin not listed is +∞, since the
   * peer holds at least what our digest listed there (and a reader must not send it those).
   */
  partial = false;
  /** What `get` answers for an origin not read: 0, or +∞ for a partial view. */
  private outside = 0;

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

  /** Origins with an entry (seq > 0; a partial view: the listed ones), in the order read. */
  get origins(): readonly number[] {
    return this.touched;
  }

  release(): void {
    if (this.partial) this.seqs.fill(0);
    else for (const origin of this.touched) this.seqs[origin] = 0;
    this.touched.length = 0;
    this.size = 0;
    this.partial = false;
    this.outside = 0;
    VectorView.pool.push(this);
  }

  /** The peer's entry for `origin` (0 when absent; +∞ when a partial view does not list it). */
  get(origin: number): number {
    return origin < this.seqs.length ? this.seqs[origin]! : this.outside;
  }

  private load(m: ReceivedMessage): void {
    if (m.vectorPartial) {
      this.loadPartial(m);
      return;
    }
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

  /** Unlisted origins read +∞ (the array is filled, and emptied again on release). */
  private loadPartial(m: ReceivedMessage): void {
    this.partial = true;
    this.outside = Infinity;
    if (this.seqs.length < originCount()) this.grow(originCount() - 1);
    this.seqs.fill(Infinity);
    const visit = (origin: number, seq: number): void => {
      if (origin >= this.seqs.length) this.grow(origin);
      if (this.seqs[origin] === Infinity) this.touched.push(origin);
      this.seqs[origin] = seq;
    };
    if (m.vectorNumbered) readNumberedPartial(m, visit);
    else forEachVectorEntry(m, visit);
    this.size = this.touched.length;
  }

  /** The numbered form: k varints, the seqs of origins 0..k−1, read in one loop. */
  private loadNumbered(m: ReceivedMessage): void {
    if (m.vectorSize > this.seqs.length) this.grow(m.vectorSize - 1);
    const seqs = this.seqs;
    const touched = this.touched;
    readNumberedVector(m, (origin, seq) => {
      if (seqs[origin] === 0) touched.push(origin);
      seqs[origin] = seq;
    });
    this.size = touched.length;
  }

  private grow(origin: number): void {
    const next = new Float64Array(Math.max(origin + 1, originCount(), this.seqs.length * 2));
    if (this.outside !== 0) next.fill(this.outside);
    next.set(this.seqs);
    this.seqs = next;
  }
}
