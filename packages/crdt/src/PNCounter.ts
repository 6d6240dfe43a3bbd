// Counter with increments and decrements: two grow-only counters, value = P − N.
import type { Dot } from "./CausalContext.js";
import { clip, defineCrdt, TYPE_TAGS, type CrdtType } from "./CrdtType.js";
import {
  checkAmount,
  counterDelta,
  counterMergeInto,
  counterSum,
  readCounter,
  writeCounter,
  type GCounterState,
} from "./GCounter.js";
import { ReplicaMap } from "./ReplicaMap.js";

/** PNCounter state: per-replica increments `p` and decrements `n`. */
export interface PNCounterState {
  readonly p: GCounterState;
  readonly n: GCounterState;
}

/** Adds (increment) or subtracts (decrement) `amount` (non-negative safe integer, default 1). */
export interface PNCounterOp {
  readonly type: "increment" | "decrement";
  readonly amount?: number;
}

/**
 * Positive-negative counter.
 * @example PNCounter.value(PNCounter.mutate(PNCounter.empty(), { type: "decrement" }, { replica: "a", seq: 1 })) // -1
 */
export const PNCounter: CrdtType<PNCounterState, PNCounterOp, number> = defineCrdt<PNCounterState, PNCounterOp, number>({
  name: "pncounter",
  causal: false,
  empty: () => ({ p: new ReplicaMap(), n: new ReplicaMap() }),
  clone: (s) => ({ p: s.p.clone(), n: s.n.clone() }),
  mergeInto(t, s) {
    counterMergeInto(t.p, s.p);
    counterMergeInto(t.n, s.n);
    return t;
  },
  mutate(state, op, dot: Dot) {
    const amount = checkAmount(op?.amount);
    if (op.type === "increment") return { p: counterDelta(state.p, dot.replica, amount), n: new ReplicaMap() };
    if (op.type === "decrement") return { p: new ReplicaMap(), n: counterDelta(state.n, dot.replica, amount) };
    throw new TypeError(`pncounter: unknown op ${JSON.stringify(op)}`);
  },
  value: (s) => counterSum(s.p) - counterSum(s.n),
  summary: (s) => clip(`value=${counterSum(s.p) - counterSum(s.n)} (+${counterSum(s.p)} −${counterSum(s.n)})`),
  codec: {
    signature: [TYPE_TAGS.pncounter],
    collect(s, replicas) {
      for (const r of s.p.keys()) replicas.add(r);
      for (const r of s.n.keys()) replicas.add(r);
    },
    write(w, s, index) {
      writeCounter(w, s.p, index);
      writeCounter(w, s.n, index);
    },
    read: (r, table) => ({ p: readCounter(r, table), n: readCounter(r, table) }),
    isBottom: (s) => s.p.size === 0 && s.n.size === 0,
  },
});
