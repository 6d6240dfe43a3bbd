import { originCount } from "../wire/origins.js";
import type { VectorView } from "./VectorView.js";

/**
 * The highest seq per origin (by number, wire/origins.ts) of a set of dots — a delta log's
 * evicted entries. That is all the one question asked of them needs: "does a peer with this
 * vector hold every one of them?" (`coveredBy`). One array write per evicted entry.
 */
export class SeqCeiling {
  private highest = new Int32Array(0);

  /** A ceiling from highest seqs by origin (copied). */
  static of(highest: Int32Array): SeqCeiling {
    const c = new SeqCeiling();
    c.highest = highest.slice();
    return c;
  }

  /** Highest seq of `origin` (0: none). */
  highestOf(origin: number): number {
    return origin < this.highest.length ? this.highest[origin]! : 0;
  }

  add(origin: number, seq: number): void {
    if (origin >= this.highest.length) this.grow(origin);
    if (seq > this.highest[origin]!) this.highest[origin] = seq;
  }

  /** True when `peer` is ≥ the ceiling at every origin (it then holds every dot below it). */
  coveredBy(peer: VectorView): boolean {
    return ceilingCoveredBy(this.highest, this.highest.length, peer);
  }

  private grow(origin: number): void {
    const next = new Int32Array(Math.max(origin + 1, originCount(), this.highest.length * 2));
    next.set(this.highest);
    this.highest = next;
  }
}

/** Is `peer` ≥ highest[o] for every origin o < n? A partial view is checked at its listed origins (elsewhere it reads +∞). */
export function ceilingCoveredBy(highest: Int32Array, n: number, peer: VectorView): boolean {
  if (peer.partial) {
    for (const origin of peer.origins) if ((origin < n ? highest[origin]! : 0) > peer.get(origin)) return false;
    return true;
  }
  for (let origin = 0; origin < n; origin++) {
    if (highest[origin]! > peer.get(origin)) return false;
  }
  return true;
}
