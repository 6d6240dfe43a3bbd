// Add-wins observed-remove set (Almeida et al., delta-state ORSet without tombstones):
// a dot store element → dots plus a causal context. A remove only puts the observed dots
// in the delta's context, so removed elements leave nothing behind but context, which
// compacts into the version vector.
import { CausalContext, assertDot, type Dot } from "./CausalContext.js";
import { causalCodec, causalOps, clip, plural, defineCrdt, TYPE_TAGS, type CausalState, type CrdtType, type DotStoreKind } from "./CrdtType.js";
import {
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

/**
 * The dot store of an AWSet: element → its live dots, plus the reverse index dot → element
 * that lets a small delta find what its context removes. The index is built on first need
 * and then maintained; copies and decoded states start without it (null).
 */
export interface AWSetStore {
  readonly entries: Map<Primitive, DotList>;
  index: DotIndex<Primitive> | null;
}

/** AWSet state: dot store + causal context. */
export type AWSetState = CausalState<AWSetStore>;

/** Adds or removes an element (string, finite number, boolean or null). */
export type AWSetOp = { readonly type: "add"; readonly element: Primitive } | { readonly type: "remove"; readonly element: Primitive };

/** The store's dot → element index, built if missing. @internal */
export function awsetIndex(store: AWSetStore): DotIndex<Primitive> {
  if (store.index === null) {
    const index: DotIndex<Primitive> = new Map();
    for (const [e, dots] of store.entries) for (const d of dots) indexSet(index, d.replica, d.seq, e);
    store.index = index;
  }
  return store.index;
}

function setEntry(store: AWSetStore, e: Primitive, old: DotList, next: DotList): void {
  if (old === next) return;
  const index = store.index;
  if (index !== null) {
    for (const d of old) indexDelete(index, d.replica, d.seq);
    for (const d of next) indexSet(index, d.replica, d.seq, e);
  }
  if (next.length === 0) store.entries.delete(e);
  else store.entries.set(e, next);
}

/** Below this ratio of context dots to elements, a join looks removals up through the index. */
const INDEX_LOOKUP_RATIO = 0.25;

/** The dot store kind of AWSet (also used when an AWSet is nested in an AWMap). @internal */
export const awsetKind: DotStoreKind<AWSetStore> = {
  emptyStore: () => ({ entries: new Map(), index: new Map() }),
  isEmptyStore: (d) => d.entries.size === 0,
  hasDots: (d) => d.entries.size > 0,
  cloneStore(d) {
    const entries = new Map<Primitive, DotList>();
    d.entries.forEach((dots, e) => entries.set(e, dots)); // faster than new Map(map) in V8
    return { entries, index: null };
  },
  joinStoreInto(t, ct, s, cs) {
    if (t.entries.size === 0) {
      // Nothing here to cancel: adopt s's lists (immutable), minus dots already seen here.
      const seenNothing = ct.isEmpty();
      s.entries.forEach((sd, e) => {
        const nd = seenNothing ? sd : joinDotLists(NO_DOTS, ct, sd, cs);
        if (nd.length > 0) t.entries.set(e, nd);
      });
      t.index = null;
      return;
    }
    // A large join would spend more on maintaining the index than on rebuilding it later.
    if (s.entries.size * 4 > t.entries.size) t.index = null;
    const sizeBefore = t.entries.size;
    let shared = 0; // elements of t that s holds too
    s.entries.forEach((sd, e) => {
      const td = t.entries.get(e);
      if (td === undefined) {
        setEntry(t, e, NO_DOTS, joinDotLists(NO_DOTS, ct, sd, cs));
        return;
      }
      shared++;
      // The common case in a full-state merge: the same single dot on both sides.
      if (td === sd || (td.length === 1 && sd.length === 1 && td[0]!.seq === sd[0]!.seq && td[0]!.replica === sd[0]!.replica)) return;
      setEntry(t, e, td, joinDotLists(td, ct, sd, cs));
    });
    if (shared === sizeBefore) return; // s holds every element of t: nothing else to cancel
    // Elements s does not hold: their dots that s has seen were removed there. A small
    // context (a delta) is looked up through the index; a large one (a full state) is
    // checked against every element, which costs no more and needs no index.
    const gone: Array<[Primitive, DotList]> = [];
    if (t.index !== null || cs.dotCount() < INDEX_LOOKUP_RATIO * t.entries.size) {
      const hits = new Set<Primitive>();
      forEachIndexedIn(awsetIndex(t), cs, (_replica, _seq, e) => {
        if (!s.entries.has(e)) hits.add(e);
      });
      for (const e of hits) gone.push([e, t.entries.get(e)!]);
    } else {
      t.entries.forEach((td, e) => {
        if (s.entries.has(e)) return;
        for (const d of td) {
          if (cs.has(d.replica, d.seq)) {
            gone.push([e, td]);
            return;
          }
        }
      });
    }
    for (const [e, td] of gone) setEntry(t, e, td, td.filter((d) => !cs.has(d.replica, d.seq)));
  },
  forEachDot(d, f) {
    for (const dots of d.entries.values()) for (const x of dots) f(x.replica, x.seq);
  },
  collectStore(d, replicas) {
    for (const r of awsetIndex(d).keys()) replicas.add(r);
  },
  // Canonical form: grouped by origin (table order), seqs ascending and gap-coded, each
  // with its element — the dot → element function, from which element → dots follows.
  writeStore(w, d, index) {
    const groups: Array<[number, Map<number, Primitive>]> = [];
    for (const [r, m] of awsetIndex(d)) groups.push([index.get(r)!, m]);
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
        const dot: Dot = { replica, seq };
        const list = entries.get(e);
        if (list === undefined) entries.set(e, [dot]);
        else list.push(dot); // origins arrive in id order and seqs ascending: stays sorted
      }
    }
    return { entries, index: null };
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
    indexSet(awsetIndex(store), own.replica, own.seq, e);
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
