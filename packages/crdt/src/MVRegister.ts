// Multi-value register: a write replaces every value it observed; concurrent writes all
// survive until a later write observes them. A dot store dot → value plus a causal context.
import { CausalContext, assertDot, compareDots, type Dot } from "./CausalContext.js";
import { causalCodec, causalOps, clip, defineCrdt, TYPE_TAGS, type CausalState, type CrdtType, type DotStoreKind } from "./CrdtType.js";
import { DecodeError, replicaAt } from "./encoding.js";
import { formatValue, readJson, toJsonValue, writeJson, type JsonValue } from "./values.js";

/** One live write of an MVRegister. */
export interface MVItem {
  readonly dot: Dot;
  readonly value: JsonValue;
}

/** The dot store of an MVRegister: live writes in dot order (the array itself is never mutated). */
export interface MVRegisterStore {
  items: readonly MVItem[];
}

/** MVRegister state: dot store + causal context. */
export type MVRegisterState = CausalState<MVRegisterStore>;

/** Writes `value`, replacing every value observed at the writing replica. */
export interface MVRegisterOp {
  readonly type: "set";
  readonly value: JsonValue;
}

function hasDot(items: readonly MVItem[], d: Dot): boolean {
  for (const x of items) if (x.dot.seq === d.seq && x.dot.replica === d.replica) return true;
  return false;
}

/** The dot store kind of MVRegister (also used when nested in an AWMap). @internal */
export const mvKind: DotStoreKind<MVRegisterStore> = {
  emptyStore: () => ({ items: [] }),
  isEmptyStore: (d) => d.items.length === 0,
  hasDots: (d) => d.items.length > 0,
  cloneStore: (d) => ({ items: d.items }),
  joinStoreInto(t, ct, s, cs) {
    const out: MVItem[] = [];
    let changed = false;
    for (const x of t.items) {
      if (!cs.has(x.dot.replica, x.dot.seq) || hasDot(s.items, x.dot)) out.push(x);
      else changed = true;
    }
    for (const y of s.items) {
      if (ct.has(y.dot.replica, y.dot.seq) || hasDot(t.items, y.dot)) continue;
      out.push(y);
      changed = true;
    }
    if (!changed) return;
    out.sort((a, b) => compareDots(a.dot, b.dot));
    t.items = out;
  },
  forEachDot(d, f) {
    for (const x of d.items) f(x.dot.replica, x.dot.seq);
  },
  collectStore(d, replicas) {
    for (const x of d.items) replicas.add(x.dot.replica);
  },
  writeStore(w, d, index) {
    w.varint(d.items.length);
    for (const x of d.items) {
      w.varint(index.get(x.dot.replica)!);
      w.varint(x.dot.seq);
      writeJson(w, x.value);
    }
  },
  readStore(r, table) {
    const items: MVItem[] = [];
    const n = r.count();
    let prevIndex = -1;
    let prevSeq = 0;
    for (let k = 0; k < n; k++) {
      const i = r.varint();
      const seq = r.varint();
      if (seq < 1) throw new DecodeError("mvregister: seq 0");
      if (i < prevIndex || (i === prevIndex && seq <= prevSeq)) throw new DecodeError("mvregister: writes not in dot order");
      prevIndex = i;
      prevSeq = seq;
      items.push(Object.freeze({ dot: Object.freeze({ replica: replicaAt(table, i), seq }), value: readJson(r) }));
    }
    return { items };
  },
};

function mutate(state: MVRegisterState, op: MVRegisterOp, dot: Dot): MVRegisterState {
  assertDot(dot);
  if (op?.type !== "set") throw new TypeError(`mvregister: unknown op ${JSON.stringify(op)}`);
  const context = new CausalContext();
  for (const x of state.store.items) context.addDot(x.dot.replica, x.dot.seq);
  context.addDot(dot.replica, dot.seq);
  const item: MVItem = Object.freeze({ dot: Object.freeze({ replica: dot.replica, seq: dot.seq }), value: toJsonValue(op.value) });
  return { store: { items: [item] }, context };
}

/**
 * Multi-value register; value: the concurrent values in dot order ([] before the first write).
 * @example MVRegister.value(state) // ["red", "blue"] after two concurrent writes
 */
export const MVRegister: CrdtType<MVRegisterState, MVRegisterOp, JsonValue[]> = defineCrdt<MVRegisterState, MVRegisterOp, JsonValue[]>({
  name: "mvregister",
  causal: true,
  kind: mvKind as DotStoreKind<unknown>,
  ...causalOps(mvKind),
  mutate,
  value: (s) => s.store.items.map((x) => x.value),
  summary(s) {
    const items = s.store.items;
    if (items.length === 0) return "unset";
    if (items.length === 1) return clip(`value=${formatValue(items[0]!.value, 56)}`);
    return clip(`${items.length} concurrent values`);
  },
  codec: causalCodec(mvKind, [TYPE_TAGS.mvregister]),
});
