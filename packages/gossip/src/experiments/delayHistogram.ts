// The visibility curve (Bailis et al.'s t-visibility): the share of replicas holding an
// update as a function of its age, averaged over the updates observed at least that long
// (an update issued 50 ms before the end says nothing about its visibility at 5 s).

const GRID_GROWTH = 1.1;

/** One update's inclusions: `delays[0, held)` ms after its issue (its origin's 0 first), one per replica holding it. */
export interface UpdateDelays {
  readonly issuedAt: number;
  /** Room for one delay per replica (filled as replicas come to hold it: no growing array). */
  readonly delays: Float64Array;
  held: number;
}

/** Collects, per update, when each replica came to hold it; `curve` turns that into shares by age. */
export class VisibilityCurve {
  private readonly updates: UpdateDelays[] = [];

  constructor(private readonly replicas: number) {}

  /** Starts tracking an update issued at `issuedAt` (its origin holds it at once); record the others' delays in what it returns. */
  issued(issuedAt: number): UpdateDelays {
    const u: UpdateDelays = { issuedAt, delays: new Float64Array(this.replicas), held: 1 };
    this.updates.push(u);
    return u;
  }

  /**
   * `[ageMs, share]` on a log grid: at each age, the mean over updates observed at least
   * that long (issued ≥ age before `endMs`) of the share of the replicas holding them.
   */
  curve(endMs: number): Array<[number, number]> {
    if (this.updates.length === 0) return [];
    const replicas = this.replicas;
    let maxAge = -Infinity;
    for (const u of this.updates) maxAge = Math.max(maxAge, endMs - u.issuedAt);
    const grid: number[] = [];
    for (let g = 1; g <= maxAge; g *= GRID_GROWTH) grid.push(Number(g.toPrecision(4)));
    const held = new Float64Array(grid.length);
    const observed = new Float64Array(grid.length);
    for (const u of this.updates) {
      const age = endMs - u.issuedAt;
      // Delays are ≥ 0 and never NaN: the numeric sort orders them as a comparator would.
      const delays = u.delays.subarray(0, u.held).sort();
      let j = 0;
      for (let k = 0; k < grid.length && grid[k]! <= age; k++) {
        while (j < delays.length && delays[j]! <= grid[k]!) j++;
        held[k]! += j;
        observed[k]! += replicas;
      }
    }
    const out: Array<[number, number]> = [];
    grid.forEach((g, k) => {
      if (observed[k]! > 0) out.push([g, held[k]! / observed[k]!]);
    });
    return out;
  }
}

/** The first age at which a visibility curve reaches `share` (e.g. 0.5 for t50), or null. */
export function visibilityAt(curve: ReadonlyArray<readonly [number, number]>, share: number): number | null {
  for (const [age, s] of curve) if (s >= share) return age;
  return null;
}
