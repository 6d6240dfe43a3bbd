// Hover on a scatter with few points: the point nearest the pointer, if close enough.

/** Index of the point nearest (px, py) within `maxPx`, or -1. */
export function nearestPoint(points: readonly { x: number; y: number }[], px: number, py: number, maxPx = 12): number {
  let best = -1;
  let bestD = maxPx * maxPx;
  points.forEach((p, i) => {
    const d = (p.x - px) ** 2 + (p.y - py) ** 2;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  });
  return best;
}
