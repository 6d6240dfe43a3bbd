// Grow-only set of primitives.
import { clip, plural, defineCrdt, TYPE_TAGS, type CrdtType } from "./CrdtType.js";
import { DecodeError } from "./encoding.js";
import { comparePrimitives, readPrimitive, toPrimitive, writePrimitive, type Primitive } from "./values.js";

/** GSet state: the elements. */
export type GSetState = Set<Primitive>;

/** Adds an element (string, finite number, boolean or null). */
export interface GSetOp {
  readonly type: "add";
  readonly element: Primitive;
}

/**
 * Grow-only set; its value is the elements in canonical order.
 * @example GSet.value(GSet.mutate(GSet.empty(), { type: "add", element: "x" }, { replica: "a", seq: 1 })) // ["x"]
 */
export const GSet: CrdtType<GSetState, GSetOp, Primitive[]> = defineCrdt<GSetState, GSetOp, Primitive[]>({
  name: "gset",
  causal: false,
  empty: () => new Set(),
  clone: (s) => new Set(s),
  mergeInto(t, s) {
    for (const e of s) t.add(e);
    return t;
  },
  mutate(_state, op) {
    if (op?.type !== "add") throw new TypeError(`gset: unknown op ${JSON.stringify(op)}`);
    return new Set([toPrimitive(op.element)]);
  },
  value: (s) => [...s].sort(comparePrimitives),
  summary: (s) => clip(plural(s.size, "element")),
  codec: {
    signature: [TYPE_TAGS.gset],
    collect() {},
    write(w, s) {
      w.varint(s.size);
      for (const e of [...s].sort(comparePrimitives)) writePrimitive(w, e);
    },
    read(r) {
      const s: GSetState = new Set();
      const n = r.count();
      let prev: Primitive | undefined;
      for (let i = 0; i < n; i++) {
        const e = readPrimitive(r);
        if (prev !== undefined && comparePrimitives(prev, e) >= 0) throw new DecodeError("gset elements not strictly ascending");
        s.add(e);
        prev = e;
      }
      return s;
    },
    isBottom: (s) => s.size === 0,
  },
});
