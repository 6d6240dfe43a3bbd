// Grow-only counter: one non-decreasing count per replica; the value is their sum.
import type { Dot } from "./CausalContext.js";
import { clip, defineCrdt, TYPE_TAGS, type CrdtType } from "./CrdtType.js";
import { DecodeError, replicaAt, type Reader, type ReplicaIndex, type Writer } from "./encoding.js";
import { ReplicaMap } from "./ReplicaMap.js";

/**
 * GCounter state: replica id → that replica's count (never 0; absent = 0). A ReplicaMap: dense
 * once it counts many replicas, since merging an update is a lookup in it.
 */
export type GCounterState = ReplicaMap;

/** Adds `amount` (a non-negative safe integer, default 1) to the counter. */
export interface GCounterOp {
  readonly type: "increment";
  readonly amount?: number;
}

/** Validates an amount (non-negative safe integer) and returns it. @internal */
export function checkAmount(amount: number | undefined): number {
  const n = amount ?? 1;
  if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`amount must be a non-negative safe integer, got ${n}`);
  return n;
}

/** Delta of adding `amount` at `replica`: that replica's new entry alone. @internal */
export function counterDelta(state: GCounterState, replica: string, amount: number): GCounterState {
  const next = (state.get(replica) ?? 0) + amount;
  if (!Number.isSafeInteger(next)) throw new RangeError("counter entry would exceed 2^53 - 1");
  const delta = new ReplicaMap();
  return next > 0 ? delta.set(replica, next) : delta;
}

/** Pointwise max into `t`. @internal */
export function counterMergeInto(t: GCounterState, s: GCounterState): GCounterState {
  s.forEach((n, r) => {
    if (n > (t.get(r) ?? 0)) t.set(r, n);
  });
  return t;
}

/** Sum of the entries. @internal */
export function counterSum(m: GCounterState): number {
  let sum = 0;
  m.forEach((n) => (sum += n));
  return sum;
}

/** Writes entries in table order as (index gap, count). @internal */
export function writeCounter(w: Writer, m: GCounterState, index: ReplicaIndex): void {
  w.varint(m.size);
  let prev = -1;
  if (m.size * 4 >= index.size) {
    // The table holds (mostly) this counter's replicas, in table order: walk it, no sort.
    index.forEach((i, r) => {
      const n = m.get(r);
      if (n === undefined) return;
      w.varint(i - prev - 1);
      w.varint(n);
      prev = i;
    });
    return;
  }
  const items: Array<[number, number]> = [];
  m.forEach((n, r) => items.push([index.get(r)!, n]));
  items.sort((a, b) => a[0] - b[0]);
  for (const [i, n] of items) {
    w.varint(i - prev - 1);
    w.varint(n);
    prev = i;
  }
}

/** Reads what {@link writeCounter} wrote. @internal */
export function readCounter(r: Reader, table: readonly string[]): GCounterState {
  const m: GCounterState = new ReplicaMap();
  const n = r.count();
  let prev = -1;
  for (let k = 0; k < n; k++) {
    const i = prev + 1 + r.varint();
    prev = i;
    const count = r.varint();
    if (count === 0) throw new DecodeError("zero counter entry (non-canonical)");
    m.set(replicaAt(table, i), count);
  }
  return m;
}

/**
 * Grow-only counter. `mutate` uses only the dot's replica.
 * @example GCounter.value(GCounter.mutate(GCounter.empty(), { type: "increment", amount: 2 }, { replica: "a", seq: 1 })) // 2
 */
export const GCounter: CrdtType<GCounterState, GCounterOp, number> = defineCrdt<GCounterState, GCounterOp, number>({
  name: "gcounter",
  causal: false,
  empty: () => new ReplicaMap(),
  clone: (s) => s.clone(),
  mergeInto: counterMergeInto,
  mutate(state, op, dot: Dot) {
    if (op?.type !== "increment") throw new TypeError(`gcounter: unknown op ${JSON.stringify(op)}`);
    return counterDelta(state, dot.replica, checkAmount(op.amount));
  },
  value: counterSum,
  summary: (s) => clip(`count=${counterSum(s)} (${s.size} replicas)`),
  codec: {
    signature: [TYPE_TAGS.gcounter],
    collect(s, replicas) {
      s.forEach((_n, r) => replicas.add(r));
    },
    write: writeCounter,
    read: readCounter,
    isBottom: (s) => s.size === 0,
    readOne(r) {
      if (r.count() !== 1 || r.varint() !== 0) return -1; // one entry, at table position 0
      const count = r.varint();
      if (count === 0) throw new DecodeError("zero counter entry (non-canonical)");
      return count;
    },
    mergeOne(s, replica, value) {
      if (value > (s.get(replica) ?? 0)) s.set(replica, value);
      return s;
    },
  },
});
