import { Writer } from "../wire/codec.js";
import type { EncodedVector } from "../wire/message.js";
import { originBytes, originCount } from "../wire/origins.js";
import type { VectorView } from "./VectorView.js";

/**
 * Which dots a replica holds, keyed by origin number (wire/origins.ts): the contiguous seq per
 * origin in a flat Int32Array, the highest seq seen in another, and the rare out-of-order seqs
 * in small sets. It mirrors the replica state's causal context so that "do I have dot
 * (origin, seq)?" — asked for every relayed update — is an array read, not a map lookup in a
 * context of a thousand origins.
 */
export class DotTracker {
  private contiguous = new Int32Array(0);
  private highest = new Int32Array(0);
  private readonly clouds = new Map<number, Set<number>>();
  /** Origins with at least their first dot held (the width of the version vector). */
  private width = 0;

  /** How many origins the version vector has entries for. */
  get origins(): number {
    return this.width;
  }

  /** Highest seq s of `origin` such that 1..s are all held. */
  contiguousOf(origin: number): number {
    return origin < this.contiguous.length ? this.contiguous[origin]! : 0;
  }

  /** True when some dot is held beyond a gap (the contiguous part alone does not describe the set). */
  hasCloud(): boolean {
    return this.clouds.size > 0;
  }

  has(origin: number, seq: number): boolean {
    if (origin >= this.contiguous.length) return false;
    if (seq <= this.contiguous[origin]!) return true;
    if (seq > this.highest[origin]!) return false;
    return this.clouds.get(origin)?.has(seq) ?? false;
  }

  add(origin: number, seq: number): void {
    if (origin >= this.contiguous.length) this.grow(origin);
    const c = this.contiguous[origin]!;
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
      this.contiguous[origin] = next;
      return;
    }
    let cloud = this.clouds.get(origin);
    if (cloud === undefined) this.clouds.set(origin, (cloud = new Set()));
    cloud.add(seq);
  }

  /** True when this vector is ≥ `peer` at every entry (its contiguous parts). */
  dominates(peer: VectorView): boolean {
    let ok = true;
    peer.forEach((origin, seq) => {
      if (ok && this.contiguousOf(origin) < seq) ok = false;
    });
    return ok;
  }

  /** True when `peer` is ≥ this vector at every entry. */
  dominatedBy(peer: VectorView): boolean {
    const contiguous = this.contiguous;
    for (let origin = 0; origin < contiguous.length; origin++) {
      if (contiguous[origin]! > peer.get(origin)) return false;
    }
    return true;
  }

  /** True when `peer` equals this vector (same origins, same seqs). */
  equals(peer: VectorView): boolean {
    return peer.size === this.width && this.dominates(peer) && this.dominatedBy(peer);
  }

  /** The contiguous parts as a version vector in wire form (origins with seq > 0). */
  encodeVector(): EncodedVector {
    const contiguous = this.contiguous;
    const w = new Writer(8 + this.width * 12);
    w.varint(this.width);
    for (let origin = 0; origin < contiguous.length; origin++) {
      const seq = contiguous[origin]!;
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
    if (origin >= this.contiguous.length) this.grow(origin);
    const c = this.contiguous[origin]!;
    if (from <= c + 1 && to > c && !this.clouds.has(origin)) {
      if (c === 0) this.width++;
      this.contiguous[origin] = to;
      if (to > this.highest[origin]!) this.highest[origin] = to;
      return;
    }
    for (let s = Math.max(from, c + 1); s <= to; s++) this.add(origin, s);
  }

  private grow(origin: number): void {
    const size = Math.max(origin + 1, originCount(), this.contiguous.length * 2);
    const contiguous = new Int32Array(size);
    const highest = new Int32Array(size);
    contiguous.set(this.contiguous);
    highest.set(this.highest);
    this.contiguous = contiguous;
    this.highest = highest;
  }
}
