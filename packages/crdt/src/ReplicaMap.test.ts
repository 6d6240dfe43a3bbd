import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { GCounter } from "./GCounter.js";
import { ReplicaMap } from "./ReplicaMap.js";

describe("ReplicaMap", () => {
  it("C-RM1: behaves as a Map of positive numbers, one entry, small or dense (from 128 entries), clones independent", () => {
    const writes = fc.array(fc.tuple(fc.integer({ min: 0, max: 250 }).map((i) => `m1-${i}`), fc.integer({ min: 1, max: 1000 })), { maxLength: 500 });
    fc.assert(
      fc.property(writes, writes, (first, second) => {
        const m = new ReplicaMap();
        const model = new Map<string, number>();
        for (const [id, n] of first) {
          m.set(id, n);
          model.set(id, n);
        }
        const copy = m.clone();
        for (const [id, n] of second) {
          m.set(id, n);
          model.set(id, n);
        }
        expect(m.size).toBe(model.size);
        expect([...m]).toEqual([...model]); // insertion order, in both forms
        expect([...m.keys()]).toEqual([...model.keys()]);
        expect([...m.values()]).toEqual([...model.values()]);
        const visited: Array<[string, number]> = [];
        m.forEach((n, id) => visited.push([id, n]));
        expect(visited).toEqual([...model]);
        for (let i = 0; i <= 251; i++) expect(m.get(`m1-${i}`)).toBe(model.get(`m1-${i}`));
        expect(new Map(copy)).toEqual(new Map(first)); // later writes did not reach the clone
      }),
      { numRuns: 80, endOnFailure: true }, // big inputs: shrinking them would take minutes
    );
  });

  it("C-RM2: only positive numbers go in (a count or seq is never 0)", () => {
    expect(() => new ReplicaMap().set("a", 0)).toThrow(RangeError);
    expect(() => ReplicaMap.from([["a", -1]])).toThrow(RangeError);
  });

  it("C-RM3: a counter of 1,000 replicas (dense) merges, encodes and sums like the same counter built in another order", () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `m3-${i}`);
    const build = (order: string[]) => {
      let s = GCounter.empty();
      for (const id of order) s = GCounter.mergeInto!(s, GCounter.mutate(s, { type: "increment", amount: id.length }, { replica: id, seq: 1 }));
      return s;
    };
    const a = build(ids);
    const b = build([...ids].reverse());
    expect(GCounter.value(a)).toBe(ids.reduce((n, id) => n + id.length, 0));
    expect(GCounter.encode(a)).toEqual(GCounter.encode(b));
    expect(GCounter.encode(GCounter.merge(a, b))).toEqual(GCounter.encode(a));
  });
});
