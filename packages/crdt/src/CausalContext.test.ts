import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { CausalContext, type Dot, type DotRange } from "./CausalContext.js";
import { DecodeError } from "./encoding.js";

const dotArb: fc.Arbitrary<Dot> = fc.record({ replica: fc.constantFrom("a", "b", "node-10"), seq: fc.integer({ min: 1, max: 12 }) });
const dotsArb = fc.array(dotArb, { maxLength: 30 });

const key = (d: Dot): string => `${d.replica}:${d.seq}`;
function model(dots: readonly Dot[]): Set<string> {
  return new Set(dots.map(key));
}
function expand(ranges: readonly DotRange[]): string[] {
  const out: string[] = [];
  for (const r of ranges) for (let s = r.from; s <= r.to; s++) out.push(`${r.replica}:${s}`);
  return out;
}
function allDots(c: CausalContext): Set<string> {
  return new Set(expand(c.ranges()));
}
function isMaximalAndSorted(ranges: readonly DotRange[]): boolean {
  for (let i = 1; i < ranges.length; i++) {
    const p = ranges[i - 1]!;
    const r = ranges[i]!;
    if (p.replica > r.replica) return false;
    if (p.replica === r.replica && p.to + 1 >= r.from) return false; // overlapping or adjacent
  }
  return true;
}

