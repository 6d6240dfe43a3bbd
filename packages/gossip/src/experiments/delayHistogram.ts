// Inclusion delays (update issued → a replica includes it) in log buckets, for the
// visibility curve: the share of replicas holding an update as a function of its age
// (Bailis et al.'s t-visibility), averaged over updates.

const GROWTH = 1.1;
const LOG_GROWTH = Math.log(GROWTH);

export class DelayHistogram {
  private readonly counts: number[] = [];
  private zero = 0;

  add(delayMs: number): void {
    if (delayMs < 1) {
      this.zero++;
      return;
    }
    const i = Math.floor(Math.log(delayMs) / LOG_GROWTH);
    while (this.counts.length <= i) this.counts.push(0);
    this.counts[i]!++;
  }

  /**
   * `[ageMs, share]` points: at each bucket's upper edge, the share of `pairs` (updates ×
   * replicas) included by that age. Pairs never included keep the curve below 1.
   */
  curve(pairs: number): Array<[number, number]> {
    if (pairs <= 0) return [];
    const out: Array<[number, number]> = [[1, this.zero / pairs]];
    let seen = this.zero;
    this.counts.forEach((c, i) => {
      if (c === 0) return;
      seen += c;
      out.push([Number(Math.exp((i + 1) * LOG_GROWTH).toPrecision(4)), seen / pairs]);
    });
    return out;
  }
}

/** The first age at which a visibility curve reaches `share` (e.g. 0.5 for t50), or null. */
export function visibilityAt(curve: ReadonlyArray<readonly [number, number]>, share: number): number | null {
  for (const [age, s] of curve) if (s >= share) return age;
  return null;
}
