import { describe, expect, it } from "vitest";
import { firstAgeReaching, VisibilityCurve } from "./visibilityCurve.js";

// Window 60 s: slots of 500 ms; ages step by 2^(1/8). An inclusion at 10 ms falls in the bin
// ending at 2^(27/8) = 10.37 ms, 20 ms in 20.75, 40 ms in 41.5, 100 ms in 107.6.
const share = (c: ReturnType<VisibilityCurve["curve"]>, age: number) => c.points.find(([a]) => a === age)?.[1];
const updatesAt = (c: ReturnType<VisibilityCurve["curve"]>, age: number) => c.points.find(([a]) => a === age)?.[2];

/** Two updates on 4 live replicas, issued at 0: A reaches 3 others at 10, 20, 40 ms; B reaches 2 at 10 ms and converges at 100 ms. */
function twoUpdates(): VisibilityCurve {
  const v = new VisibilityCurve({ windowMs: 60_000, lagMs: 1_000 });
  v.issued(0, 1, 0, 4);
  v.issued(1, 1, 0, 4);
  v.included(0, 1, 10);
  v.included(0, 1, 20);
  v.included(0, 1, 40);
  v.included(1, 1, 10);
  v.included(1, 1, 10);
  v.converged(1, 1, 100);
  return v;
}

describe("the live visibility curve", () => {
  it("CL-V1: the share of live replicas holding an update by its age, averaged over updates, with t50/t90/t99", () => {
    const c = twoUpdates().curve(10_000);
    expect(share(c, 1)).toBe(0.25); // only the origins
    expect(share(c, 9.514)).toBe(0.25);
    expect(share(c, 10.37)).toBe(0.625); // A 2/4, B 3/4
    expect(share(c, 20.75)).toBe(0.75); // A 3/4, B 3/4
    expect(share(c, 41.5)).toBe(0.875); // A 4/4, B 3/4
    expect(share(c, 98.7)).toBe(0.875);
    expect(share(c, 107.6)).toBe(1); // B's last holder counts from its convergence
    expect(c.t50Ms).toBe(10.37);
    expect(c.t90Ms).toBe(107.6);
    expect(c.t99Ms).toBe(107.6);
    expect(c.updates).toBe(2);
    // Never falls: a holder keeps an update.
    for (let i = 1; i < c.points.length; i++) expect(c.points[i]![1]).toBeGreaterThanOrEqual(c.points[i - 1]![1]);
  });

  it("CL-V1: an update younger than age a (plus the report lag) does not count at a, held or not", () => {
    const v = twoUpdates();
    v.issued(2, 1, 8_000, 4); // slot [8000, 8500): at 10 s, with 1 s of lag, observed up to 500 ms of age
    const c = v.curve(10_000);
    expect(updatesAt(c, 107.6)).toBe(3);
    expect(share(c, 107.6)).toBe(0.75); // (1 + 1 + 1/4) / 3
    expect(updatesAt(c, 469.5)).toBe(3);
    expect(updatesAt(c, 512)).toBe(2); // the young update no longer counts…
    expect(share(c, 512)).toBe(1); // …so it cannot pull the old ones' share down
    // Nothing counts at an age none of them has reached.
    expect(c.points.at(-1)![0]).toBeLessThanOrEqual(9_000);
  });

  it("CL-V1: holders are capped at the live count; unknown and duplicate reports change nothing", () => {
    const v = new VisibilityCurve({ windowMs: 60_000, lagMs: 0 });
    v.issued(0, 1, 0, 2);
    v.issued(0, 1, 0, 2); // reported twice
    v.included(0, 1, 5);
    v.included(0, 1, 6); // a third holder of two live replicas: held already by all
    v.included(7, 3, 5); // never issued here
    v.converged(0, 1, 50);
    const c = v.curve(5_000);
    expect(c.updates).toBe(1);
    expect(share(c, 1)).toBe(0.5);
    expect(share(c, 5.187)).toBe(1);
    expect(c.t50Ms).toBe(1);
    expect(v.pendingCount).toBe(0);
  });

  it("CL-V1: only the window's updates since the last config epoch (and from a start time) count", () => {
    const v = new VisibilityCurve({ windowMs: 10_000, lagMs: 0 });
    v.issued(0, 1, 0, 2); // half held until it converges at 2 s
    v.converged(0, 1, 2_000);
    v.issued(0, 2, 5_000, 2);
    v.included(0, 2, 5_010);
    expect(v.curve(9_000).updates).toBe(2);
    expect(v.curve(12_000).updates).toBe(1); // the first left the 10 s window
    expect(v.curve(9_000, 3_000).updates).toBe(1); // "from 3 s on": the second only
    expect(v.curve(9_000, 3_000).t99Ms).toBe(10.37);
    v.reset(9_000);
    v.issued(0, 3, 8_500, 2); // issued before the new config: not its figures
    expect(v.curve(9_500).updates).toBe(0);
    expect(v.curve(9_500).points).toEqual([]);
    expect(v.curve(9_500).t50Ms).toBeNull();
  });

  it("ages are binned at their upper edge, 2^(b/8) ms", () => {
    const v = new VisibilityCurve({ windowMs: 60_000 });
    expect(v.binOf(0)).toBe(0);
    expect(v.binOf(1)).toBe(0);
    expect(v.binOf(2)).toBe(8);
    expect(v.binOf(2.0001)).toBe(9);
    expect(v.binOf(1024)).toBe(80);
    expect(v.ages[v.binOf(10)]).toBeGreaterThanOrEqual(10);
    expect(v.ages[v.binOf(10) - 1]).toBeLessThan(10);
    expect(v.ages.at(-1)).toBeGreaterThanOrEqual(60_000);
    expect(firstAgeReaching([[1, 0.2], [2, 0.5], [4, 0.99]], 0.9)).toBe(4);
    expect(firstAgeReaching([[1, 0.2]], 0.5)).toBeNull();
  });
});
