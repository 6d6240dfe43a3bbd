import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hex } from "../test/laws.js";
import { AWSet } from "./AWSet.js";
import { CausalContext } from "./CausalContext.js";
import { DecodeError } from "./encoding.js";
import { GCounter } from "./GCounter.js";
import { hash64 } from "./hash.js";
import { LWWRegister } from "./LWWRegister.js";
import type { CrdtType } from "./CrdtType.js";
import { CRDT_TYPE_NAMES, crdtTypeByName, randomOp } from "./registry.js";
import { ReplicaState, decodeDelta, encodeDelta, mergeDeltas } from "./ReplicaState.js";
import { vvMissing } from "./versionVector.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
}

describe("ReplicaState", () => {
  it("C-R1: local updates get dots (replicaId, 1), (replicaId, 2), … and a delta whose context is that dot", () => {
    const r = new ReplicaState(AWSet, "node-1");
    const dots = [1, 2, 3].map((i) => r.update({ type: i === 2 ? "remove" : "add", element: `e${i}` }));
    expect(dots.map((d) => d.dot)).toEqual([1, 2, 3].map((seq) => ({ replica: "node-1", seq })));
    expect(r.seq).toBe(3);
    expect(dots[2]!.delta.context.equals(CausalContext.fromDots([{ replica: "node-1", seq: 3 }]))).toBe(true);
    expect(() => new ReplicaState(AWSet, "")).toThrow(TypeError);
  });

  it("C-R1: a rejected op changes nothing (no dot is used up)", () => {
    const r = new ReplicaState(GCounter, "a");
    expect(() => r.update({ type: "increment", amount: -1 })).toThrow(TypeError);
    expect(r.seq).toBe(0);
    expect(r.versionVector()).toEqual(new Map());
  });

  it("C-R2: every type keeps the version vector across merges; after a full exchange it equals the frontier", () => {
    fc.assert(
      fc.property(fc.constantFrom(...CRDT_TYPE_NAMES), fc.integer({ min: 1, max: 2 ** 31 }), (name, seed) => {
        const type = crdtTypeByName(name);
        const rand = lcg(seed);
        const reps = ["a", "b", "c"].map((id) => new ReplicaState(type, id));
        for (let i = 0; i < 30; i++) {
          const r = reps[Math.floor(rand() * 3)]!;
          const { delta } = r.update(randomOp(type, rand, r.replicaId, r.seq + 1, 1000 + i));
          for (const o of reps) if (o !== r && rand() < 0.4) o.merge(delta);
        }
        const frontier = new Map(reps.filter((r) => r.seq > 0).map((r) => [r.replicaId, r.seq] as [string, number]));
        for (const x of reps) for (const y of reps) x.merge(y.snapshot());
        for (const r of reps) {
          expect(r.versionVector()).toEqual(frontier);
          expect(vvMissing(frontier, r.versionVector())).toBe(0);
          expect(r.digest()).toEqual(reps[0]!.digest());
        }
      }),
      { numRuns: 60 },
    );
  });

  it("C-R4: merging what is already included is a no-op; otherwise newlyIncluded is exactly the new dots", () => {
    const a = new ReplicaState(GCounter, "a");
    const b = new ReplicaState(GCounter, "b");
    const d1 = a.update({ type: "increment" }).delta;
    a.update({ type: "increment" });
    const d3 = a.update({ type: "increment" }).delta;
    expect(b.merge(d3)).toEqual({ changed: true, newlyIncluded: [{ replica: "a", from: 3, to: 3 }] });
    expect(b.merge(d3)).toEqual({ changed: false, newlyIncluded: [] });
    expect(b.merge(a.snapshot())).toEqual({ changed: true, newlyIncluded: [{ replica: "a", from: 1, to: 2 }] });
    expect(b.merge(d1)).toEqual({ changed: false, newlyIncluded: [] });
    expect(b.versionVector()).toEqual(new Map([["a", 3]]));
    expect(b.value()).toBe(3);
  });

  it("C-R4: merge options — without collecting, the same state and context and no ranges; `fresh` skips only the coverage check", () => {
    const a = new ReplicaState(AWSet, "a");
    const deltas = ["x", "y", "z"].map((element) => a.update({ type: "add", element }).delta);
    deltas.push(a.update({ type: "remove", element: "y" }).delta);
    const collected = new ReplicaState(AWSet, "b");
    const quiet = new ReplicaState(AWSet, "c");
    for (const d of [deltas[2]!, deltas[0]!, deltas[3]!, deltas[1]!]) {
      collected.merge(d);
      expect(quiet.merge(d, { fresh: true, collect: false })).toEqual({ changed: true, newlyIncluded: [] });
    }
    expect(quiet.stateBytes()).toEqual(collected.stateBytes());
    expect(quiet.context().equals(collected.context())).toBe(true);
    expect([...quiet.value()].sort()).toEqual(["x", "z"]);
    // Without `fresh` the coverage check still answers "nothing new".
    expect(quiet.merge(deltas[0]!, { collect: false })).toEqual({ changed: false, newlyIncluded: [] });
  });

  it("C-R4: mergeEncoded(bytes) is merge(decodeDelta(bytes)) — counters' single updates read straight in, anything else decoded; malformed bytes change nothing", () => {
    const check = <S, Op, V>(type: CrdtType<S, Op, V>, opFor: (n: number) => Op) => {
      fc.assert(
        fc.property(fc.array(fc.tuple(fc.constantFrom("a", "b", "c"), fc.nat(3)), { minLength: 1, maxLength: 25 }), fc.boolean(), (steps, quiet) => {
          const sources = new Map(["a", "b", "c"].map((id) => [id, new ReplicaState(type, id)] as const));
          const direct = new ReplicaState(type, "c");
          const encoded = new ReplicaState(type, "c");
          const options = quiet ? { fresh: true, collect: false } : undefined;
          for (const [id, n] of steps) {
            const { delta } = sources.get(id)!.update(opFor(n));
            const bytes = encodeDelta(type, delta);
            if (direct.context().covers(delta.context)) continue; // `fresh` promises a new dot
            const want = direct.merge(delta);
            const got = encoded.mergeEncoded(bytes, options);
            expect(got.changed).toBe(want.changed);
            if (!quiet) expect(got.newlyIncluded).toEqual(want.newlyIncluded);
            expect(encoded.stateBytes()).toEqual(direct.stateBytes());
            expect(encoded.context().equals(direct.context())).toBe(true);
            expect(encoded.seq).toBe(direct.seq);
            // A cut copy is refused whole.
            const before = encoded.snapshotBytes().slice();
            expect(() => encoded.mergeEncoded(bytes.subarray(0, bytes.length - 1), options)).toThrow(DecodeError);
            expect(encoded.snapshotBytes()).toEqual(before);
          }
        }),
        { numRuns: 60 },
      );
    };
    check(GCounter, (n) => ({ type: "increment" as const, amount: n }));
    check(AWSet, (n) => ({ type: "add" as const, element: `e${n}` }));
  });

  it("C-R5: digest = version vector, hash64 and length of the canonical state encoding, summary; cached until a change", () => {
    const r = new ReplicaState(AWSet, "a");
    r.update({ type: "add", element: "x" });
    const d = r.digest();
    const bytes = AWSet.encode(r.snapshot().state);
    expect(d).toEqual({ versionVector: new Map([["a", 1]]), hash: hash64(bytes), bytes: bytes.length, summary: "1 element" });
    expect(r.digest()).toBe(d); // cached
    expect(r.merge(r.snapshot()).changed).toBe(false);
    expect(r.digest()).toBe(d); // a no-op merge keeps the cache
    r.update({ type: "add", element: "y" });
    expect(r.digest()).not.toBe(d);
    expect(r.digest().summary).toBe("2 elements");
    expect(hex(r.stateBytes())).toBe(hex(AWSet.encode(r.snapshot().state)));
  });

  it("C-R6: a replica never reissues a dot it issued before, even after losing its state", () => {
    const old = new ReplicaState(GCounter, "a");
    for (let i = 0; i < 4; i++) old.update({ type: "increment" });
    const peer = new ReplicaState(GCounter, "b");
    peer.merge(old.snapshot());
    const restarted = new ReplicaState(GCounter, "a");
    restarted.merge(peer.snapshot());
    expect(restarted.seq).toBe(4);
    expect(restarted.update({ type: "increment" }).dot).toEqual({ replica: "a", seq: 5 });
    const restored = ReplicaState.fromSnapshot(GCounter, "a", old.snapshot());
    expect(restored.seq).toBe(4);
    expect(restored.value()).toBe(4);
  });

  it("C-R7: a snapshot is not changed by later updates or merges of its replica", () => {
    const r = new ReplicaState(AWSet, "a");
    for (let i = 0; i < 5; i++) r.update({ type: "add", element: i });
    const snap = r.snapshot();
    const before = hex(AWSet.encode(snap.state));
    r.update({ type: "remove", element: 2 });
    const other = new ReplicaState(AWSet, "b");
    other.update({ type: "add", element: "z" });
    r.merge(other.snapshot());
    expect(hex(AWSet.encode(snap.state))).toBe(before);
    expect(snap.context.versionVector()).toEqual(new Map([["a", 5]]));
    expect(r.value()).toEqual([0, 1, 3, 4, "z"]);
  });

  it("C-R8: encodeDelta/decodeDelta round-trip; snapshotBytes is encodeDelta of the snapshot; a wrong type is rejected", () => {
    const r = new ReplicaState(LWWRegister, "a");
    const { delta } = r.update({ type: "set", value: { on: true }, timestamp: 12.5 });
    const back = decodeDelta(LWWRegister, encodeDelta(LWWRegister, delta));
    expect(back.state).toEqual(delta.state);
    expect(back.context.equals(delta.context)).toBe(true);
    expect(hex(r.snapshotBytes())).toBe(hex(encodeDelta(LWWRegister, r.snapshot())));
    expect(() => decodeDelta(GCounter as never, encodeDelta(LWWRegister, delta))).toThrow(DecodeError);
    expect(() => LWWRegister.decode(encodeDelta(LWWRegister, delta))).toThrow(DecodeError); // a delta is not a state
  });

  it("C-D4: mergeDeltas gives a delta-group equivalent to applying its parts", () => {
    const a = new ReplicaState(AWSet, "a");
    const d1 = a.update({ type: "add", element: "x" }).delta;
    const d2 = a.update({ type: "add", element: "y" }).delta;
    const d3 = a.update({ type: "remove", element: "x" }).delta;
    const group = mergeDeltas(AWSet, mergeDeltas(AWSet, d1, d2), d3);
    const b = new ReplicaState(AWSet, "b");
    expect(b.merge(group).newlyIncluded).toEqual([{ replica: "a", from: 1, to: 3 }]);
    expect(b.value()).toEqual(["y"]);
    expect(b.digest()).toEqual({ ...a.digest(), versionVector: new Map([["a", 3]]) });
  });
});
