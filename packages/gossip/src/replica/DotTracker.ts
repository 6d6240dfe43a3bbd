import { Writer, varintLength } from "../wire/codec.js";
import { forEachNumberedAbove, forEachVectorEntry, type EncodedVector, type ReceivedMessage } from "../wire/message.js";
import { PROCESS_TAG, originBytes, originCount } from "../wire/origins.js";
import { SeqCeiling, ceilingCoveredBy } from "./SeqCeiling.js";
import type { VectorView } from "./VectorView.js";

/**
 * Which dots a replica holds, keyed by origin number (wire/origins.ts): the contiguous seq per
 * origin in a flat Int32Array, the highest seq seen in another, and the rare out-of-order seqs
 * in small sets. It mirrors the replica state's causal context so that "do I have dot
 * (origin, seq)?" — asked for every relayed update — is an array read, not a map lookup in a
 * context of a thousand origins.
 */
export class DotTracker {
  /**
   * Per origin, [contiguous seq, the owner's mark (see markOf)]: "do I have it?" for an update
   * held already (most of those a replica receives) and the mark read next for it share a cache
   * line. The highest seq held, needed only for new dots, lives apart.
   */
  private cm = new Int32Array(0);
  private highest = new Int32Array(0);
  /** Origins the arrays have room for. */
  private slots = 0;
  private readonly clouds = new Map<number, Set<number>>();
  /** Origins with at least their first dot held (the width of the version vector). */
  private width = 0;

  /** How many origins the version vector has entries for. */
  get origins(): number {
    return this.width;
  }

  /** Highest seq s of `origin` such that 1..s are all held. */
  contiguousOf(origin: number): number {
    return origin < this.slots ? this.cm[2 * origin]! : 0;
  }

  /**
   * A number the owner keeps per origin (a replica: where in its delta log the origin's latest
   * update is). 0 = none.
   */
  markOf(origin: number): number {
    return origin < this.slots ? this.cm[2 * origin + 1]! : 0;
  }

  setMark(origin: number, value: number): void {
    if (origin >= this.slots) this.grow(origin);
    this.cm[2 * origin + 1] = value;
  }

  /** True when some dot is held beyond a gap (the contiguous part alone does not describe the set). */
  hasCloud(): boolean {
    return this.clouds.size > 0;
  }

  has(origin: number, seq: number): boolean {
    if (origin >= this.slots) return false;
    if (seq <= this.cm[2 * origin]!) return true;
    if (seq > this.highest[origin]!) return false;
    return this.clouds.get(origin)?.has(seq) ?? false;
  }

  add(origin: number, seq: number): void {
    if (origin >= this.slots) this.grow(origin);
    const c = this.cm[2 * origin]!;
    if (seq <= c) return;
    if (seq > this.highest[origin]!) this.highest[origin] = seq;
    if (seq === c + 1) {
      let next = seq;
      const cloud = this.clouds.get(origin);
      if (cloud !== undefined) {
        while (cloud.delete(next + 1)) next++;
        if (cloud.size === 0) this.clouds.delete(origin);
      }
      if (c === 0) this.width++;
      this.cm[2 * origin] = next;
      return;
    }
    let cloud = this.clouds.get(origin);
    if (cloud === undefined) this.clouds.set(origin, (cloud = new Set()));
    cloud.add(seq);
  }

  /** True when this vector is ≥ `peer` at every entry (its contiguous parts). */
  dominates(peer: VectorView): boolean {
    const cm = this.cm;
    for (const origin of peer.origins) {
      if ((origin < this.slots ? cm[2 * origin]! : 0) < peer.get(origin)) return false;
    }
    return true;
  }

  /** True when `peer` is ≥ this vector at every entry. */
  dominatedBy(peer: VectorView): boolean {
    for (let origin = 0; origin < this.slots; origin++) {
      if (this.cm[2 * origin]! > peer.get(origin)) return false;
    }
    return true;
  }

  /** True when `peer` is ≥ every dot held, those beyond a gap included (the peer then lacks none of them). */
  coveredBy(peer: VectorView): boolean {
    return ceilingCoveredBy(this.highest, this.slots, peer);
  }

  /** The highest seq held per origin, apart (what a delta log keeps of its evicted entries). */
  ceiling(): SeqCeiling {
    return SeqCeiling.of(this.highest.subarray(0, this.slots));
  }

