import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DecodeError, Reader, Writer } from "./encoding.js";
import { comparePrimitives, readJson, readPrimitive, toJsonValue, toPrimitive, writeJson, writePrimitive, type JsonValue, type Primitive } from "./values.js";

const primitiveArb: fc.Arbitrary<Primitive> = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
);
const jsonArb: fc.Arbitrary<JsonValue> = fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<JsonValue>;

function encodeJson(x: JsonValue): Uint8Array {
  const w = new Writer();
  writeJson(w, x);
  return w.finish();
}

describe("values", () => {
  it("C-E5: primitives round-trip (with -0 stored as 0)", () => {
    fc.assert(
      fc.property(primitiveArb, (x) => {
        const p = toPrimitive(x);
        const w = new Writer();
        writePrimitive(w, p);
        const r = new Reader(w.finish());
        expect(readPrimitive(r)).toBe(x === 0 ? 0 : x);
        r.done();
      }),
    );
    expect(Object.is(toPrimitive(-0), 0)).toBe(true);
  });

  it("C-E1: comparePrimitives is a total order: null < false < true < numbers < strings", () => {
    expect([2, "a", true, null, false, -1.5, "B"].sort(comparePrimitives)).toEqual([null, false, true, -1.5, 2, "B", "a"]);
    fc.assert(
      fc.property(primitiveArb, primitiveArb, primitiveArb, (a, b, c) => {
        expect(Math.sign(comparePrimitives(a, b))).toBe(-Math.sign(comparePrimitives(b, a)) || 0);
        expect(comparePrimitives(a, b) === 0).toBe(Object.is(toPrimitive(a), toPrimitive(b)));
        if (comparePrimitives(a, b) <= 0 && comparePrimitives(b, c) <= 0) expect(comparePrimitives(a, c)).toBeLessThanOrEqual(0);
      }),
    );
  });

  it("C-E1: JSON values encode canonically (object key order does not matter) and round-trip frozen", () => {
    fc.assert(
      fc.property(jsonArb, (x) => {
        const v = toJsonValue(x);
        const bytes = encodeJson(v);
        const r = new Reader(bytes);
        const back = readJson(r);
        r.done();
        expect(back).toEqual(v);
        expect([...encodeJson(back)]).toEqual([...bytes]);
      }),
    );
    expect([...encodeJson(toJsonValue({ b: 1, a: [true, null] }))]).toEqual([...encodeJson(toJsonValue({ a: [true, null], b: 1 }))]);
    const frozen = toJsonValue({ a: [1] }) as { a: number[] };
    expect(Object.isFrozen(frozen) && Object.isFrozen(frozen.a)).toBe(true);
  });

  it("C-E3: distinct primitives have distinct encodings (integers vs floats, strings vs numbers)", () => {
    const enc = (x: Primitive) => [...encodeJson(x)].join(",");
    const samples: Primitive[] = [0, 1, -1, 1.5, "1", "", null, false, true, 2 ** 52, -(2 ** 52), 2 ** 60, 0.1];
    expect(new Set(samples.map(enc)).size).toBe(samples.length);
  });

  it("C-E4: invalid inputs are rejected: non-finite numbers, lone surrogates, objects as elements, class instances", () => {
    for (const bad of [Number.NaN, Infinity, "\ud800", undefined, {}, [], () => 1]) expect(() => toPrimitive(bad)).toThrow(TypeError);
    expect(() => toJsonValue(new Date(0))).toThrow(TypeError);
    expect(() => toJsonValue({ a: Number.NaN })).toThrow(TypeError);
    let deep: unknown = 1;
    for (let i = 0; i < 70; i++) deep = [deep];
    expect(() => toJsonValue(deep)).toThrow(TypeError);
  });

  it("C-E4: non-canonical value bytes are rejected (float64 integer, unsorted keys, unknown tag)", () => {
    const w = new Writer();
    w.byte(4);
    w.float64(3);
    expect(() => readJson(new Reader(w.finish()))).toThrow(DecodeError);
    const o = new Writer();
    o.byte(7);
    o.varint(2);
    o.string("b");
    o.byte(0);
    o.string("a");
    o.byte(0);
    expect(() => readJson(new Reader(o.finish()))).toThrow(DecodeError);
    expect(() => readJson(new Reader(Uint8Array.of(9)))).toThrow(DecodeError);
  });
});
