import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { OneOrMap } from "./OneOrMap.js";

describe("OneOrMap", () => {
  it("C-OM1: behaves as a Map under any sets and deletes (one entry inline, a Map from the second)", () => {
    const op = fc.tuple(fc.boolean(), fc.constantFrom("a", "b", "c", "d"), fc.nat(9));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 30 }), (ops) => {
        const m = new OneOrMap<number>();
        const model = new Map<string, number>();
        for (const [isSet, key, value] of ops) {
          if (isSet) {
            m.set(key, value);
            model.set(key, value);
          } else {
            expect(m.delete(key)).toBe(model.delete(key));
          }
          expect(m.size).toBe(model.size);
          for (const k of ["a", "b", "c", "d"]) {
            expect(m.get(k)).toBe(model.get(k));
            expect(m.has(k)).toBe(model.has(k));
          }
          expect([...m]).toEqual([...model]);
          expect([...m.keys()]).toEqual([...model.keys()]);
          expect([...m.values()]).toEqual([...model.values()]);
        }
      }),
    );
  });
});
