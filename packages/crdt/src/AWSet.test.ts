import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { awsetOpArb, elementArb } from "../test/arbitraries.js";
import { historyArb, lawSuite, maximalOps, playCausal, REPLICA_IDS } from "../test/laws.js";
import { AWSet, awsetIndex, type AWSetOp, type AWSetState } from "./AWSet.js";
import { indexSize } from "./dots.js";
import { ReplicaState, encodeDelta } from "./ReplicaState.js";
import { comparePrimitives, type Primitive } from "./values.js";

lawSuite("AWSet", AWSet, awsetOpArb, { numRuns: 150 });

const add = (element: Primitive): AWSetOp => ({ type: "add", element });
const remove = (element: Primitive): AWSetOp => ({ type: "remove", element });

/** Dots per replica per element, the context's cloud, and index consistency. */
function metadata(s: AWSetState) {
  let maxDotsPerReplica = 0;
  let dots = 0;
  for (const list of s.store.entries.values()) {
    dots += list.length;
    const per = new Map<string, number>();
    for (const d of list) per.set(d.replica, (per.get(d.replica) ?? 0) + 1);
    for (const n of per.values()) maxDotsPerReplica = Math.max(maxDotsPerReplica, n);
  }
  // A maintained index must equal one rebuilt from the entries.
  const rebuilt = awsetIndex({ entries: s.store.entries, index: null });
  if (s.store.index !== null) expect(s.store.index).toEqual(rebuilt);
  return { maxDotsPerReplica, dots, indexed: indexSize(rebuilt), cloud: s.context.cloudSize() };
}

