// Add-wins observed-remove map of nested CRDTs (delta-state ORMap). Every key carries
// "presence" dots (add-wins over removes, like an AWSet element) and a nested value.
// Causal nested values (awset, mvregister, awmap) share the map's causal context, so a
// remove also cancels the nested effects it observed and leaves no tombstone. Non-causal
// nested values (counters, gset, lww) cannot forget: a remove hides the key, and the
// value stays in the state (see SPEC.md, rules MAP4–MAP5).
import { CausalContext, assertDot, type Dot } from "./CausalContext.js";
import {
  causalCodec,
  causalOps,
  clip,
  defineCrdt,
  plural,
  implOf,
  TYPE_TAGS,
  type CausalState,
  type CrdtImpl,
  type CrdtType,
  type DotStoreKind,
} from "./CrdtType.js";
import { cloneIndex, forEachIndexedIn, indexDelete, indexSet, joinDotLists, NO_DOTS, type DotIndex, type DotList } from "./dots.js";
import { DecodeError, replicaAt } from "./encoding.js";
import { comparePrimitives, readPrimitive, toPrimitive, writePrimitive, type Primitive } from "./values.js";

/** One key of an AWMap: its presence dots and its nested value (a dot store for causal nested types, else a state). */
export interface AWMapEntry {
  presence: DotList;
  value: unknown;
}

/** The dot store of an AWMap: key → entry, and the index dot → key over every live dot below the key. */
export interface AWMapStore {
  readonly entries: Map<Primitive, AWMapEntry>;
  readonly index: DotIndex<Primitive>;
}

/** AWMap state: dot store + causal context (shared with causal nested values). */
export type AWMapState = CausalState<AWMapStore>;

/** Applies a nested op to `key` (creating the key), or removes `key`. */
export type AWMapOp<Op> = { readonly type: "update"; readonly key: Primitive; readonly op: Op } | { readonly type: "remove"; readonly key: Primitive };

function makeKind(nested: CrdtImpl<unknown, unknown, unknown>): DotStoreKind<AWMapStore> {
  const nk = nested.kind;
  const emptyNested = nk?.emptyStore(); // shared join source; joins never mutate their source

  const entryDots = (e: AWMapEntry, f: (replica: string, seq: number) => void): void => {
    for (const d of e.presence) f(d.replica, d.seq);
    if (nk !== undefined) nk.forEachDot(e.value, f);
  };
  const isEmptyEntry = (presence: DotList, value: unknown): boolean =>
    presence.length === 0 && (nk !== undefined ? nk.isEmptyStore(value) : nested.codec.isBottom(value));

  const joinKey = (t: AWMapStore, ct: CausalContext, s: AWMapStore, cs: CausalContext, key: Primitive): void => {
    const te = t.entries.get(key);
    const se = s.entries.get(key);
    if (te !== undefined) entryDots(te, (r, seq) => indexDelete(t.index, r, seq));
    const presence = joinDotLists(te?.presence ?? NO_DOTS, ct, se?.presence ?? NO_DOTS, cs);
    let value: unknown;
    if (nk !== undefined) {
      value = te !== undefined ? te.value : nk.emptyStore();
      nk.joinStoreInto(value, ct, se !== undefined ? se.value : emptyNested, cs);
    } else if (te !== undefined && se !== undefined) {
      value = nested.mergeInto(te.value, se.value);
    } else {
      value = te !== undefined ? te.value : nested.clone(se!.value);
    }
    if (isEmptyEntry(presence, value)) {
      t.entries.delete(key);
      return;
    }
    const entry = te ?? { presence, value };
    entry.presence = presence;
    entry.value = value;
    if (te === undefined) t.entries.set(key, entry);
    entryDots(entry, (r, seq) => indexSet(t.index, r, seq, key));
  };

  return {
    emptyStore: () => ({ entries: new Map(), index: new Map() }),
    isEmptyStore: (d) => d.entries.size === 0,
    cloneStore(d) {
      const entries = new Map<Primitive, AWMapEntry>();
      for (const [k, e] of d.entries) {
        entries.set(k, { presence: e.presence, value: nk !== undefined ? nk.cloneStore(e.value) : nested.clone(e.value) });
      }
      return { entries, index: cloneIndex(d.index) };
    },
    joinStoreInto(t, ct, s, cs) {
      // Keys s holds, plus keys of t holding a dot that s has seen (removed there).
      const touched = new Set<Primitive>(s.entries.keys());
      forEachIndexedIn(t.index, cs, (_r, _seq, key) => touched.add(key));
      for (const key of touched) joinKey(t, ct, s, cs, key);
    },
    forEachDot(d, f) {
      for (const e of d.entries.values()) entryDots(e, f);
    },
    collectStore(d, replicas) {
      for (const e of d.entries.values()) {
        for (const p of e.presence) replicas.add(p.replica);
        if (nk !== undefined) nk.collectStore(e.value, replicas);
        else nested.codec.collect(e.value, replicas);
      }
    },
    writeStore(w, d, index) {
      const keys = [...d.entries.keys()].sort(comparePrimitives);
      w.varint(keys.length);
      for (const key of keys) {
        const e = d.entries.get(key)!;
        writePrimitive(w, key);
        w.varint(e.presence.length);
        for (const p of e.presence) {
          w.varint(index.get(p.replica)!);
          w.varint(p.seq);
        }
        if (nk !== undefined) nk.writeStore(w, e.value, index);
        else nested.codec.write(w, e.value, index);
      }
    },
    readStore(r, table) {
      const store: AWMapStore = { entries: new Map(), index: new Map() };
      const n = r.count();
      let prevKey: Primitive | undefined;
      for (let k = 0; k < n; k++) {
        const key = readPrimitive(r);
        if (prevKey !== undefined && comparePrimitives(prevKey, key) >= 0) throw new DecodeError("awmap keys not strictly ascending");
        prevKey = key;
        const count = r.count();
        const presence: Dot[] = [];
        let prevIndex = -1;
        let prevSeq = 0;
        for (let j = 0; j < count; j++) {
          const i = r.varint();
          const seq = r.varint();
          if (seq < 1) throw new DecodeError("awmap: seq 0");
          if (i < prevIndex || (i === prevIndex && seq <= prevSeq)) throw new DecodeError("awmap: presence dots not in order");
          prevIndex = i;
          prevSeq = seq;
          presence.push(Object.freeze({ replica: replicaAt(table, i), seq }));
        }
        const value = nk !== undefined ? nk.readStore(r, table) : nested.codec.read(r, table);
        if (isEmptyEntry(presence, value)) throw new DecodeError("awmap: empty entry (non-canonical)");
        const entry: AWMapEntry = { presence: presence.length === 0 ? NO_DOTS : presence, value };
        store.entries.set(key, entry);
        entryDots(entry, (rep, seq) => indexSet(store.index, rep, seq, key));
      }
      return store;
    },
  };
}

