// What the tracker keeps per origin (a replica id seen as the issuer of updates), and the
// small numeric helpers of its per-replica vectors.
import { IssueTimes } from "./issueTimes.js";
import { LiveSeqIndex } from "./liveSeqIndex.js";

export interface OriginState {
  issue: IssueTimes;
  live: LiveSeqIndex;
  /** Every traced seq up to here has yielded its sample (or converged without one). */
  convergedUpTo: number;
  /** Latest exact inclusion time reported for traced, not yet converged seqs. */
  tracedInclusion: Map<number, number>;
  /** Replicas claiming more of a hosted origin than it has reported issuing: replica → seq. */
  claims: Map<number, number> | undefined;
}

export function newOriginState(issueWindow: number): OriginState {
  return { issue: new IssueTimes(issueWindow), live: new LiveSeqIndex(), convergedUpTo: 0, tracedInclusion: new Map(), claims: undefined };
}

/** 32-bit mix of one VV entry; the XOR of all entries fingerprints a version vector. */
export function entryHash(origin: number, seq: number): number {
  if (seq === 0) return 0;
  // The high word is 0 below 2^32: no division for the seqs that occur.
  const high = seq < 4294967296 ? 0 : Math.imul(Math.floor(seq / 4294967296), 0xc2b2ae35);
  let h = Math.imul(origin + 1, 0x9e3779b1) ^ Math.imul(seq >>> 0, 0x85ebca6b) ^ high;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export function grow(arr: Float64Array, min: number): Float64Array<ArrayBuffer> {
  let cap = Math.max(16, arr.length);
  while (cap < min) cap *= 2;
  const out = new Float64Array(cap);
  out.set(arr);
  return out;
}

/**
 * A set of small numbers whose `has` is one read of a dense array: it is asked for every vv
 * entry, where a hash lookup or a field of a per-origin object costs a cache miss.
 */
export class NumberSet implements Iterable<number> {
  private flags = new Uint8Array(64);
  private readonly members = new Set<number>();

  has(n: number): boolean {
    return n < this.flags.length && this.flags[n] === 1;
  }

  add(n: number): void {
    if (n >= this.flags.length) {
      let cap = this.flags.length * 2;
      while (cap <= n) cap *= 2;
      const flags = new Uint8Array(cap);
      flags.set(this.flags);
      this.flags = flags;
    }
    this.flags[n] = 1;
    this.members.add(n);
  }

  delete(n: number): void {
    if (n < this.flags.length) this.flags[n] = 0;
    this.members.delete(n);
  }

  [Symbol.iterator](): Iterator<number> {
    return this.members.values();
  }
}
