import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awmapOpArb, awsetOpArb, gcounterOpArb, keyArb, lwwOpArb, mvOpArb, pncounterOpArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, maximalOps, playCausal } from "../test/laws.js";
import { AWMap, type AWMapOp, type AWMapState } from "./AWMap.js";
import { AWSet, type AWSetOp } from "./AWSet.js";
import type { CrdtType } from "./CrdtType.js";
import { GCounter, type GCounterOp } from "./GCounter.js";
import { LWWRegister } from "./LWWRegister.js";
import { MVRegister } from "./MVRegister.js";
import { PNCounter } from "./PNCounter.js";
import { ReplicaState } from "./ReplicaState.js";
import { comparePrimitives, type Primitive } from "./values.js";

const SetMap = AWMap(AWSet);
const CounterMap = AWMap(GCounter);

lawSuite("AWMap(GCounter)", CounterMap, awmapOpArb(gcounterOpArb), { numRuns: 80 });
lawSuite("AWMap(AWSet)", SetMap, awmapOpArb(awsetOpArb), { numRuns: 80 });
lawSuite("AWMap(MVRegister)", AWMap(MVRegister), awmapOpArb(mvOpArb), { numRuns: 60 });
lawSuite("AWMap(LWWRegister)", AWMap(LWWRegister), awmapOpArb(lwwOpArb), { numRuns: 50 });
lawSuite("AWMap(PNCounter)", AWMap(PNCounter), awmapOpArb(pncounterOpArb), { numRuns: 40 });
lawSuite("AWMap(AWMap(AWSet))", AWMap(SetMap), awmapOpArb(awmapOpArb(awsetOpArb)), { numRuns: 60 });
lawSuite("AWMap(AWMap(GCounter))", AWMap(CounterMap), awmapOpArb(awmapOpArb(gcounterOpArb)), { numRuns: 40 });

const upd = <Op>(key: Primitive, op: Op): AWMapOp<Op> => ({ type: "update", key, op });
const del = (key: Primitive): AWMapOp<never> => ({ type: "remove", key });
const inc = (amount = 1): GCounterOp => ({ type: "increment", amount });
const add = (element: Primitive): AWSetOp => ({ type: "add", element });

