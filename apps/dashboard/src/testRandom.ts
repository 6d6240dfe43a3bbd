// Seeded random inputs for property-style tests: fast-check is not a dependency of the
// dashboard, and a fixed seed keeps failures reproducible.

/** A deterministic PRNG (mulberry32) returning floats in [0, 1). */
export function seeded(seed = 0x5eed): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random integer in [lo, hi]. */
export function int(rand: () => number, lo: number, hi: number): number {
  return lo + Math.floor(rand() * (hi - lo + 1));
}

/** Runs `check` on `runs` generated cases; the case index is in the message when one fails. */
export function forAll<T>(runs: number, gen: (rand: () => number) => T, check: (value: T) => void, seed = 42): void {
  const rand = seeded(seed);
  for (let i = 0; i < runs; i++) {
    const value = gen(rand);
    try {
      check(value);
    } catch (error) {
      throw new Error(`case ${i} failed for ${JSON.stringify(value)?.slice(0, 500)}: ${(error as Error).message}`);
    }
  }
}