describe("CausalContext", () => {
  it("C-C1: a context includes exactly the dots added to it", () => {
    fc.assert(
      fc.property(dotsArb, dotArb, (dots, probe) => {
        const c = CausalContext.fromDots(dots);
        expect(allDots(c)).toEqual(model(dots));
        expect(c.includes(probe)).toBe(model(dots).has(key(probe)));
        expect(c.dotCount()).toBe(model(dots).size);
      }),
    );
  });

  it("C-C1: empty contexts stay independent whichever way they are first written", () => {
    const a = new CausalContext();
    a.addDot("a", 3);
    const b = CausalContext.decode(new CausalContext().encode());
    b.addDot("b", 1);
    const c = new CausalContext().clone();
    c.join(CausalContext.fromVersionVector(new Map([["c", 2]])));
    const fresh = new CausalContext();
    expect([a.toString(), b.toString(), c.toString(), fresh.toString()]).toEqual(["{a:0+[3]}", "{b:1}", "{c:2}", "{}"]);
    expect(fresh.isEmpty() && new CausalContext().isEmpty()).toBe(true);
  });

  it("C-C2: contexts are compacted: contiguous dots live in the version vector, equal sets are equal", () => {
    fc.assert(
      fc.property(dotsArb, fc.array(fc.nat(), { maxLength: 30 }), (dots, perm) => {
        const c = CausalContext.fromDots(dots);
        for (const [r, v] of c.versionVector()) {
          expect(v).toBeGreaterThan(0);
          expect(c.includes({ replica: r, seq: v + 1 })).toBe(false);
        }
        const shuffled = [...dots].sort((x, y) => (perm[dots.indexOf(x) % Math.max(1, perm.length)] ?? 0) - (perm[dots.indexOf(y) % Math.max(1, perm.length)] ?? 0));
        const d = CausalContext.fromDots(shuffled);
        expect(d.equals(c)).toBe(true);
        expect([...d.encode()]).toEqual([...c.encode()]);
      }),
    );
    const c = CausalContext.fromDots([3, 1, 2, 5].map((seq) => ({ replica: "a", seq })));
    expect(c.versionVector()).toEqual(new Map([["a", 3]]));
    expect(c.cloudSize()).toBe(1);
    c.add({ replica: "a", seq: 4 });
    expect(c.versionVector()).toEqual(new Map([["a", 5]]));
    expect(c.cloudSize()).toBe(0);
  });

  it("C-C3: join is set union (commutative, associative, idempotent) and joinCollect reports exactly the new dots", () => {
    fc.assert(
      fc.property(dotsArb, dotsArb, dotsArb, (x, y, z) => {
        const [a, b, c] = [x, y, z].map((d) => CausalContext.fromDots(d)) as [CausalContext, CausalContext, CausalContext];
        const ab = a.clone();
        ab.join(b);
        expect(allDots(ab)).toEqual(new Set([...model(x), ...model(y)]));
        const ba = b.clone();
        ba.join(a);
        expect(ba.equals(ab)).toBe(true);
        const abc1 = ab.clone();
        abc1.join(c);
        const bc = b.clone();
        bc.join(c);
        const abc2 = a.clone();
        abc2.join(bc);
        expect(abc1.equals(abc2)).toBe(true);
        const aa = a.clone();
        aa.join(a);
        expect(aa.equals(a)).toBe(true);

        const target = a.clone();
        const fresh = target.joinCollect(b);
        expect(target.equals(ab)).toBe(true);
        expect(new Set(expand(fresh))).toEqual(new Set([...model(y)].filter((d) => !model(x).has(d))));
        expect(expand(fresh).length).toBe(new Set(expand(fresh)).size);
        expect(isMaximalAndSorted(fresh)).toBe(true);
      }),
    );
  });

  it("C-C4: newSince(before) is the dots not in before, as maximal sorted ranges", () => {
    fc.assert(
      fc.property(dotsArb, dotsArb, (x, y) => {
        const before = CausalContext.fromDots(x);
        const after = CausalContext.fromDots([...x, ...y]);
        const ranges = after.newSince(before);
        expect(new Set(expand(ranges))).toEqual(new Set([...model(y)].filter((d) => !model(x).has(d))));
        expect(isMaximalAndSorted(ranges)).toBe(true);
        expect(before.newSince(before)).toEqual([]);
      }),
    );
    const before = CausalContext.fromVersionVector(new Map([["a", 2]]));
    before.add({ replica: "a", seq: 5 });
    const after = CausalContext.fromVersionVector(new Map([["a", 7], ["b", 1]]));
    expect(after.newSince(before)).toEqual([
      { replica: "a", from: 3, to: 4 },
      { replica: "a", from: 6, to: 7 },
      { replica: "b", from: 1, to: 1 },
    ]);
  });

  it("C-C5: covers(other) holds exactly when every dot of other is included", () => {
    fc.assert(
      fc.property(dotsArb, dotsArb, (x, y) => {
        const a = CausalContext.fromDots(x);
        const b = CausalContext.fromDots(y);
        expect(a.covers(b)).toBe([...model(y)].every((d) => model(x).has(d)));
      }),
    );
  });

  it("C-C6: encode is canonical and decode inverts it; malformed bytes throw DecodeError", () => {
    fc.assert(
      fc.property(dotsArb, (dots) => {
        const c = CausalContext.fromDots(dots);
        const back = CausalContext.decode(c.encode());
        expect(back.equals(c)).toBe(true);
        expect([...back.encode()]).toEqual([...c.encode()]);
      }),
    );
    const bytes = CausalContext.fromDots([{ replica: "a", seq: 3 }]).encode();
    expect(() => CausalContext.decode(bytes.subarray(0, bytes.length - 1))).toThrow(DecodeError);
    expect(() => CausalContext.decode(Uint8Array.of(...bytes, 0))).toThrow(DecodeError);
  });

  it("C-C7: contexts of many origins (kept as a dense vector) behave as sets of dots too", () => {
    // 200 origins, mostly contiguous seqs: the vectors pass 128 entries and go dense.
    const manyArb = fc.array(fc.record({ replica: fc.integer({ min: 0, max: 199 }).map((i) => `o${i}`), seq: fc.integer({ min: 1, max: 3 }) }), {
      minLength: 400,
      maxLength: 800,
    });
    const prefixes = (dots: readonly Dot[]) => {
      const set = model(dots);
      const vv = new Map<string, number>();
      for (const d of dots) {
        let n = 0;
        while (set.has(`${d.replica}:${n + 1}`)) n++;
        if (n > 0) vv.set(d.replica, n);
      }
      return vv;
    };
    fc.assert(
      fc.property(manyArb, manyArb, (x, y) => {
        const a = CausalContext.fromDots(x);
        const b = CausalContext.fromDots(y);
        expect(allDots(a)).toEqual(model(x));
        expect(a.versionVector()).toEqual(prefixes(x));
        for (const d of y) expect(a.includes(d)).toBe(model(x).has(key(d)));
        const copy = a.clone();
        const fresh = copy.joinCollect(b);
        expect(allDots(copy)).toEqual(new Set([...model(x), ...model(y)]));
        expect(new Set(expand(fresh))).toEqual(new Set([...model(y)].filter((d) => !model(x).has(d))));
        expect(allDots(a)).toEqual(model(x)); // the clone was independent
        expect(copy.covers(a) && copy.covers(b)).toBe(true);
        expect(a.covers(b)).toBe([...model(y)].every((d) => model(x).has(d)));
        expect(CausalContext.decode(copy.encode()).equals(copy)).toBe(true);
        const joined = b.clone();
        joined.join(a);
        expect(joined.equals(copy)).toBe(true);
        expect(joined.dotCount()).toBe(new Set([...model(x), ...model(y)]).size);
      }),
      { numRuns: 60, endOnFailure: true }, // big inputs: shrinking them would take minutes
    );
  });

  it("C-C1: invalid dots are rejected", () => {
    const c = new CausalContext();
    expect(() => c.add({ replica: "a", seq: 0 })).toThrow(TypeError);
    expect(() => c.add({ replica: "a", seq: 1.5 })).toThrow(TypeError);
    expect(() => CausalContext.fromVersionVector(new Map([["a", -1]]))).toThrow(TypeError);
  });

  it("C-C2: versionVector() and clone() are copies", () => {
    const c = CausalContext.fromVersionVector(new Map([["a", 2]]));
    c.versionVector().set("a", 99);
    const d = c.clone();
    d.add({ replica: "a", seq: 3 });
    expect(c.get("a")).toBe(2);
    expect(d.get("a")).toBe(3);
  });
});
