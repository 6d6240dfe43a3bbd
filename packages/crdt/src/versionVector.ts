// Version vectors as plain Maps. Absent entries mean 0; functions never store zeros.

/** Highest contiguous seq per origin replica id. Plain Map; absent = 0. */
export type VersionVector = Map<string, number>;

/** The entry of `replica` (0 when absent). */
export function vvGet(vv: VersionVector, replica: string): number {
  return vv.get(replica) ?? 0;
}

/** Pointwise maximum of two version vectors, as a new map. */
export function vvMerge(a: VersionVector, b: VersionVector): VersionVector {
  const out = new Map(a);
  for (const [r, n] of b) {
    if (n > (out.get(r) ?? 0)) out.set(r, n);
  }
  return out;
}

/** True when `a` ≥ `b` pointwise (a has seen everything b has). */
export function vvDominates(a: VersionVector, b: VersionVector): boolean {
  for (const [r, n] of b) {
    if (n > (a.get(r) ?? 0)) return false;
  }
  return true;
}

/** True when both vectors have the same entries (zeros and absent entries are equal). */
export function vvEquals(a: VersionVector, b: VersionVector): boolean {
  return vvDominates(a, b) && vvDominates(b, a);
}

/**
 * Sparse diff: entries of `next` that differ from `prev` (the changes to send), sorted by
 * replica id; an origin present in `prev` but absent from `next` appears as `[replica, 0]`.
 * @example vvDiff(new Map([["a", 1]]), new Map([["a", 3], ["b", 1]])) // [["a", 3], ["b", 1]]
 */
export function vvDiff(prev: VersionVector, next: VersionVector): Array<[replica: string, seq: number]> {
  const out: Array<[string, number]> = [];
  for (const [r, n] of next) {
    if ((prev.get(r) ?? 0) !== n) out.push([r, n]);
  }
  for (const [r, n] of prev) {
    if (n !== 0 && !next.has(r)) out.push([r, 0]);
  }
  out.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return out;
}

/** Applies a {@link vvDiff} to `prev`, giving a new map equal to the `next` it was taken from. */
export function vvApplyDiff(prev: VersionVector, diff: Iterable<readonly [string, number]>): VersionVector {
  const out = new Map(prev);
  for (const [r, n] of diff) {
    if (n === 0) out.delete(r);
    else out.set(r, n);
  }
  return out;
}

/** Missing updates: Σ_r max(0, F[r] − vv[r]) over the frontier's origins; ≥ 0. */
export function vvMissing(frontier: VersionVector, vv: VersionVector): number {
  let missing = 0;
  for (const [r, f] of frontier) {
    const seen = vv.get(r) ?? 0;
    if (f > seen) missing += f - seen;
  }
  return missing;
}

/** Total number of dots a version vector stands for (Σ_r vv[r]). */
export function vvSize(vv: VersionVector): number {
  let n = 0;
  for (const v of vv.values()) n += v;
  return n;
}
