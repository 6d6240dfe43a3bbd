// A small seeded PRNG (xoshiro128**, seeded through splitmix32) so that virtual-time runs
// are reproducible: peer choice, jitter, loss and workloads all draw from it.

function splitmix32(state: number): () => number {
  let s = state | 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** Deterministic random numbers for a seed; `fork()` derives an independent stream. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    const next = splitmix32(Math.trunc(seed) ^ 0x5bd1e995);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.d = 1;
  }

  /** A uint32. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9) >>> 0;
    const t = this.b << 9;
    this.c ^= this.a;
    this.d ^= this.b;
    this.b ^= this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = rotl(this.d, 11);
    return result;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.next() < p);
  }

  /** A new generator whose stream is independent of (and does not disturb) later draws here. */
  fork(): Rng {
    return new Rng(this.nextUint32() ^ Math.imul(this.nextUint32(), 0x27d4eb2d));
  }

  /** `next` as a plain function, for APIs that take `rand: () => number`. */
  readonly random = (): number => this.next();
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