const memo = new WeakMap<object, CrdtType<AWMapState, AWMapOp<unknown>, Map<Primitive, unknown>>>();

function build(nested: CrdtImpl<unknown, unknown, unknown>): CrdtType<AWMapState, AWMapOp<unknown>, Map<Primitive, unknown>> {
  const kind = makeKind(nested);
  const nk = nested.kind;
  const visible = (e: AWMapEntry): boolean => e.presence.length > 0 || (nk !== undefined && !nk.isEmptyStore(e.value));

  const mutate = (state: AWMapState, op: AWMapOp<unknown>, dot: Dot): AWMapState => {
    assertDot(dot);
    if (op?.type !== "update" && op?.type !== "remove") throw new TypeError(`awmap: unknown op ${JSON.stringify(op)}`);
    const key = toPrimitive(op.key, "key");
    const entry = state.store.entries.get(key);
    // The delta's context: the op's dot and the key's presence dots seen here (replaced or removed).
    const context = new CausalContext();
    context.addDot(dot.replica, dot.seq);
    for (const p of entry?.presence ?? NO_DOTS) context.addDot(p.replica, p.seq);
    const store = kind.emptyStore();
    if (op.type === "update") {
      let value: unknown;
      if (nk !== undefined) {
        // A causal nested value is read against the map's context (the one it lives in).
        const inner = { store: entry !== undefined ? entry.value : nk.emptyStore(), context: state.context };
        const delta = nested.mutate(inner, op.op, dot) as CausalState<unknown>;
        context.join(delta.context);
        value = delta.store;
      } else {
        value = nested.mutate(entry !== undefined ? entry.value : nested.empty(), op.op, dot);
      }
      const e: AWMapEntry = { presence: [Object.freeze({ replica: dot.replica, seq: dot.seq })], value };
      store.entries.set(key, e);
      for (const p of e.presence) indexSet(store.index, p.replica, p.seq, key);
      if (nk !== undefined) nk.forEachDot(value, (r, seq) => indexSet(store.index, r, seq, key));
    } else if (entry !== undefined && nk !== undefined) {
      // Removing a key also cancels every nested effect observed under it.
      nk.forEachDot(entry.value, (r, seq) => context.addDot(r, seq));
    }
    return { store, context };
  };

  const value = (state: AWMapState): Map<Primitive, unknown> => {
    const out = new Map<Primitive, unknown>();
    for (const key of [...state.store.entries.keys()].sort(comparePrimitives)) {
      const e = state.store.entries.get(key)!;
      if (!visible(e)) continue;
      out.set(key, nested.value(nk !== undefined ? { store: e.value, context: state.context } : e.value));
    }
    return out;
  };

  return defineCrdt<AWMapState, AWMapOp<unknown>, Map<Primitive, unknown>>({
    name: "awmap",
    causal: true,
    nested,
    kind: kind as DotStoreKind<unknown>,
    ...causalOps(kind),
    mutate,
    value,
    summary(state) {
      let n = 0;
      for (const e of state.store.entries.values()) if (visible(e)) n++;
      return clip(`${plural(n, "key")} of ${nested.name}`);
    },
    codec: causalCodec(kind, [TYPE_TAGS.awmap, ...nested.codec.signature]),
  });
}

/**
 * An add-wins map whose values are CRDTs of type `nested` (any type of this package,
 * including another AWMap). The same nested type always gives the same map type object.
 * @example const Scores = AWMap(GCounter); Scores.mutate(s, { type: "update", key: "alice", op: { type: "increment" } }, dot)
 */
export function AWMap<S, Op, V>(nested: CrdtType<S, Op, V>): CrdtType<AWMapState, AWMapOp<Op>, Map<Primitive, V>> {
  const impl = implOf(nested) as CrdtImpl<unknown, unknown, unknown>;
  let type = memo.get(impl);
  if (type === undefined) {
    type = build(impl);
    memo.set(impl, type);
  }
  return type as unknown as CrdtType<AWMapState, AWMapOp<Op>, Map<Primitive, V>>;
}
