import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AWMap } from "./AWMap.js";
import { AWSet } from "./AWSet.js";
import { GCounter } from "./GCounter.js";
import { MVRegister } from "./MVRegister.js";
import { CRDT_TYPE_NAMES, crdtTypeByName, randomOp } from "./registry.js";
import { ReplicaState } from "./ReplicaState.js";

describe("registry", () => {
  it("C-X1: crdtTypeByName gives each type under its own name; awmap is a map of MVRegisters", () => {
    for (const name of CRDT_TYPE_NAMES) expect(crdtTypeByName(name).name).toBe(name);
    expect(crdtTypeByName("gcounter")).toBe(GCounter);
    expect(crdtTypeByName("awmap")).toBe(AWMap(MVRegister));
    expect(() => crdtTypeByName("nope" as never)).toThrow(TypeError);
    expect(() => crdtTypeByName("toString" as never)).toThrow(TypeError);
  });

  it("C-X2: randomOp gives ops every type accepts", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CRDT_TYPE_NAMES), fc.array(fc.double({ min: 0, max: 0.999999, noNaN: true }), { minLength: 8, maxLength: 8 }), (name, rs) => {
        const type = crdtTypeByName(name);
        let i = 0;
        const rand = () => rs[i++ % rs.length]!;
        const r = new ReplicaState(type, "a");
        for (let n = 0; n < 10; n++) r.update(randomOp(type, rand, "a", r.seq + 1, 1_700_000_000_000 + n));
        expect(r.seq).toBe(10);
      }),
    );
    expect(randomOp(AWMap(GCounter), () => 0.5, "a", 1, 0)).toEqual({ type: "update", key: "k4", op: { type: "increment", amount: 1 } });
  });

  it("C-X2: set workloads draw from a bounded domain, so adds and removes both happen and the set stays bounded", () => {
    let s = 42;
    const rand = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    const r = new ReplicaState(AWSet, "a");
    const kinds = new Map<string, number>();
    for (let n = 0; n < 2000; n++) {
      const op = randomOp(AWSet, rand, "a", r.seq + 1, n) as { type: string };
      kinds.set(op.type, (kinds.get(op.type) ?? 0) + 1);
      r.update(op as never);
    }
    expect(kinds.get("add")).toBeGreaterThan(800);
    expect(kinds.get("remove")).toBeGreaterThan(500);
    expect(r.value().length).toBeLessThanOrEqual(32);
    expect(r.value().length).toBeGreaterThan(0);
    const small = randomOp(AWSet, rand, "a", 1, 0, { domainSize: 2 }) as { element: string };
    expect(["e0", "e1"]).toContain(small.element);
  });
});
