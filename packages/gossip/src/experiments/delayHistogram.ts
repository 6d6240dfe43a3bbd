// The visibility curve (Bailis et al.'s t-visibility): the share of replicas holding an
// update as a function of its age, averaged over the updates observed at least that long
// (an update issued 50 ms before the end says nothing about its visibility at 5 s).

const GRID_GROWTH = 1.1;

/** Collects, per update, when each replica came to hold it; `curve` turns that into shares by age. */
export class VisibilityCurve {
  private readonly updates: Array<{ issuedAt: number; delays: number[] }> = [];

  /** Starts tracking an update issued at `issuedAt` (its origin holds it at once). */
  issued(issuedAt: number): number[] {
    const delays = [0];
    this.updates.push({ issuedAt, delays });
    return delays;
  }

  /**
   * `[ageMs, share]` on a log grid: at each age, the mean over updates observed at least
   * that long (issued ≥ age before `endMs`) of the share of `replicas` holding them.
   */
  curve(replicas: number, endMs: number): Array<[number, number]> {
    if (this.updates.length === 0) return [];
    const maxAge = Math.max(...this.updates.map((u) => endMs - u.issuedAt));
    const grid: number[] = [];
    for (let g = 1; g <= maxAge; g *= GRID_GROWTH) grid.push(Number(g.toPrecision(4)));
    const held = new Float64Array(grid.length);
    const observed = new Float64Array(grid.length);
    for (const u of this.updates) {
      const age = endMs - u.issuedAt;
      const delays = u.delays.sort((a, b) => a - b);
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
