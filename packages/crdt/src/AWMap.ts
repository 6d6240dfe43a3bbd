// Add-wins observed-remove map of nested CRDTs (delta-state ORMap).
//
// Causal nested values (awset, mvregister, awmap) are dot stores that share the map's causal
// context, as in Almeida et al.'s ORMap: a key exists while its value holds a live dot, and
// remove(k) cancels exactly the nested effects it observed — no tombstone remains.
//
// Non-causal nested values (gcounter, pncounter, gset, lww) have no dots to cancel, so each
// key also carries "presence" dots (add-wins like an AWSet element): update(k) adds one,
// remove(k) cancels the observed ones and so hides the key. A join cannot forget increments,
// so the hidden value stays in the state and reappears, accumulated, when k is next updated
// (SPEC.md, C-MAP4).
//
// Why causal values get no presence dots: an update's dot is also the dot of its nested
// effect, so replacing old presence dots through the update's context would also claim
// their nested effects as seen, and a receiver would then drop them.
import { CausalContext, assertDot, type Dot } from "./CausalContext.js";
import {
  causalCodec,
  causalOps,
  clip,
  defineCrdt,
  implOf,
  plural,
  TYPE_TAGS,
  type CausalState,
  type CrdtImpl,
  type CrdtType,
  type DotStoreKind,
} from "./CrdtType.js";
import { cloneIndex, forEachIndexedIn, indexDelete, indexSet, joinDotLists, NO_DOTS, type DotIndex, type DotList } from "./dots.js";
import { DecodeError, replicaAt } from "./encoding.js";
import { comparePrimitives, readPrimitive, toPrimitive, writePrimitive, type Primitive } from "./values.js";

/** One key of an AWMap: presence dots (non-causal nested types only; else empty) and the nested value (a dot store for causal nested types, else a state). */
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

/** Applies a nested op to `key`, or removes `key`. */
export type AWMapOp<Op> = { readonly type: "update"; readonly key: Primitive; readonly op: Op } | { readonly type: "remove"; readonly key: Primitive };

