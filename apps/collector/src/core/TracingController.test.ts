import { describe, expect, it } from "vitest";
import { TracingController, type TracingFigures } from "./TracingController.js";

const steady = (nowMs: number, k: number, perSec: number, extra: Partial<TracingFigures> = {}): TracingFigures => ({
  nowMs,
  k,
  deliveriesPerSec: perSec,
  updatesPerSec: 0,
  unreachable: 0,
  liveSetChangedAtMs: -Infinity,
  ...extra,
});

/** Feeds the controller every 100 ms for `ms`, applying what it decides; returns the k changes. */
function run(c: TracingController, fromMs: number, ms: number, k: number, figures: (t: number, k: number) => TracingFigures): number[] {
  const changes: number[] = [];
  for (let t = fromMs; t < fromMs + ms; t += 100) {
    const next = c.decide(figures(t, k));
    if (next !== undefined) {
      changes.push(next);
      k = next;
    }
  }
  return changes;
}

describe("TracingController", () => {
  it("CL-TC1: raises k to the power of two that fits the budget once the load has held for two checks", () => {
    const c = new TracingController({ budgetPerSec: 1000 });
    expect(run(c, 0, 4_900, 1, (t, k) => steady(t, k, 3500))).toEqual([]);
    expect(run(c, 4_900, 5_000, 1, (t, k) => steady(t, k, 3500))).toEqual([4]);
  });

  it("CL-TC2: lowers k when the load falls, more slowly than it raises it", () => {
    const c = new TracingController({ budgetPerSec: 1000 });
    const changes = run(c, 0, 30_000, 8, (t, k) => steady(t, k, 100));
    expect(changes).toEqual([1]);
  });

  it("CL-TC3: holds k while replicas are unreachable: a collapse of deliveries is not a fall in load", () => {
    const c = new TracingController({ budgetPerSec: 1000 });
    expect(run(c, 0, 60_000, 8, (t, k) => steady(t, k, 0, { unreachable: 64 }))).toEqual([]);
  });

  it("CL-TC4: holds k for a while after the live set changed (catch-up bursts are not load)", () => {
    const c = new TracingController({ budgetPerSec: 1000 });
    expect(run(c, 0, 9_000, 1, (t, k) => steady(t, k, 50_000, { liveSetChangedAtMs: 0 }))).toEqual([]);
  });

  it("CL-TC5: a load that flips around the budget every check never moves k", () => {
    const c = new TracingController({ budgetPerSec: 1000 });
    expect(run(c, 0, 120_000, 2, (t, k) => steady(t, k, Math.floor(t / 5000) % 2 === 0 ? 2500 : 900))).toEqual([]);
  });

  it("CL-TC6: a budget of 0 turns it off", () => {
    const c = new TracingController({ budgetPerSec: 0 });
    expect(run(c, 0, 60_000, 1, (t, k) => steady(t, k, 1e9))).toEqual([]);
  });
});