  /** How many of the dots held a peer with vector `peer` lacks (those beyond a gap included). */
  lackedBy(peer: VectorView): number {
    let n = 0;
    if (peer.partial) {
      // Unlisted origins read +∞: only the listed ones can lack anything.
      for (const origin of peer.origins) {
        const d = (origin < this.slots ? this.cm[2 * origin]! : 0) - peer.get(origin);
        if (d > 0) n += d;
      }
    } else {
      for (let origin = 0; origin < this.slots; origin++) {
        const d = this.cm[2 * origin]! - peer.get(origin);
        if (d > 0) n += d;
      }
    }
    for (const [origin, cloud] of this.clouds) {
      const theirs = peer.get(origin);
      for (const seq of cloud) if (seq > theirs) n++;
    }
    return n;
  }

  /** True when `peer` equals this vector (same origins, same seqs). */
  equals(peer: VectorView): boolean {
    return peer.size === this.width && this.dominates(peer) && this.dominatedBy(peer);
  }

  /**
   * The answer to a delta digest `m`: the partial vector (see EncodedVector.partial) of the
   * origins where our contiguous seq is below the digest's, with ours; null when there are none
   * (we hold everything the digest describes). By name, or numbered by this process's origin
   * table. Reads the digest's vector straight from the message (no view); throws WireError,
   * before anything is sent, when it is malformed.
   */
  behind(m: ReceivedMessage, numbered: boolean): EncodedVector | null {
    const origins = scratchOrigins;
    origins.length = 0;
    let length = 0;
    const note = (origin: number, seq: number) => {
      const mine = origin < this.slots ? this.cm[2 * origin]! : 0;
      if (mine >= seq) return;
      origins.push(origin);
      length += numbered ? varintLength(origin) + varintLength(mine) : originBytes(origin).length + 8;
    };
    // Numbered: compared as read, with a call only where we are behind (cm holds [seq, mark] pairs).
    if (m.vectorNumbered && !m.vectorPartial) forEachNumberedAbove(m, this.cm, 2, note);
    else forEachVectorEntry(m, note);
    if (origins.length === 0) return null;
    const w = Writer.inSlab(24 + length);
    if (numbered) {
      w.u32(PROCESS_TAG);
      w.varint(origins.length);
      w.varint(length);
    } else {
      w.varint(origins.length);
    }
    for (let k = 0; k < origins.length; k++) {
      const origin = origins[k]!;
      if (numbered) {
        w.varint(origin);
      } else {
        const name = originBytes(origin);
        w.varint(name.length);
        w.bytesFrom(name, 0, name.length);
      }
      w.varint(origin < this.slots ? this.cm[2 * origin]! : 0);
    }
    return { encoded: w.finish(), size: origins.length, numbered, partial: true };
  }

  /**
   * The contiguous parts as a version vector in wire form (origins with seq > 0): by name, or
   * numbered by this process's origin table (see EncodedVector).
   */
  encodeVector(numbered = false): EncodedVector {
    if (numbered) {
      const cm = this.cm;
      let k = this.slots;
      while (k > 0 && cm[2 * (k - 1)] === 0) k--;
      let length = 0;
      for (let origin = 0; origin < k; origin++) length += varintLength(cm[2 * origin]!);
      const w = Writer.inSlab(24 + length);
      w.u32(PROCESS_TAG);
      w.varint(k);
      w.varint(length);
      for (let origin = 0; origin < k; origin++) w.varint(cm[2 * origin]!);
      return { encoded: w.finish(), size: this.width, numbered: true };
    }
    const w = Writer.inSlab(8 + this.width * 12);
    w.varint(this.width);
    for (let origin = 0; origin < this.slots; origin++) {
      const seq = this.cm[2 * origin]!;
      if (seq === 0) continue;
      const name = originBytes(origin);
      w.varint(name.length);
      w.bytesFrom(name, 0, name.length);
      w.varint(seq);
    }
    return { encoded: w.finish(), size: this.width };
  }

  /** Adds seqs from..to of `origin`. */
  addRange(origin: number, from: number, to: number): void {
    if (origin >= this.slots) this.grow(origin);
    const c = this.cm[2 * origin]!;
    if (from <= c + 1 && to > c && !this.clouds.has(origin)) {
      if (c === 0) this.width++;
      this.cm[2 * origin] = to;
      if (to > this.highest[origin]!) this.highest[origin] = to;
      return;
    }
    for (let s = Math.max(from, c + 1); s <= to; s++) this.add(origin, s);
  }

  private grow(origin: number): void {
    const slots = Math.max(origin + 1, originCount(), this.slots * 2);
    const cm = new Int32Array(2 * slots);
    const highest = new Int32Array(slots);
    cm.set(this.cm);
    highest.set(this.highest);
    this.cm = cm;
    this.highest = highest;
    this.slots = slots;
  }
}

/** Origins picked by DotTracker.behind (reused: no array per answer). */
const scratchOrigins: number[] = [];
