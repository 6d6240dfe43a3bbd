// Shared property suite: the laws of SPEC.md (C-M*, C-D*, C-E*, C-H2, C-R3, C-R5) for any CRDT type,
// over generated histories of several replicas that update and exchange deltas or snapshots.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { CausalContext, Dot } from "../src/CausalContext.js";
import type { CrdtType } from "../src/CrdtType.js";
import { hash64 } from "../src/hash.js";
import { ReplicaState, decodeDelta, encodeDelta, mergeDeltas, type Delta } from "../src/ReplicaState.js";

/** One step of a generated history. */
export type Step<Op> =
  | { readonly kind: "op"; readonly at: number; readonly op: Op }
  | { readonly kind: "delta"; readonly to: number; readonly pick: number }
  | { readonly kind: "snapshot"; readonly from: number; readonly to: number };

/** Replica ids of generated histories: different lengths so that id order ≠ creation order. */
export const REPLICA_IDS = ["node-b", "a", "node-10", "node-2"];

/** Histories of `replicas` replicas: local ops, deliveries of arbitrary earlier deltas, snapshot merges. */
export function historyArb<Op>(op: fc.Arbitrary<Op>, replicas = 3, maxSteps = 20): fc.Arbitrary<Array<Step<Op>>> {
  const at = fc.integer({ min: 0, max: replicas - 1 });
  const step: fc.Arbitrary<Step<Op>> = fc.oneof(
    { weight: 5, arbitrary: fc.record({ kind: fc.constant("op" as const), at, op }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("delta" as const), to: at, pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("snapshot" as const), from: at, to: at }) },
  );
  return fc.array(step, { minLength: 1, maxLength: maxSteps });
}

/** What playing a history produced. */
export interface Played<S, Op, V> {
  readonly replicas: Array<ReplicaState<S, Op, V>>;
  /** Every delta issued, in issue order. */
  readonly deltas: Array<Delta<S>>;
  /** Snapshots taken along the way (states of replicas at various times). */
  readonly pool: Array<Delta<S>>;
}

/** Runs a history; deltas are delivered out of causal order and duplicated on purpose. */
export function play<S, Op, V>(type: CrdtType<S, Op, V>, steps: ReadonlyArray<Step<Op>>, replicas = 3): Played<S, Op, V> {
  const reps = REPLICA_IDS.slice(0, replicas).map((id) => new ReplicaState(type, id));
  const deltas: Array<Delta<S>> = [];
  const pool: Array<Delta<S>> = [];
  for (const s of steps) {
    if (s.kind === "op") {
      deltas.push(reps[s.at]!.update(s.op).delta);
    } else if (s.kind === "delta") {
      if (deltas.length > 0) reps[s.to]!.merge(deltas[s.pick % deltas.length]!);
    } else {
      reps[s.to]!.merge(reps[s.from]!.snapshot());
    }
    pool.push(reps[s.kind === "op" ? s.at : s.to]!.snapshot());
  }
  for (const r of reps) pool.push(r.snapshot());
  return { replicas: reps, deltas, pool };
}

/** Canonical bytes as hex, for readable failures. */
export function hex(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += b.toString(16).padStart(2, "0");
  return s;
}

/** A value in a comparable JSON form (Maps become entry lists). */
export function plain(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Map ? { map: [...x.entries()] } : x));
}

