import { CausalContext } from "@driftscope/crdt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeMessage, encodeMessage, messageVersionVector } from "../wire/message.js";
import { originIndex } from "../wire/origins.js";
import { Writer } from "../wire/codec.js";
import { DotTracker } from "./DotTracker.js";
import { SeqCeiling } from "./SeqCeiling.js";
import { VectorView } from "./VectorView.js";

describe("DotTracker", () => {
  it("G-DT1: answers like a causal context for any insertion order, ranges included", () => {
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

  it("G-DT2: its vector (by name or by origin number) travels in a message and compares with another tracker's like version vectors do", () => {
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

  it("G-DT3: against a partial vector, only the listed origins count: what the peer lacks, and whether it covers our dots or a log's evicted ones", () => {
    const origins = ["dt3-a", "dt3-b", "dt3-c"];
    const seqs = fc.array(fc.nat({ max: 6 }), { minLength: 3, maxLength: 3 });
    // Which origins the peer lists (the others read +∞), and its seq at each listed one.
    const listing = fc.array(fc.option(fc.nat({ max: 6 }), { nil: undefined }), { minLength: 3, maxLength: 3 });
    fc.assert(
      fc.property(seqs, fc.nat({ max: 2 }), listing, (mine, cloudAt, listed) => {
        const t = new DotTracker();
        mine.forEach((n, i) => n > 0 && t.addRange(originIndex(origins[i]!), 1, n));
        t.add(originIndex(origins[cloudAt]!), 9); // one dot beyond a gap
        const entries = listed.flatMap((n, i) => (n === undefined ? [] : [[origins[i]!, n] as const]));
        const w = new Writer(64);
        w.varint(entries.length);
        for (const [name, n] of entries) {
          w.string(name);
          w.varint(n);
        }
        const m = decodeMessage(encodeMessage({
          kind: "pull", payload: "delta", full: false, reply: false, ackWanted: false, incarnation: 0, ack: 0, ackIncarnation: 0,
          logFrom: 0, logTo: 0, hash: null, versionVector: { encoded: w.finish(), size: entries.length, partial: true }, body: null,
        }));
        const held = (i: number) => [...Array.from({ length: mine[i]! }, (_, k) => k + 1), ...(i === cloudAt ? [9] : [])];
        let lacks = 0;
        let covered = true;
        listed.forEach((n, i) => {
          if (n === undefined) return;
          lacks += held(i).filter((s) => s > n).length;
          if (held(i).some((s) => s > n)) covered = false;
        });
        const ceiling = new SeqCeiling();
        origins.forEach((o, i) => held(i).forEach((s) => ceiling.add(originIndex(o), s)));
        expect(VectorView.with(m, (view) => {
          expect(t.lackedBy(view)).toBe(lacks);
          expect(t.coveredBy(view)).toBe(covered);
          expect(ceiling.coveredBy(view)).toBe(covered);
          expect(t.ceiling().coveredBy(view)).toBe(covered);
        })).toBe(true);
      }),
    );
  });
});

