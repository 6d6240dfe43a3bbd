import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { vvApplyDiff, vvDiff, vvDominates, vvEquals, vvGet, vvMerge, vvMissing, vvSize, type VersionVector } from "./versionVector.js";

const vvArb: fc.Arbitrary<VersionVector> = fc
  .dictionary(fc.constantFrom("a", "b", "c", "d", "node-10"), fc.integer({ min: 1, max: 20 }), { maxKeys: 5 })
  .map((o) => new Map(Object.entries(o)));

describe("versionVector", () => {
  it("C-V1: absent entries read as 0", () => {
    expect(vvGet(new Map(), "x")).toBe(0);
    expect(vvGet(new Map([["x", 3]]), "x")).toBe(3);
  });

  it("C-V2: vvMerge is the pointwise max, a new map, commutative, associative and idempotent", () => {
    fc.assert(
      fc.property(vvArb, vvArb, vvArb, (a, b, c) => {
        const ab = vvMerge(a, b);
        expect(ab).not.toBe(a);
        for (const r of new Set([...a.keys(), ...b.keys()])) expect(vvGet(ab, r)).toBe(Math.max(vvGet(a, r), vvGet(b, r)));
        expect(vvEquals(ab, vvMerge(b, a))).toBe(true);
        expect(vvEquals(vvMerge(ab, c), vvMerge(a, vvMerge(b, c)))).toBe(true);
        expect(vvEquals(vvMerge(a, a), a)).toBe(true);
      }),
    );
  });

  it("C-V3: vvDominates is pointwise ≥, and vvEquals is mutual dominance (zeros equal absence)", () => {
    fc.assert(
      fc.property(vvArb, vvArb, (a, b) => {
        const ab = vvMerge(a, b);
        expect(vvDominates(ab, a) && vvDominates(ab, b)).toBe(true);
        const pointwise = [...b].every(([r, n]) => vvGet(a, r) >= n);
        expect(vvDominates(a, b)).toBe(pointwise);
      }),
    );
    expect(vvEquals(new Map([["a", 0]]), new Map())).toBe(true);
  });

  it("C-V4: vvDiff lists exactly the changed entries, sorted, and applying it to prev gives next", () => {
    fc.assert(
      fc.property(vvArb, vvArb, (prev, next) => {
        const diff = vvDiff(prev, next);
        expect(vvEquals(vvApplyDiff(prev, diff), next)).toBe(true);
        const ids = diff.map(([r]) => r);
        expect(ids).toEqual([...ids].sort());
        for (const [r, n] of diff) expect(vvGet(prev, r)).not.toBe(n);
        const changed = new Set([...prev.keys(), ...next.keys()].filter((r) => vvGet(prev, r) !== vvGet(next, r)));
        expect(diff.length).toBe(changed.size);
      }),
    );
    expect(vvDiff(new Map([["a", 1], ["b", 2]]), new Map([["a", 3], ["b", 2], ["c", 1]]))).toEqual([
      ["a", 3],
      ["c", 1],
    ]);
  });

  it("C-V5: vvMissing is Σ max(0, F[r] − vv[r]); zero exactly when vv dominates F", () => {
    fc.assert(
      fc.property(vvArb, vvArb, (f, vv) => {
        let expected = 0;
        for (const [r, n] of f) expected += Math.max(0, n - vvGet(vv, r));
        expect(vvMissing(f, vv)).toBe(expected);
        expect(vvMissing(f, vv) === 0).toBe(vvDominates(vv, f));
      }),
    );
    expect(vvMissing(new Map([["a", 5], ["b", 2]]), new Map([["a", 3], ["b", 4]]))).toBe(2);
    expect(vvSize(new Map([["a", 5], ["b", 2]]))).toBe(7);
  });
});
