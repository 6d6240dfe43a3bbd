import { CausalContext } from "@driftscope/crdt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { originIndex } from "../wire/origins.js";
import { DotTracker } from "./DotTracker.js";

describe("DotTracker", () => {
  it("T1: answers like a causal context for any insertion order, ranges included", () => {
    const origins = ["dt-a", "dt-b", "dt-c"];
    const op = fc.record({ o: fc.nat({ max: 2 }), from: fc.integer({ min: 1, max: 30 }), len: fc.integer({ min: 0, max: 4 }) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const tracker = new DotTracker();
        const ctx = new CausalContext();
        for (const { o, from, len } of ops) {
          const origin = origins[o]!;
          if (len === 0) tracker.add(originIndex(origin), from);
          else tracker.addRange(originIndex(origin), from, from + len);
          for (let s = from; s <= from + Math.max(0, len); s++) ctx.addDot(origin, s);
        }
        for (const origin of origins) {
          expect(tracker.contiguousOf(originIndex(origin))).toBe(ctx.get(origin));
          for (let s = 1; s <= 40; s++) expect(tracker.has(originIndex(origin), s)).toBe(ctx.has(origin, s));
        }
      }),
    );
  });
});