describe("AWMap", () => {
  it("C-MAP1: AWMap(type) is one type object per nested type and names its nested type", () => {
    expect(AWMap(AWSet)).toBe(SetMap);
    expect(SetMap.nested).toBe(AWSet);
    expect(SetMap.name).toBe("awmap");
    expect(() => AWMap({ name: "gcounter" } as never)).toThrow(TypeError);
  });

  it("C-MAP1/C-MAP3: causal nested values — an element of k is present iff an add of it was observed by no other op on (k, it) and no remove(k)", () => {
    fc.assert(
      fc.property(historyArb(awmapOpArb(awsetOpArb), 3, 24), (steps) => {
        const { final, ops } = playCausal(SetMap, steps);
        const expected = new Map<Primitive, Primitive[]>();
        for (const k of [...new Set(ops.map((o) => o.op.key))].sort(comparePrimitives)) {
          const removes = ops.filter((o) => o.op.type === "remove" && Object.is(o.op.key, k));
          const updates = ops.filter((o) => o.op.type === "update" && Object.is(o.op.key, k));
          const elements: Primitive[] = [];
          for (const e of new Set(updates.map((o) => (o.op as { op: AWSetOp }).op.element))) {
            const onE = updates.filter((o) => Object.is((o.op as { op: AWSetOp }).op.element, e));
            const alive = maximalOps([...onE, ...removes]).some((o) => o.op.type === "update" && (o.op as { op: AWSetOp }).op.type === "add");
            if (alive) elements.push(e);
          }
          if (elements.length > 0) expected.set(k, elements.sort(comparePrimitives));
        }
        expect(final.value()).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it("C-MAP2/C-MAP4: non-causal nested values — k is visible iff an update of k was observed by no other op on k; its value counts every increment ever", () => {
    fc.assert(
      fc.property(historyArb(awmapOpArb(gcounterOpArb), 3, 24), (steps) => {
        const { final, ops } = playCausal(CounterMap, steps);
        const expected = new Map<Primitive, number>();
        for (const k of [...new Set(ops.map((o) => o.op.key))].sort(comparePrimitives)) {
          const onK = ops.filter((o) => Object.is(o.op.key, k));
          if (!maximalOps(onK).some((o) => o.op.type === "update")) continue;
          expected.set(k, onK.reduce((sum, o) => sum + (o.op.type === "update" ? (o.op.op.amount ?? 1) : 0), 0));
        }
        expect(final.value()).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it("C-MAP2: an update concurrent with remove(k) wins, for causal and non-causal nested values", () => {
    function check<Op>(Type: CrdtType<AWMapState, AWMapOp<Op>, Map<Primitive, unknown>>, first: Op, concurrent: Op): void {
      const a = new ReplicaState(Type, "a");
      const b = new ReplicaState(Type, "b");
      b.merge(a.update(upd("k", first)).delta);
      const rm = b.update(del("k")).delta;
      const late = a.update(upd("k", concurrent)).delta;
      a.merge(rm);
      b.merge(late);
      expect([...a.value().keys()]).toEqual(["k"]);
      expect(a.digest()).toEqual(b.digest());
    }
    check(CounterMap, inc(), inc());
    check(SetMap, add("x"), add("y"));
  });

  it("C-MAP3: remove(k) of a causal value cancels the observed nested effects; a concurrent nested add survives alone", () => {
    const a = new ReplicaState(SetMap, "a");
    const b = new ReplicaState(SetMap, "b");
    b.merge(a.update(upd("k", add("x"))).delta);
    const rm = b.update(del("k")).delta;
    const addY = a.update(upd("k", add("y"))).delta;
    a.merge(rm);
    b.merge(addY);
    expect(a.value()).toEqual(new Map([["k", ["y"]]]));
    expect(b.value()).toEqual(new Map([["k", ["y"]]]));
  });

  it("C-MAP3: removing a causal value leaves no tombstone, and re-adding the key starts empty", () => {
    const a = new ReplicaState(SetMap, "a");
    for (const e of ["x", "y", "z"]) a.update(upd("k", add(e)));
    a.update(del("k"));
    const s = a.snapshot().state;
    expect(s.store.entries.size).toBe(0);
    expect(s.store.index.size).toBe(0);
    expect(a.value()).toEqual(new Map());
    a.update(upd("k", add("w")));
    expect(a.value()).toEqual(new Map([["k", ["w"]]]));
  });

  it("C-MAP3: a key of a causal type exists while its value holds something (an update leaving it empty does not create it)", () => {
    const a = new ReplicaState(SetMap, "a");
    a.update(upd("k", { type: "remove", element: "nothing" }));
    expect(a.value()).toEqual(new Map());
    a.update(upd("k", add("x")));
    a.update(upd("k", { type: "remove", element: "x" }));
    expect(a.value()).toEqual(new Map());
    expect(a.snapshot().state.store.entries.size).toBe(0);
  });

  it("C-MAP4: remove(k) of a non-causal value hides k; the value stays in the state and reappears accumulated", () => {
    const a = new ReplicaState(CounterMap, "a");
    a.update(upd("k", inc(5)));
    const before = a.digest();
    a.update(del("k"));
    expect(a.value()).toEqual(new Map());
    expect(a.snapshot().state.store.entries.size).toBe(1); // the hidden entry
    expect(a.digest().hash).not.toBe(before.hash);
    expect(a.digest().summary).toBe("0 keys of gcounter");
    a.update(upd("k", inc(1)));
    expect(a.value()).toEqual(new Map([["k", 6]]));
    // A replica that hears of the first increment only after the remove agrees.
    const b = new ReplicaState(CounterMap, "b");
    b.merge(a.snapshot());
    expect(b.value()).toEqual(new Map([["k", 6]]));
  });

  it("C-MAP4: presence dots of a non-causal value do not pile up with updates", () => {
    const a = new ReplicaState(CounterMap, "a");
    const b = new ReplicaState(CounterMap, "b");
    for (let i = 0; i < 200; i++) {
      const r = i % 2 === 0 ? a : b;
      const other = r === a ? b : a;
      other.merge(r.update(upd("k", inc())).delta);
    }
    expect(a.snapshot().state.store.entries.get("k")!.presence.length).toBe(1);
    expect(a.value()).toEqual(new Map([["k", 200]]));
  });

  it("C-MAP5: nested maps — removing an outer key hides inner counters and cancels inner sets", () => {
    const Outer = AWMap(CounterMap);
    const a = new ReplicaState(Outer, "a");
    a.update(upd("o", upd("i", inc(2))));
    a.update(del("o"));
    expect(a.value()).toEqual(new Map());
    a.update(upd("o", upd("j", inc())));
    expect(a.value()).toEqual(new Map([["o", new Map([["j", 1]])]]));
    const OuterSets = AWMap(SetMap);
    const b = new ReplicaState(OuterSets, "b");
    b.update(upd("o", upd("i", add("x"))));
    b.update(del("o"));
    expect(b.snapshot().state.store.entries.size).toBe(0);
  });

  it("C-MAP1: keys are validated primitives; unknown ops are rejected", () => {
    fc.assert(
      fc.property(fc.array(keyArb, { maxLength: 6 }), (keys) => {
        const a = new ReplicaState(CounterMap, "a");
        for (const k of keys) a.update(upd(k, inc()));
        expect([...a.value().keys()]).toEqual([...new Set(keys)].sort(comparePrimitives));
      }),
    );
    const a = new ReplicaState(CounterMap, "a");
    expect(() => a.update(upd({} as never, inc()))).toThrow(TypeError);
    expect(() => a.update({ type: "clear" } as never)).toThrow(TypeError);
    expect(a.seq).toBe(0);
  });
});
