// Seeded randomness for tests and the launcher's workload: a fixed seed keeps failures
// and demo runs reproducible.

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
