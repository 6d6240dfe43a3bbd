import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { mvOpArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, maximalOps, playCausal } from "../test/laws.js";
import { compareDots } from "./CausalContext.js";
import { MVRegister } from "./MVRegister.js";
import { ReplicaState } from "./ReplicaState.js";

lawSuite("MVRegister", MVRegister, mvOpArb);

describe("MVRegister", () => {
  it("C-MV1: with causal delivery, the value is the writes no other write observed, in dot order", () => {
    fc.assert(
      fc.property(historyArb(mvOpArb, 3, 24), (steps) => {
        const { final, ops } = playCausal(MVRegister, steps);
        const expected = maximalOps(ops)
          .sort((x, y) => compareDots(x.dot, y.dot))
          .map((o) => o.op.value);
        expect(final.value()).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it("C-MV1: concurrent writes both survive until a write that observed both", () => {
    const a = new ReplicaState(MVRegister, "a");
    const b = new ReplicaState(MVRegister, "b");
    const wa = a.update({ type: "set", value: "red" }).delta;
    const wb = b.update({ type: "set", value: "blue" }).delta;
    a.merge(wb);
    b.merge(wa);
    expect(a.value()).toEqual(["red", "blue"]);
    expect(b.value()).toEqual(["red", "blue"]);
    expect(a.digest().summary).toBe("2 concurrent values");
    a.merge(b.update({ type: "set", value: "green" }).delta);
    expect(a.value()).toEqual(["green"]);
  });
});
