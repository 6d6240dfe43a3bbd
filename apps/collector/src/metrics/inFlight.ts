// Updates in flight (DESIGN §3): issued and not yet at every live replica. Read-only
// queries over the tracker's per-origin state, run once per frame.
import type { ConvergenceTracker } from "./ConvergenceTracker.js";

/** How many updates are in flight, and the age of the oldest (0: none). */
export function inFlight(tracker: ConvergenceTracker, liveCount: number, nowMs: number): { count: number; oldestMs: number } {
  let count = 0;
  let oldest = Infinity;
  for (let o = 0; o < tracker.originCount; o++) {
    const origin = tracker.origin(o);
    const f = tracker.frontier(o);
    if (origin === undefined || f === 0) continue;
    const min = liveCount === 0 ? 0 : Math.min(origin.live.min(liveCount), f);
    if (min >= f) continue;
    count += f - min;
    const at = origin.issue.getOrOldest(min + 1);
    if (at !== undefined && at < oldest) oldest = at;
  }
  return { count, oldestMs: oldest === Infinity ? 0 : Math.max(0, nowMs - oldest) };
}

/**
 * Ages of the traced updates issued from `fromIssuedMs` on whose convergence is not yet
 * measured, ascending: what the censored percentiles count as "≥ age". At most `cap`
 * (evenly thinned beyond it).
 */
export function censoredAges(tracker: ConvergenceTracker, nowMs: number, fromIssuedMs: number, cap = 20_000): Float64Array {
  const k = tracker.everyK;
  const pending = (o: number) => {
    const origin = tracker.origin(o);
    return origin === undefined ? undefined : { origin, f: tracker.frontier(o), lo: Math.max(origin.convergedUpTo + 1, origin.issue.lowest) };
  };
  let n = 0;
  for (let o = 0; o < tracker.originCount; o++) {
    const p = pending(o);
    if (p !== undefined && p.f >= p.lo) n += Math.floor(p.f / k) - Math.floor((p.lo - 1) / k);
  }
  const step = n > cap ? Math.ceil(n / cap) : 1;
  const out: number[] = [];
  for (let o = 0; o < tracker.originCount; o++) {
    const p = pending(o);
    if (p === undefined) continue;
    for (let s = Math.ceil(p.lo / k) * k; s <= p.f; s += k * step) {
      const at = p.origin.issue.get(s);
      if (at !== undefined && at >= fromIssuedMs) out.push(Math.max(0, nowMs - at));
    }
  }
  return Float64Array.from(out).sort();
}