/** Fisher–Yates with fast-check's random source, so failures shrink and replay. */
export function shuffle<T>(items: readonly T[], keys: readonly number[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (keys[i % Math.max(1, keys.length)] ?? 0) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Options of {@link lawSuite}. */
export interface LawOptions {
  readonly numRuns?: number;
  readonly replicas?: number;
  readonly maxSteps?: number;
}

/** Registers the law tests for `type` (test names cite SPEC.md rule ids). */
export function lawSuite<S, Op, V>(label: string, type: CrdtType<S, Op, V>, op: fc.Arbitrary<Op>, options: LawOptions = {}): void {
  const numRuns = options.numRuns ?? 100;
  const replicas = options.replicas ?? 3;
  const history = historyArb(op, replicas, options.maxSteps ?? 20);
  const enc = (s: S): string => hex(type.encode(s));
  const poolAndPicks = history.chain((steps) => {
    const played = play(type, steps, replicas);
    const idx = fc.nat({ max: played.pool.length - 1 });
    return fc.tuple(fc.constant(played), idx, idx, idx);
  });

  describe(`${label}: laws`, () => {
    it("C-M1: merge is commutative", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i, j]) => {
          const a = p.pool[i]!.state;
          const b = p.pool[j]!.state;
          expect(enc(type.merge(a, b))).toBe(enc(type.merge(b, a)));
        }),
        { numRuns },
      );
    });

    it("C-M2: merge is associative", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i, j, k]) => {
          const [a, b, c] = [p.pool[i]!.state, p.pool[j]!.state, p.pool[k]!.state];
          expect(enc(type.merge(type.merge(a, b), c))).toBe(enc(type.merge(a, type.merge(b, c))));
        }),
        { numRuns },
      );
    });

    it("C-M3: merge is idempotent", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i, j]) => {
          const a = p.pool[i]!.state;
          const ab = type.merge(a, p.pool[j]!.state);
          expect(enc(type.merge(a, a))).toBe(enc(a));
          expect(enc(type.merge(ab, a))).toBe(enc(ab));
        }),
        { numRuns },
      );
    });

    it("C-M4: the empty state is the identity of merge", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i]) => {
          const a = p.pool[i]!.state;
          expect(enc(type.merge(a, type.empty()))).toBe(enc(a));
          expect(enc(type.merge(type.empty(), a))).toBe(enc(a));
        }),
        { numRuns },
      );
    });

    it("C-M5: merge and mergeInto never change or alias their source", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i, j, k]) => {
          const [a, b, c] = [p.pool[i]!.state, p.pool[j]!.state, p.pool[k]!.state];
          const before = [enc(a), enc(b), enc(c)];
          const ab = type.merge(a, b);
          // Mutating the result in place must not reach back into a or b.
          if (type.mergeInto !== undefined) type.mergeInto(ab, c);
          expect([enc(a), enc(b), enc(c)]).toEqual(before);
        }),
        { numRuns },
      );
    });

    it("C-D1: mutate leaves the state unchanged and merge(state, delta) applies the op", () => {
      fc.assert(
        fc.property(history, op, (steps, o) => {
          const r = play(type, steps, replicas).replicas[0]!;
          const s = r.snapshot().state;
          const before = enc(s);
          const dot = { replica: r.replicaId, seq: r.seq + 1 };
          const delta = type.mutate(s, o, dot);
          expect(enc(s)).toBe(before);
          r.update(o);
          expect(enc(type.merge(s, delta))).toBe(enc(r.snapshot().state));
        }),
        { numRuns },
      );
    });

    it("C-D2: joining all deltas (any order, any grouping) equals joining all full states", () => {
      fc.assert(
        fc.property(history, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (steps, keys) => {
          const p = play(type, steps, replicas);
          const full = p.replicas.map((r) => r.snapshot().state).reduce((x, y) => type.merge(x, y));
          const shuffled = shuffle(p.deltas, keys);
          const joined = shuffled.reduce((x, d) => type.merge(x, d.state), type.empty());
          expect(enc(joined)).toBe(enc(full));
          // Delta-groups: pairwise groups joined first.
          const groups: Array<Delta<S>> = [];
          for (let g = 0; g < shuffled.length; g += 2) {
            const second = shuffled[g + 1];
            groups.push(second === undefined ? shuffled[g]! : mergeDeltas(type, shuffled[g]!, second));
          }
          expect(enc(groups.reduce((x, d) => type.merge(x, d.state), type.empty()))).toBe(enc(full));
        }),
        { numRuns },
      );
    });

    it("C-R3: any delivery order and duplication of all deltas and states ends in equal values, hashes and digests", () => {
      fc.assert(
        fc.property(history, fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (steps, k1, k2) => {
          const p = play(type, steps, replicas);
          const everything = [...p.deltas, ...p.pool];
          const x = new ReplicaState(type, "observer-x");
          const y = new ReplicaState(type, "observer-y");
          for (const d of shuffle([...everything, ...everything.slice(0, k1.length)], k1)) x.merge(d);
          for (const d of shuffle(everything, k2)) y.merge(d);
          const dx = x.digest();
          const dy = y.digest();
          expect(plain(x.value())).toBe(plain(y.value()));
          expect(hex(x.stateBytes())).toBe(hex(y.stateBytes()));
          expect(dx).toEqual(dy);
          // Every issuing replica, once synced with everything, agrees too.
          const r0 = p.replicas[0]!;
          for (const r of p.replicas) r0.merge(r.snapshot());
          expect(r0.digest().hash).toBe(dx.hash);
        }),
        { numRuns },
      );
    });

    it("C-E2: decode(encode(state)) is the same state, and encodeDelta/decodeDelta round-trip", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i]) => {
          const snap = p.pool[i]!;
          const bytes = type.encode(snap.state);
          const back = type.decode(bytes);
          expect(hex(type.encode(back))).toBe(hex(bytes));
          expect(plain(type.value(back))).toBe(plain(type.value(snap.state)));
          const d = decodeDelta(type, encodeDelta(type, snap));
          expect(d.context.equals(snap.context)).toBe(true);
          expect(enc(d.state)).toBe(enc(snap.state));
          for (const delta of p.deltas) {
            const again = decodeDelta(type, encodeDelta(type, delta));
            expect(enc(again.state)).toBe(enc(delta.state));
            expect(again.context.equals(delta.context)).toBe(true);
          }
        }),
        { numRuns },
      );
    });

    it("C-E3/C-H2: states with different values or contexts have different encodings and different hashes", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i, j]) => {
          const a = p.pool[i]!;
          const b = p.pool[j]!;
          const ea = type.encode(a.state);
          const eb = type.encode(b.state);
          const sameBytes = hex(ea) === hex(eb);
          if (plain(type.value(a.state)) !== plain(type.value(b.state))) expect(sameBytes).toBe(false);
          expect(hash64(ea) === hash64(eb)).toBe(sameBytes);
        }),
        { numRuns },
      );
    });

    it("C-E4: decoding truncated or corrupted bytes throws DecodeError or yields a valid state", () => {
      fc.assert(
        fc.property(poolAndPicks, fc.nat(), fc.integer({ min: 0, max: 255 }), ([p, i], at, byte) => {
          const bytes = type.encode(p.pool[i]!.state);
          expect(() => type.decode(bytes.subarray(0, bytes.length - 1))).toThrow();
          const corrupt = bytes.slice();
          corrupt[at % corrupt.length] = byte;
          let decoded: S | undefined;
          try {
            decoded = type.decode(corrupt);
          } catch (e) {
            expect((e as Error).name).toBe("DecodeError");
          }
          // Whatever decodes is a well-formed state: it re-encodes and merges.
          if (decoded !== undefined) expect(() => type.encode(type.merge(decoded, p.pool[i]!.state))).not.toThrow();
        }),
        { numRuns },
      );
    });

    it("C-S1: summaries are at most 64 characters", () => {
      fc.assert(
        fc.property(poolAndPicks, ([p, i]) => {
          expect(type.summary(p.pool[i]!.state).length).toBeLessThanOrEqual(64);
        }),
        { numRuns: Math.min(numRuns, 50) },
      );
    });
  });
}

