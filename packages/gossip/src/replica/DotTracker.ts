import { originCount } from "../wire/origins.js";

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

  /** Highest seq s of `origin` such that 1..s are all held. */
  contiguousOf(origin: number): number {
    return origin < this.contiguous.length ? this.contiguous[origin]! : 0;
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
      this.contiguous[origin] = next;
      return;
    }
    let cloud = this.clouds.get(origin);
    if (cloud === undefined) this.clouds.set(origin, (cloud = new Set()));
    cloud.add(seq);
  }

  /** Adds seqs from..to of `origin`. */
  addRange(origin: number, from: number, to: number): void {
    if (origin >= this.contiguous.length) this.grow(origin);
    const c = this.contiguous[origin]!;
    if (from <= c + 1 && to > c && !this.clouds.has(origin)) {
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
