// Values held by sets, registers and maps: JSON-like, validated on the way in, with one
// canonical binary form and one total order (so encodings can be sorted deterministically).
import { DecodeError, MAX_ZIGZAG_INT, type Reader, type Writer } from "./encoding.js";

/** A set element or map key: a JSON primitive (finite numbers; -0 is stored as 0). */
export type Primitive = string | number | boolean | null;

/** A register value: any JSON value (finite numbers, well-formed strings), stored deep-frozen. */
export type JsonValue = Primitive | readonly JsonValue[] | { readonly [key: string]: JsonValue };

const TAG_NULL = 0;
const TAG_FALSE = 1;
const TAG_TRUE = 2;
const TAG_INT = 3;
const TAG_FLOAT = 4;
const TAG_STRING = 5;
const TAG_ARRAY = 6;
const TAG_OBJECT = 7;

/** Deepest nesting accepted in a register value (keeps decoding stack-safe). */
export const MAX_JSON_DEPTH = 64;

/** True when the string has no lone surrogate (so it has exactly one UTF-8 form). */
export function isWellFormedString(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c & 0xf800) !== 0xd800) continue;
    if (c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
    else return false;
  }
  return true;
}

/** Validates a set element / map key; returns it with -0 turned into 0. Throws TypeError. */
export function toPrimitive(x: unknown, what = "element"): Primitive {
  switch (typeof x) {
    case "string":
      if (!isWellFormedString(x)) throw new TypeError(`${what}: string has a lone surrogate`);
      return x;
    case "number":
      if (!Number.isFinite(x)) throw new TypeError(`${what}: number must be finite, got ${x}`);
      return x === 0 ? 0 : x;
    case "boolean":
      return x;
    default:
      if (x === null) return null;
      throw new TypeError(`${what}: expected string, finite number, boolean or null, got ${typeof x}`);
  }
}

/** Validates a register value; returns a deep-frozen copy (so later caller edits cannot leak in). */
export function toJsonValue(x: unknown, what = "value", depth = 0): JsonValue {
  if (x === null || typeof x !== "object") return toPrimitive(x, what);
  if (depth >= MAX_JSON_DEPTH) throw new TypeError(`${what}: nested deeper than ${MAX_JSON_DEPTH}`);
  if (Array.isArray(x)) {
    return Object.freeze(x.map((item) => toJsonValue(item, what, depth + 1)));
  }
  const proto = Object.getPrototypeOf(x) as unknown;
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`${what}: only plain objects are JSON values`);
  const entries = Object.entries(x).map(([k, v]): [string, JsonValue] => {
    if (!isWellFormedString(k)) throw new TypeError(`${what}: key has a lone surrogate`);
    return [k, toJsonValue(v, what, depth + 1)];
  });
  // Insert keys in canonical order, so a value reads the same here and after decoding elsewhere.
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return Object.freeze(Object.fromEntries(entries)) as JsonValue;
}

function rank(x: Primitive): number {
  if (x === null) return 0;
  if (x === false) return 1;
  if (x === true) return 2;
  return typeof x === "number" ? 3 : 4;
}

/** Total order on primitives: null < false < true < numbers (ascending) < strings (UTF-16 code units). */
export function comparePrimitives(a: Primitive, b: Primitive): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3) return (a as number) - (b as number);
  if (ra === 4) return a! < b! ? -1 : a! > b! ? 1 : 0;
  return 0;
}

/** Writes a primitive in its canonical tagged form. */
export function writePrimitive(w: Writer, x: Primitive): void {
  switch (typeof x) {
    case "string":
      w.byte(TAG_STRING);
      w.string(x);
      return;
    case "number":
      if (Number.isInteger(x) && x <= MAX_ZIGZAG_INT && x >= -MAX_ZIGZAG_INT) {
        w.byte(TAG_INT);
        w.zigzag(x);
      } else {
        w.byte(TAG_FLOAT);
        w.float64(x);
      }
      return;
    case "boolean":
      w.byte(x ? TAG_TRUE : TAG_FALSE);
      return;
    default:
      w.byte(TAG_NULL);
  }
}

function readTagged(r: Reader, tag: number, depth: number): JsonValue {
  switch (tag) {
    case TAG_NULL:
      return null;
    case TAG_FALSE:
      return false;
    case TAG_TRUE:
      return true;
    case TAG_INT: {
      const n = r.zigzag();
      if (n > MAX_ZIGZAG_INT || n < -MAX_ZIGZAG_INT) throw new DecodeError("integer out of the zigzag range");
      return n === 0 ? 0 : n;
    }
    case TAG_FLOAT: {
      const x = r.float64();
      if (!Number.isFinite(x)) throw new DecodeError("non-finite number");
      if (Number.isInteger(x) && x <= MAX_ZIGZAG_INT && x >= -MAX_ZIGZAG_INT) {
        throw new DecodeError("integer written as float64 (non-canonical)");
      }
      return x;
    }
    case TAG_STRING:
      return r.string();
    case TAG_ARRAY:
    case TAG_OBJECT: {
      if (depth >= MAX_JSON_DEPTH) throw new DecodeError("value nested too deep");
      const n = r.count();
      if (tag === TAG_ARRAY) {
        const items: JsonValue[] = [];
        for (let i = 0; i < n; i++) items.push(readTagged(r, r.byte(), depth + 1));
        return Object.freeze(items);
      }
      const entries: Array<[string, JsonValue]> = [];
      for (let i = 0; i < n; i++) {
        const k = r.string();
        if (i > 0 && !(entries[i - 1]![0] < k)) throw new DecodeError("object keys not strictly ascending");
        entries.push([k, readTagged(r, r.byte(), depth + 1)]);
      }
      return Object.freeze(Object.fromEntries(entries)) as JsonValue;
    }
    default:
      throw new DecodeError(`unknown value tag ${tag}`);
  }
}

/** Reads a primitive written by {@link writePrimitive}. */
export function readPrimitive(r: Reader): Primitive {
  const tag = r.byte();
  if (tag === TAG_ARRAY || tag === TAG_OBJECT) throw new DecodeError("expected a primitive");
  return readTagged(r, tag, 0) as Primitive;
}

/** Writes a JSON value canonically (object keys sorted by UTF-16 code units). */
export function writeJson(w: Writer, x: JsonValue): void {
  if (x === null || typeof x !== "object") {
    writePrimitive(w, x);
    return;
  }
  if (Array.isArray(x)) {
    w.byte(TAG_ARRAY);
    w.varint(x.length);
    for (const item of x as readonly JsonValue[]) writeJson(w, item);
    return;
  }
  const keys = Object.keys(x).sort();
  w.byte(TAG_OBJECT);
  w.varint(keys.length);
  for (const k of keys) {
    w.string(k);
    writeJson(w, (x as { readonly [key: string]: JsonValue })[k]!);
  }
}

/** Reads a JSON value written by {@link writeJson} (deep-frozen). */
export function readJson(r: Reader): JsonValue {
  return readTagged(r, r.byte(), 0);
}

/** Short display form of a value for summaries, cut to `max` chars. */
export function formatValue(x: JsonValue, max = 40): string {
  const s = JSON.stringify(x);
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
