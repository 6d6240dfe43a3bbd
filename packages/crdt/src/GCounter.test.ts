import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gcounterOpArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, playCausal } from "../test/laws.js";
import { GCounter, type GCounterOp } from "./GCounter.js";
import { ReplicaState } from "./ReplicaState.js";
import { ReplicaMap } from "./ReplicaMap.js";

const opArb = gcounterOpArb;

lawSuite("GCounter", GCounter, opArb);

describe("GCounter", () => {
  it("C-GC1: the converged value is the sum of all increments, whatever the delivery", () => {
    fc.assert(
      fc.property(historyArb(opArb), (steps) => {
        const { final, ops } = playCausal(GCounter, steps);
        expect(final.value()).toBe(ops.reduce((sum, o) => sum + (o.op.amount ?? 1), 0));
      }),
    );
  });

  it("C-GC1: merge is the pointwise max of per-replica counts", () => {
    const a = ReplicaMap.from([["a", 3], ["b", 1]]);
    const b = ReplicaMap.from([["b", 4], ["c", 2]]);
    expect(new Map(GCounter.merge(a, b))).toEqual(new Map([["a", 3], ["b", 4], ["c", 2]]));
    expect(GCounter.value(GCounter.merge(a, b))).toBe(9);
  });

  it("C-D3: an increment's delta is the issuing replica's entry alone", () => {
    const r = new ReplicaState(GCounter, "a");
    for (let i = 0; i < 5; i++) r.update({ type: "increment", amount: 2 });
    const other = new ReplicaState(GCounter, "z");
    other.update({ type: "increment" });
    r.merge(other.snapshot());
    const { delta } = r.update({ type: "increment" });
    expect(new Map(delta.state)).toEqual(new Map([["a", 11]]));
  });

  it("C-GC2: amounts must be non-negative safe integers (default 1)", () => {
    const dot = { replica: "a", seq: 1 };
    expect(GCounter.value(GCounter.mutate(GCounter.empty(), { type: "increment" }, dot))).toBe(1);
    for (const amount of [-1, 0.5, Number.NaN, 2 ** 53]) {
      expect(() => GCounter.mutate(GCounter.empty(), { type: "increment", amount }, dot)).toThrow();
    }
    expect(() => GCounter.mutate(GCounter.empty(), { type: "decrement" } as unknown as GCounterOp, dot)).toThrow(TypeError);
  });
});
