import { describe, expect, it } from "vitest";
import { RegimeWatch } from "./RegimeWatch.js";

/** Calls once a second with the rates given; returns the seconds at which a regime began. */
function starts(rates: number[], live = () => 64): number[] {
  const w = new RegimeWatch(2, 3_000);
  return rates.flatMap((r, t) => (w.observe(t * 1000, r, live()) ? [t] : []));
}

describe("RegimeWatch", () => {
  it("the first figures start a regime; a rate that stays within ×/÷ 2 never starts another", () => {
    expect(starts([1, 1.5, 0.6, 1.9, 0.55, 1])).toEqual([0]);
  });

  it("a rate × 10 that holds for 3 s starts a new regime, at its new level", () => {
    expect(starts([1, 1, 10, 10, 10, 10, 10, 1, 1, 1, 1])).toEqual([0, 5, 10]);
  });

  it("a burst shorter than the confirmation is noise", () => {
    expect(starts([1, 1, 10, 10, 1, 1, 1, 1])).toEqual([0]);
  });

  it("the workload stopping or starting is a new regime; so is the live count halving", () => {
    expect(starts([1, 0, 0, 0, 0, 0])).toEqual([0, 4]);
    let n = 64;
    const w = new RegimeWatch(2, 3_000);
    const seen: number[] = [];
    for (let t = 0; t < 8; t++) {
      if (t === 2) n = 30;
      if (w.observe(t * 1000, 1, n)) seen.push(t);
    }
    expect(seen).toEqual([0, 5]);
  });
});
