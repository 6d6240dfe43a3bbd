import { CausalContext } from "@driftscope/crdt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, messageVersionVector } from "../wire/message.js";
import { originIndex } from "../wire/origins.js";
import { DotTracker } from "./DotTracker.js";
import { VectorView } from "./VectorView.js";

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
        expect(tracker.origins).toBe(ctx.versionVector().size);
        expect(tracker.hasCloud()).toBe(ctx.cloudSize() > 0);
      }),
    );
  });

  it("T2: its vector (by name or by origin number) travels in a message and compares with another tracker's like version vectors do", () => {
    const vv = fc.array(fc.nat({ max: 5 }), { minLength: 3, maxLength: 3 });
    const origins = ["dt2-a", "dt2-b", "dt2-c"];
    const trackerOf = (seqs: number[]) => {
      const t = new DotTracker();
      seqs.forEach((n, i) => n > 0 && t.addRange(originIndex(origins[i]!), 1, n));
      return t;
    };
    fc.assert(
      fc.property(vv, vv, fc.boolean(), (mine, theirs, numbered) => {
        const bytes = encodeMessage({
          kind: "digest", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
          logFrom: 0, logTo: 0, hash: null, versionVector: trackerOf(theirs).encodeVector(numbered), body: null,
        });
        const m = decodeMessage(bytes);
        expect(messageVersionVector(m)).toEqual(new Map(theirs.flatMap((n, i) => (n > 0 ? [[origins[i]!, n] as const] : []))));
        const view = VectorView.acquire(m);
        const t = trackerOf(mine);
        expect(t.dominates(view)).toBe(mine.every((n, i) => n >= theirs[i]!));
        expect(t.dominatedBy(view)).toBe(mine.every((n, i) => n <= theirs[i]!));
        view.release();
      }),
    );
  });
});
