// Last-writer-wins register. Each write carries its timestamp explicitly (the op is pure);
// the greatest (timestamp, replica id, seq) wins, so ties are broken deterministically.
import { assertDot, type Dot } from "./CausalContext.js";
import { clip, defineCrdt, TYPE_TAGS, type CrdtType } from "./CrdtType.js";
import { DecodeError, replicaAt } from "./encoding.js";
import { formatValue, readJson, readPrimitive, toJsonValue, writeJson, writePrimitive, type JsonValue } from "./values.js";

/** The winning write: its value, timestamp and the dot that issued it. */
export interface LWWWrite {
  readonly value: JsonValue;
  readonly timestamp: number;
  readonly replica: string;
  readonly seq: number;
}

/** LWWRegister state: the winning write, or null before the first write. */
export type LWWState = LWWWrite | null;

/** Writes `value` at `timestamp` (any finite number, e.g. ms since the epoch, supplied by the caller). */
export interface LWWOp {
  readonly type: "set";
  readonly value: JsonValue;
  readonly timestamp: number;
}

/** Order of writes: timestamp, then replica id (UTF-16 code units), then seq. */
export function compareWrites(a: LWWWrite, b: LWWWrite): number {
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  if (a.replica !== b.replica) return a.replica < b.replica ? -1 : 1;
  return a.seq - b.seq;
}

function join(t: LWWState, s: LWWState): LWWState {
  if (t === null) return s;
  if (s === null) return t;
  return compareWrites(s, t) > 0 ? s : t;
}

/**
 * Last-writer-wins register; value null before the first write. States are immutable.
 * @example LWWRegister.mutate(null, { type: "set", value: "on", timestamp: 1700000000000 }, dot)
 */
export const LWWRegister: CrdtType<LWWState, LWWOp, JsonValue> = defineCrdt<LWWState, LWWOp, JsonValue>({
  name: "lww",
  causal: false,
  empty: () => null,
  clone: (s) => s,
  mergeInto: join,
  mutate(_state, op, dot: Dot) {
    assertDot(dot);
    if (op?.type !== "set") throw new TypeError(`lww: unknown op ${JSON.stringify(op)}`);
    if (typeof op.timestamp !== "number" || !Number.isFinite(op.timestamp)) {
      throw new TypeError(`lww: timestamp must be a finite number, got ${String(op.timestamp)}`);
    }
    return Object.freeze({
      value: toJsonValue(op.value),
      timestamp: op.timestamp === 0 ? 0 : op.timestamp,
      replica: dot.replica,
      seq: dot.seq,
    });
  },
  value: (s) => (s === null ? null : s.value),
  summary: (s) => (s === null ? "unset" : clip(`value=${formatValue(s.value, 56)}`)),
  codec: {
    signature: [TYPE_TAGS.lww],
    collect(s, replicas) {
      if (s !== null) replicas.add(s.replica);
    },
    write(w, s, index) {
      if (s === null) {
        w.byte(0);
        return;
      }
      w.byte(1);
      w.varint(index.get(s.replica)!);
      w.varint(s.seq);
      writePrimitive(w, s.timestamp);
      writeJson(w, s.value);
    },
    read(r, table) {
      const present = r.byte();
      if (present === 0) return null;
      if (present !== 1) throw new DecodeError(`lww: bad presence byte ${present}`);
      const replica = replicaAt(table, r.varint());
      const seq = r.varint();
      if (seq < 1) throw new DecodeError("lww: seq 0");
      const timestamp = readPrimitive(r);
      if (typeof timestamp !== "number") throw new DecodeError("lww: timestamp is not a number");
      return Object.freeze({ value: readJson(r), timestamp, replica, seq });
    },
    isBottom: (s) => s === null,
  },
});