/** An op issued in a causal history, with what its replica had seen just before. */
export interface ObservedOp<Op> {
  readonly dot: Dot;
  readonly op: Op;
  readonly seen: CausalContext;
}

/**
 * Plays a history with causal delivery only (ops and whole-snapshot merges; "delta" steps
 * become snapshot merges), then syncs every replica; returns the converged replica and
 * every op with the context its replica had when issuing it.
 */
export function playCausal<S, Op, V>(type: CrdtType<S, Op, V>, steps: ReadonlyArray<Step<Op>>, replicas = 3): { final: ReplicaState<S, Op, V>; ops: Array<ObservedOp<Op>> } {
  const reps = REPLICA_IDS.slice(0, replicas).map((id) => new ReplicaState(type, id));
  const ops: Array<ObservedOp<Op>> = [];
  for (const s of steps) {
    if (s.kind === "op") {
      const seen = reps[s.at]!.context();
      ops.push({ dot: reps[s.at]!.update(s.op).dot, op: s.op, seen });
    } else if (s.kind === "snapshot") {
      reps[s.to]!.merge(reps[s.from]!.snapshot());
    } else {
      reps[s.to]!.merge(reps[s.pick % replicas]!.snapshot());
    }
  }
  const final = new ReplicaState(type, "observer");
  for (const r of reps) final.merge(r.snapshot());
  return { final, ops };
}

/** Ops not observed by any other op of the same group (the causally maximal ones). */
export function maximalOps<Op>(ops: ReadonlyArray<ObservedOp<Op>>): Array<ObservedOp<Op>> {
  return ops.filter((o) => !ops.some((p) => p !== o && p.seen.includes(o.dot)));
}
