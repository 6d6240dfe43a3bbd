// The Pareto front of a trade-off: the points no other point beats on both cost and
// convergence time. Both are minimised; a point that costs the same but converges faster,
// or converges as fast for less, pushes the other off the front.

/** A point of a trade-off chart: cost (x) and convergence time (y), both to minimise. */
export interface TradeOff {
  cost: number;
  timeMs: number;
}

/** Indexes of the points on the Pareto front, cheapest first (points without finite figures are skipped). */
export function paretoFront(points: readonly TradeOff[]): number[] {
  const order = points
    .map((p, i) => i)
    .filter((i) => Number.isFinite(points[i]!.cost) && Number.isFinite(points[i]!.timeMs))
    .sort((a, b) => points[a]!.cost - points[b]!.cost || points[a]!.timeMs - points[b]!.timeMs || a - b);
  const front: number[] = [];
  let best = Infinity;
  for (const i of order) {
    const t = points[i]!.timeMs;
    // Strictly faster than everything cheaper; an equal time at a higher cost is dominated.
    if (t >= best) continue;
    best = t;
    front.push(i);
  }
  return front;
}
