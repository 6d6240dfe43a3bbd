// Add-wins observed-remove set (Almeida et al., delta-state ORSet without tombstones):
// a dot store element → dots plus a causal context. A remove only puts the observed dots
// in the delta's context, so removed elements leave nothing behind but context, which
// compacts into the version vector.
import { CausalContext, assertDot, type Dot } from "./CausalContext.js";
import { causalCodec, causalOps, clip, plural, defineCrdt, TYPE_TAGS, type CausalState, type CrdtType, type DotStoreKind } from "./CrdtType.js";
import {
  cloneIndex,
  forEachIndexedIn,
  indexDelete,
  indexSet,
  joinDotLists,
  NO_DOTS,
  type DotIndex,
  type DotList,
} from "./dots.js";
import { DecodeError, replicaAt } from "./encoding.js";
import { comparePrimitives, readPrimitive, toPrimitive, writePrimitive, type Primitive } from "./values.js";

/** The dot store of an AWSet: element → its live dots, and the reverse index dot → element. */
export interface AWSetStore {
  readonly entries: Map<Primitive, DotList>;
  readonly index: DotIndex<Primitive>;
}

/** AWSet state: dot store + causal context. */
export type AWSetState = CausalState<AWSetStore>;

/** Adds or removes an element (string, finite number, boolean or null). */
export type AWSetOp = { readonly type: "add"; readonly element: Primitive } | { readonly type: "remove"; readonly element: Primitive };

function setEntry(store: AWSetStore, e: Primitive, old: DotList, next: DotList): void {
  if (old === next) return;
  for (const d of old) indexDelete(store.index, d.replica, d.seq);
  for (const d of next) indexSet(store.index, d.replica, d.seq, e);
  if (next.length === 0) store.entries.delete(e);
  else store.entries.set(e, next);
}

/** The dot store kind of AWSet (also used when an AWSet is nested in an AWMap). @internal */
export const awsetKind: DotStoreKind<AWSetStore> = {
  emptyStore: () => ({ entries: new Map(), index: new Map() }),
  isEmptyStore: (d) => d.entries.size === 0,
  hasDots: (d) => d.entries.size > 0,
  cloneStore: (d) => ({ entries: new Map(d.entries), index: cloneIndex(d.index) }),
  joinStoreInto(t, ct, s, cs) {
    for (const [e, sd] of s.entries) {
      const td = t.entries.get(e) ?? NO_DOTS;
      setEntry(t, e, td, joinDotLists(td, ct, sd, cs));
    }
    // Elements s does not hold: their dots that s has seen were removed there.
    const gone: Array<[Primitive, string, number]> = [];
    forEachIndexedIn(t.index, cs, (replica, seq, e) => {
      if (!s.entries.has(e)) gone.push([e, replica, seq]);
    });
    for (const [e, replica, seq] of gone) {
      const td = t.entries.get(e)!;
      setEntry(t, e, td, td.filter((d) => d.seq !== seq || d.replica !== replica));
    }
  },
  forEachDot(d, f) {
    for (const [r, m] of d.index) for (const seq of m.keys()) f(r, seq);
  },
  collectStore(d, replicas) {
    for (const r of d.index.keys()) replicas.add(r);
  },
  // Canonical form: grouped by origin (table order), seqs ascending and gap-coded, each
  // with its element — the dot → element function, from which element → dots follows.
  writeStore(w, d, index) {
    const groups: Array<[number, Map<number, Primitive>]> = [];
    for (const [r, m] of d.index) groups.push([index.get(r)!, m]);
    groups.sort((a, b) => a[0] - b[0]);
    w.varint(groups.length);
    let prev = -1;
    for (const [i, m] of groups) {
      w.varint(i - prev - 1);
      prev = i;
      w.varint(m.size);
      let p = 0;
      for (const seq of Float64Array.from(m.keys()).sort()) {
        w.varint(seq - p - 1);
        p = seq;
        writePrimitive(w, m.get(seq) as Primitive);
      }
    }
  },
  readStore(r, table) {
    const entries = new Map<Primitive, Dot[]>();
    const index: DotIndex<Primitive> = new Map();
    const n = r.count();
    let prev = -1;
    for (let k = 0; k < n; k++) {
      const i = prev + 1 + r.varint();
      prev = i;
      const replica = replicaAt(table, i);
      const count = r.count();
      if (count === 0) throw new DecodeError("empty dot group (non-canonical)");
      let p = 0;
      for (let j = 0; j < count; j++) {
        const seq = p + 1 + r.varint();
        if (!Number.isSafeInteger(seq)) throw new DecodeError("dot seq beyond 2^53 - 1");
        p = seq;
        const e = readPrimitive(r);
        indexSet(index, replica, seq, e);
        const dot: Dot = Object.freeze({ replica, seq });
        const list = entries.get(e);
        if (list === undefined) entries.set(e, [dot]);
        else list.push(dot); // origins arrive in id order and seqs ascending: stays sorted
      }
    }
    return { entries, index };
  },
};

function mutate(state: AWSetState, op: AWSetOp, dot: Dot): AWSetState {
  assertDot(dot);
  if (op?.type !== "add" && op?.type !== "remove") throw new TypeError(`awset: unknown op ${JSON.stringify(op)}`);
  const e = toPrimitive(op.element);
  // The delta's context: the dots of e seen here (replaced or removed) and the op's own dot.
  const context = new CausalContext();
  for (const d of state.store.entries.get(e) ?? NO_DOTS) context.addDot(d.replica, d.seq);
  context.addDot(dot.replica, dot.seq);
  const store = awsetKind.emptyStore();
  if (op.type === "add") {
    const own: Dot = Object.freeze({ replica: dot.replica, seq: dot.seq });
    store.entries.set(e, [own]);
    indexSet(store.index, own.replica, own.seq, e);
  }
  return { store, context };
}

/**
 * Add-wins observed-remove set: a remove cancels only the adds it observed, so a concurrent
 * add wins; removes leave no tombstones. Value: the elements in canonical order.
 * @example AWSet.mutate(state, { type: "remove", element: "x" }, dot) // delta: no entries, context = observed dots of "x" + dot
 */
export const AWSet: CrdtType<AWSetState, AWSetOp, Primitive[]> = defineCrdt<AWSetState, AWSetOp, Primitive[]>({
  name: "awset",
  causal: true,
  kind: awsetKind as DotStoreKind<unknown>,
  ...causalOps(awsetKind),
  mutate,
  value: (s) => [...s.store.entries.keys()].sort(comparePrimitives),
  summary: (s) => clip(plural(s.store.entries.size, "element")),
  codec: causalCodec(awsetKind, [TYPE_TAGS.awset]),
});
