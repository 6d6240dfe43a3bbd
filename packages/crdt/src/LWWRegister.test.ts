import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lwwOpArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, play } from "../test/laws.js";
import { LWWRegister, compareWrites, type LWWOp, type LWWWrite } from "./LWWRegister.js";
import { ReplicaState } from "./ReplicaState.js";

lawSuite("LWWRegister", LWWRegister, lwwOpArb);

describe("LWWRegister", () => {
  it("C-LWW1: the write with the greatest (timestamp, replica id, seq) wins, whatever the delivery", () => {
    fc.assert(
      fc.property(historyArb(lwwOpArb), (steps) => {
        const p = play(LWWRegister, steps);
        const final = new ReplicaState(LWWRegister, "observer");
        for (const d of p.deltas) final.merge(d);
        const writes = p.deltas.map((d) => d.state!);
        const winner = writes.reduce<LWWWrite | null>((w, x) => (w === null || compareWrites(x, w) > 0 ? x : w), null);
        expect(final.value()).toEqual(winner === null ? null : winner.value);
        expect(final.snapshot().state).toEqual(winner);
      }),
    );
  });

  it("C-LWW1: equal timestamps are broken by replica id, then by seq", () => {
    const set = (value: string, timestamp: number): LWWOp => ({ type: "set", value, timestamp });
    const a = new ReplicaState(LWWRegister, "a");
    const b = new ReplicaState(LWWRegister, "b");
    const fromB = b.update(set("from-b", 5)).delta;
    a.update(set("from-a-1", 5));
    a.update(set("from-a-2", 5));
    a.merge(fromB);
    expect(a.value()).toBe("from-b"); // "b" > "a"
    const a2 = a.update(set("from-a-3", 5)).delta; // same timestamp, higher seq but lower id
    b.merge(a2);
    expect(b.value()).toBe("from-b");
    b.update(set("from-b-2", 5));
    expect(b.value()).toBe("from-b-2"); // same replica: higher seq wins
  });

  it("C-LWW2: null before the first write; the version vector is kept although the state keeps one write", () => {
    const r = new ReplicaState(LWWRegister, "a");
    expect(r.value()).toBeNull();
    expect(r.digest().summary).toBe("unset");
    r.update({ type: "set", value: 1, timestamp: 10 });
    r.update({ type: "set", value: 2, timestamp: 5 }); // older timestamp: loses, yet counted
    expect(r.value()).toBe(1);
    expect(r.versionVector()).toEqual(new Map([["a", 2]]));
  });

  it("C-LWW3: timestamps must be finite numbers; values are validated JSON", () => {
    const dot = { replica: "a", seq: 1 };
    expect(() => LWWRegister.mutate(null, { type: "set", value: 1, timestamp: Number.NaN }, dot)).toThrow(TypeError);
    expect(() => LWWRegister.mutate(null, { type: "set", value: 1 } as unknown as LWWOp, dot)).toThrow(TypeError);
    expect(() => LWWRegister.mutate(null, { type: "set", value: new Map() as never, timestamp: 1 }, dot)).toThrow(TypeError);
  });
});