function makeKind(nested: CrdtImpl<unknown, unknown, unknown>): DotStoreKind<AWMapStore> {
  const nk = nested.kind;
  const emptyNested = nk?.emptyStore(); // shared join source; joins never mutate their source

  const entryDots = (e: AWMapEntry, f: (replica: string, seq: number) => void): void => {
    if (nk !== undefined) nk.forEachDot(e.value, f);
    else for (const d of e.presence) f(d.replica, d.seq);
  };
  const isEmptyEntry = (presence: DotList, value: unknown): boolean =>
    nk !== undefined ? nk.isEmptyStore(value) : presence.length === 0 && nested.codec.isBottom(value);

  const joinKey = (t: AWMapStore, ct: CausalContext, s: AWMapStore, cs: CausalContext, key: Primitive): void => {
    const te = t.entries.get(key);
    const se = s.entries.get(key);
    if (te !== undefined) entryDots(te, (r, seq) => indexDelete(t.index, r, seq));
    let presence: DotList = NO_DOTS;
    let value: unknown;
    if (nk !== undefined) {
      value = te !== undefined ? te.value : nk.emptyStore();
      nk.joinStoreInto(value, ct, se !== undefined ? se.value : emptyNested, cs);
    } else {
      presence = joinDotLists(te?.presence ?? NO_DOTS, ct, se?.presence ?? NO_DOTS, cs);
      if (te !== undefined && se !== undefined) value = nested.mergeInto(te.value, se.value);
      else value = te !== undefined ? te.value : nested.clone(se!.value);
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
    hasDots: (d) => d.index.size > 0,
    cloneStore(d) {
      const entries = new Map<Primitive, AWMapEntry>();
      for (const [k, e] of d.entries) {
        entries.set(k, { presence: e.presence, value: nk !== undefined ? nk.cloneStore(e.value) : nested.clone(e.value) });
      }
      return { entries, index: cloneIndex(d.index) };
    },
    joinStoreInto(t, ct, s, cs) {
      // Keys s holds, plus keys of t holding a dot that s has seen (cancelled there).
      const touched = new Set<Primitive>(s.entries.keys());
      forEachIndexedIn(t.index, cs, (_r, _seq, key) => touched.add(key));
      for (const key of touched) joinKey(t, ct, s, cs, key);
    },
    forEachDot(d, f) {
      for (const e of d.entries.values()) entryDots(e, f);
    },
    collectStore(d, replicas) {
      for (const e of d.entries.values()) {
        if (nk !== undefined) {
          nk.collectStore(e.value, replicas);
        } else {
          for (const p of e.presence) replicas.add(p.replica);
          nested.codec.collect(e.value, replicas);
        }
      }
    },
    writeStore(w, d, index) {
      const keys = [...d.entries.keys()].sort(comparePrimitives);
      w.varint(keys.length);
      for (const key of keys) {
        const e = d.entries.get(key)!;
        writePrimitive(w, key);
        if (nk !== undefined) {
          nk.writeStore(w, e.value, index);
          continue;
        }
        w.varint(e.presence.length);
        for (const p of e.presence) {
          w.varint(index.get(p.replica)!);
          w.varint(p.seq);
        }
        nested.codec.write(w, e.value, index);
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
        let presence: DotList = NO_DOTS;
        let value: unknown;
        if (nk !== undefined) {
          value = nk.readStore(r, table);
        } else {
          const count = r.count();
          const dots: Dot[] = [];
          let prevIndex = -1;
          let prevSeq = 0;
          for (let j = 0; j < count; j++) {
            const i = r.varint();
            const seq = r.varint();
            if (seq < 1) throw new DecodeError("awmap: seq 0");
            if (i < prevIndex || (i === prevIndex && seq <= prevSeq)) throw new DecodeError("awmap: presence dots not in order");
            prevIndex = i;
            prevSeq = seq;
            dots.push(Object.freeze({ replica: replicaAt(table, i), seq }));
          }
          if (dots.length > 0) presence = dots;
          value = nested.codec.read(r, table);
        }
        if (isEmptyEntry(presence, value)) throw new DecodeError("awmap: empty entry (non-canonical)");
        const entry: AWMapEntry = { presence, value };
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
  const visible = (e: AWMapEntry): boolean => (nk !== undefined ? nk.hasDots(e.value) : e.presence.length > 0);

  const mutate = (state: AWMapState, op: AWMapOp<unknown>, dot: Dot): AWMapState => {
    assertDot(dot);
    if (op?.type !== "update" && op?.type !== "remove") throw new TypeError(`awmap: unknown op ${JSON.stringify(op)}`);
    const key = toPrimitive(op.key, "key");
    const entry = state.store.entries.get(key);
    const context = new CausalContext();
    context.addDot(dot.replica, dot.seq);
    const store = kind.emptyStore();
    if (nk !== undefined) {
      if (op.type === "update") {
        // A causal nested value is read against the map's context (the one it lives in).
        const inner = { store: entry !== undefined ? entry.value : nk.emptyStore(), context: state.context };
        const delta = nested.mutate(inner, op.op, dot) as CausalState<unknown>;
        context.join(delta.context);
        if (!nk.isEmptyStore(delta.store)) {
          store.entries.set(key, { presence: NO_DOTS, value: delta.store });
          nk.forEachDot(delta.store, (r, seq) => indexSet(store.index, r, seq, key));
        }
      } else if (entry !== undefined) {
        // Removing a key cancels every nested effect observed under it.
        nk.forEachDot(entry.value, (r, seq) => context.addDot(r, seq));
      }
      return { store, context };
    }
    // Non-causal nested value: the observed presence dots are replaced (update) or cancelled (remove).
    for (const p of entry?.presence ?? NO_DOTS) context.addDot(p.replica, p.seq);
    if (op.type === "update") {
      const value = nested.mutate(entry !== undefined ? entry.value : nested.empty(), op.op, dot);
      const own: Dot = Object.freeze({ replica: dot.replica, seq: dot.seq });
      store.entries.set(key, { presence: [own], value });
      indexSet(store.index, own.replica, own.seq, key);
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
