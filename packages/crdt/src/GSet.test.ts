import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { gsetOpArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, playCausal } from "../test/laws.js";
import { GSet } from "./GSet.js";
import { comparePrimitives, type Primitive } from "./values.js";

const opArb = gsetOpArb;

lawSuite("GSet", GSet, opArb);

describe("GSet", () => {
  it("C-GS1: the converged value is every element ever added, in canonical order", () => {
    fc.assert(
      fc.property(historyArb(opArb), (steps) => {
        const { final, ops } = playCausal(GSet, steps);
        expect(final.value()).toEqual([...new Set(ops.map((o) => o.op.element))].sort(comparePrimitives));
      }),
    );
  });

  it("C-GS1: -0 and 0 are one element; invalid elements are rejected", () => {
    let s = GSet.empty();
    s = GSet.merge(s, GSet.mutate(s, { type: "add", element: -0 }, { replica: "a", seq: 1 }));
    s = GSet.merge(s, GSet.mutate(s, { type: "add", element: 0 }, { replica: "a", seq: 2 }));
    expect(GSet.value(s)).toEqual([0]);
    expect(() => GSet.mutate(s, { type: "add", element: { x: 1 } as unknown as Primitive }, { replica: "a", seq: 3 })).toThrow(TypeError);
  });
});