describe("AWSet", () => {
  it("C-AW1/C-AW2: with causal delivery, an element is present iff some add of it was observed by no other op on it", () => {
    fc.assert(
      fc.property(historyArb(awsetOpArb, 3, 24), (steps) => {
        const { final, ops } = playCausal(AWSet, steps);
        const expected: Primitive[] = [];
        for (const e of new Set(ops.map((o) => o.op.element))) {
          const onE = ops.filter((o) => Object.is(o.op.element, e));
          if (maximalOps(onE).some((o) => o.op.type === "add")) expected.push(e);
        }
        expect(final.value()).toEqual(expected.sort(comparePrimitives));
      }),
      { numRuns: 200 },
    );
  });

  it("C-AW1: add wins over a concurrent remove, in either merge order", () => {
    const a = new ReplicaState(AWSet, "a");
    const b = new ReplicaState(AWSet, "b");
    b.merge(a.update(add("x")).delta);
    const rm = b.update(remove("x")).delta; // b observed a's add
    const readd = a.update(add("x")).delta; // concurrent with the remove
    a.merge(rm);
    b.merge(readd);
    expect(a.value()).toEqual(["x"]);
    expect(b.value()).toEqual(["x"]);
    expect(a.digest()).toEqual(b.digest());
  });

  it("C-AW2: a remove cancels the adds it observed, and only those", () => {
    const a = new ReplicaState(AWSet, "a");
    const b = new ReplicaState(AWSet, "b");
    const c = new ReplicaState(AWSet, "c");
    const addA = a.update(add("x")).delta;
    const addC = c.update(add("x")).delta; // b never sees this one before removing
    b.merge(addA);
    const rm = b.update(remove("x")).delta;
    for (const d of [rm, addA]) a.merge(d);
    expect(a.value()).toEqual([]);
    for (const d of [addC, addA, rm]) c.merge(d);
    expect(c.value()).toEqual(["x"]);
    a.merge(addC);
    expect(a.value()).toEqual(["x"]);
  });

  it("C-AW2: removing an absent element is a no-op on the value but still a dot", () => {
    const a = new ReplicaState(AWSet, "a");
    const { delta } = a.update(remove("nope"));
    expect(a.value()).toEqual([]);
    expect(delta.state.store.entries.size).toBe(0);
    expect(a.versionVector()).toEqual(new Map([["a", 1]]));
  });

  it("C-AW3/C-AW4: after all deltas arrive, metadata is live elements only: ≤ 1 dot per replica per element, no cloud", () => {
    fc.assert(
      fc.property(historyArb(awsetOpArb, 3, 40), (steps) => {
        const { final } = playCausal(AWSet, steps);
        const s = final.snapshot().state;
        const m = metadata(s);
        expect(m.cloud).toBe(0);
        expect(final.context().cloudSize()).toBe(0);
        expect(m.maxDotsPerReplica).toBeLessThanOrEqual(1);
        expect(m.indexed).toBe(m.dots);
        expect(s.store.entries.size).toBe(final.value().length);
      }),
      { numRuns: 150 },
    );
  });

  it("C-AW3: encoded size does not grow with add/remove churn of the same elements", () => {
    const reps = REPLICA_IDS.slice(0, 3).map((id) => new ReplicaState(AWSet, id));
    const domain = ["e0", "e1", "e2", "e3", "e4", "e5", "e6", "e7"];
    let seed = 7;
    const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const sizes: number[] = [];
    for (let i = 1; i <= 6000; i++) {
      const r = reps[i % 3]!;
      const e = domain[Math.floor(rand() * domain.length)]!;
      const { delta } = r.update(rand() < 0.5 ? add(e) : remove(e));
      for (const other of reps) if (other !== r && rand() < 0.7) other.merge(delta);
      if (i % 500 === 0) {
        for (const x of reps) for (const y of reps) x.merge(y.snapshot());
        const s = reps[0]!.snapshot().state;
        expect(metadata(s).cloud).toBe(0);
        sizes.push(reps[0]!.digest().bytes);
      }
    }
    // Bound from the format: header+table ≤ 30, ≤ 8 elements × 3 replicas dots of ≤ 3+4 bytes,
    // context 3 × ≤ 6 bytes. It holds after 500 ops and after 6000.
    for (const size of sizes) expect(size).toBeLessThanOrEqual(30 + 8 * 3 * 7 + 3 + 3 * 6);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(Math.min(...sizes) + 8 * 3 * 7);
  });

  it("C-D3: the delta of one add or remove is tiny and independent of the set's size", () => {
    const r = new ReplicaState(AWSet, "a");
    const sizes: number[] = [];
    for (let i = 0; i < 2000; i++) {
      const { delta } = r.update(add(`element-${i}`));
      if (i === 10 || i === 1999) sizes.push(encodeDelta(AWSet, delta).length);
    }
    const rm = r.update(remove("element-5")).delta;
    expect(sizes[0]).toBeLessThan(40); // header, 1-id table, context, element "element-10"
    expect(sizes[1]! - sizes[0]!).toBeLessThanOrEqual(6); // 2 more chars in the name, wider seq varints
    expect(encodeDelta(AWSet, rm).length).toBeLessThan(40);
    expect(encodeDelta(AWSet, r.snapshot()).length).toBeGreaterThan(100 * sizes[1]!);
  });

  it("C-M5: merging a small delta into a large replica touches only that delta's elements", () => {
    const big = new ReplicaState(AWSet, "a");
    for (let i = 0; i < 300; i++) big.update(add(i));
    const other = new ReplicaState(AWSet, "b");
    other.merge(big.snapshot());
    const { delta } = other.update(remove(7));
    const result = big.merge(delta);
    expect(result.changed).toBe(true);
    expect(result.newlyIncluded).toEqual([{ replica: "b", from: 1, to: 1 }]);
    expect(big.value()).toHaveLength(299);
    expect(big.value()).not.toContain(7);
  });

  it("C-AW5: elements are any JSON primitive; numbers and strings stay distinct", () => {
    fc.assert(
      fc.property(fc.array(elementArb, { maxLength: 12 }), (elements) => {
        const r = new ReplicaState(AWSet, "a");
        for (const e of elements) r.update(add(e));
        expect(r.value()).toEqual([...new Set(elements.map((e) => (e === 0 ? 0 : e)))].sort(comparePrimitives));
        expect(AWSet.value(AWSet.decode(AWSet.encode(r.snapshot().state)))).toEqual(r.value());
      }),
    );
    const r = new ReplicaState(AWSet, "a");
    r.update(add(1));
    r.update(add("1"));
    expect(r.value()).toEqual([1, "1"]);
  });
});
