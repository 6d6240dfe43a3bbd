import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError, MAX_ZIGZAG_INT, Reader, Writer, readReplicaTable, writeReplicaTable } from "./encoding.js";

function roundTrip<T>(write: (w: Writer, x: T) => void, read: (r: Reader) => T, x: T): { value: T; bytes: Uint8Array } {
  const w = new Writer(4);
  write(w, x);
  const bytes = w.finish();
  const r = new Reader(bytes);
  const value = read(r);
  r.done();
  return { value, bytes };
}

describe("encoding (C-E5: building blocks)", () => {
  it("C-E5: varints round-trip every non-negative safe integer, in the shortest LEB128 form", () => {
    fc.assert(
      fc.property(fc.oneof(fc.nat(), fc.maxSafeNat()), (n) => {
        const { value, bytes } = roundTrip((w, x: number) => w.varint(x), (r) => r.varint(), n);
        expect(value).toBe(n);
        expect(bytes.length).toBe(n === 0 ? 1 : Math.ceil(Math.log2(n + 1) / 7));
      }),
      { numRuns: 300 },
    );
    expect([...roundTrip((w, x: number) => w.varint(x), (r) => r.varint(), 300).bytes]).toEqual([0xac, 0x02]);
  });

  it("C-E5: varint writer rejects negatives, fractions and unsafe integers", () => {
    const w = new Writer();
    for (const bad of [-1, 1.5, 2 ** 53, Number.NaN]) expect(() => w.varint(bad)).toThrow(RangeError);
  });

  it("C-E4: varint reader rejects overlong forms, truncation and values above 2^53 - 1", () => {
    expect(() => new Reader(Uint8Array.of(0x80, 0x00)).varint()).toThrow(DecodeError);
    expect(() => new Reader(Uint8Array.of(0x80)).varint()).toThrow(DecodeError);
    expect(() => new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)).varint()).toThrow(DecodeError);
    expect(() => new Reader(Uint8Array.of(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01)).varint()).toThrow(DecodeError);
  });

  it("C-E5: zigzag integers round-trip and small magnitudes stay one byte", () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_ZIGZAG_INT, max: MAX_ZIGZAG_INT }), (n) => {
        expect(roundTrip((w, x: number) => w.zigzag(x), (r) => r.zigzag(), n).value).toBe(n);
      }),
    );
    expect(roundTrip((w, x: number) => w.zigzag(x), (r) => r.zigzag(), -64).bytes.length).toBe(1);
  });

  it("C-E5: float64 round-trips bit for bit", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true }), (x) => {
        expect(Object.is(roundTrip((w, v: number) => w.float64(v), (r) => r.float64(), x).value, x)).toBe(true);
      }),
    );
  });

  it("C-E5: strings are length-prefixed UTF-8 identical to TextEncoder's, short and long", () => {
    const te = new TextEncoder();
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: "binary", maxLength: 60 }), fc.string({ minLength: 40, maxLength: 300 })), (s) => {
        const { value, bytes } = roundTrip((w, x: string) => w.string(x), (r) => r.string(), s);
        expect(value).toBe(s);
        const utf8 = te.encode(s);
        const r = new Reader(bytes);
        expect(r.varint()).toBe(utf8.length);
        expect([...bytes.subarray(bytes.length - utf8.length)]).toEqual([...utf8]);
      }),
      { numRuns: 300 },
    );
  });

  it("C-E4: string reader rejects invalid UTF-8 and lengths past the end", () => {
    expect(() => new Reader(Uint8Array.of(2, 0xc3, 0x28)).string()).toThrow(DecodeError);
    expect(() => new Reader(Uint8Array.of(5, 0x61)).string()).toThrow(DecodeError);
  });

  it("C-E5: the replica table is sorted by UTF-16 code units and must be strictly ascending", () => {
    const w = new Writer();
    const index = writeReplicaTable(w, ["b", "a", "B", "é"]);
    expect([...index.entries()]).toEqual([["B", 0], ["a", 1], ["b", 2], ["é", 3]]);
    expect(readReplicaTable(new Reader(w.finish()))).toEqual(["B", "a", "b", "é"]);
    const bad = new Writer();
    bad.varint(2);
    bad.string("b");
    bad.string("a");
    expect(() => readReplicaTable(new Reader(bad.finish()))).toThrow(DecodeError);
  });

  it("C-E5: large tables written from Sets in turn (same size, different ids) each come out sorted and exact", () => {
    const ids = (prefix: string) => new Set(Array.from({ length: 20 }, (_, i) => `${prefix}${(i * 7) % 20}`));
    for (const set of [ids("r"), ids("r"), ids("q"), ids("r"), new Set([...ids("r")].slice(1).concat("a"))]) {
      const w = new Writer();
      const index = writeReplicaTable(w, set);
      const sorted = [...set].sort();
      expect([...index.keys()]).toEqual(sorted);
      expect(readReplicaTable(new Reader(w.finish()))).toEqual(sorted);
    }
  });

  it("C-E4: counts larger than the bytes left are rejected before allocating", () => {
    const w = new Writer();
    w.varint(1_000_000);
    expect(() => new Reader(w.finish()).count()).toThrow(DecodeError);
  });

  it("C-E4: Reader.done rejects trailing bytes", () => {
    const r = new Reader(Uint8Array.of(1, 2));
    r.byte();
    expect(() => r.done()).toThrow(DecodeError);
  });
});
