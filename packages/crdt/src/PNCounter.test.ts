import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { pncounterOpArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, playCausal } from "../test/laws.js";
import { PNCounter } from "./PNCounter.js";

const opArb = pncounterOpArb;

lawSuite("PNCounter", PNCounter, opArb);

describe("PNCounter", () => {
  it("C-PN1: the converged value is increments minus decrements", () => {
    fc.assert(
      fc.property(historyArb(opArb), (steps) => {
        const { final, ops } = playCausal(PNCounter, steps);
        const expected = ops.reduce((sum, o) => sum + (o.op.type === "increment" ? 1 : -1) * (o.op.amount ?? 1), 0);
        expect(final.value()).toBe(expected);
      }),
    );
  });

  it("C-PN1: value can go negative; summary shows both sides", () => {
    const s = PNCounter.mutate(PNCounter.empty(), { type: "decrement", amount: 3 }, { replica: "a", seq: 1 });
    expect(PNCounter.value(s)).toBe(-3);
    expect(PNCounter.summary(s)).toContain("value=-3");
  });
});
