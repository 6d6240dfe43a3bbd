// The CRDT "type class" every type implements, plus the internal machinery they share:
// the canonical state codec (header, replica table, body) and causal dot stores.
import { CausalContext, type Dot } from "./CausalContext.js";
import { DecodeError, Reader, Writer, readReplicaTable, writeReplicaTable, type ReplicaIndex } from "./encoding.js";
import { hash64 } from "./hash.js";

/** Names of the CRDT types, as used in configs and on the wire. */
export type CrdtTypeName = "gcounter" | "pncounter" | "gset" | "awset" | "lww" | "mvregister" | "awmap";

/**
 * A CRDT type as a value (a "type class"): pure functions over an immutable-by-convention state S.
 * @example const d = AWSet.mutate(AWSet.empty(), { type: "add", element: "x" }, { replica: "a", seq: 1 }); AWSet.value(AWSet.merge(AWSet.empty(), d)) // ["x"]
 */
export interface CrdtType<S, Op, V> {
  /** The type's name ("gcounter", "awset", …). */
  readonly name: CrdtTypeName;
  /** The bottom state (nothing happened yet). */
  empty(): S;
  /** Join; never mutates its arguments. */
  merge(a: S, b: S): S;
  /** Delta mutator: the delta of applying `op` at `state`, using the fresh `dot`. merge(state, delta) applies it. */
  mutate(state: S, op: Op, dot: Dot): S;
  /** The user-visible value. */
  value(state: S): V;
  /** Canonical encoding: equal states ⇒ equal bytes. */
  encode(state: S): Uint8Array;
  /** Inverse of encode; throws DecodeError on malformed bytes. */
  decode(bytes: Uint8Array): S;
  /** Short, ≤ 64 chars, e.g. "count=42", "10000 elements". */
  summary(state: S): string;
  /** Deep copy that the caller may then mutate through {@link CrdtType.mergeInto}. */
  clone?(state: S): S;
  /** In-place join into a state the caller owns; returns the result (`target` or a new value). Never aliases `source`. */
  mergeInto?(target: S, source: S): S;
  /** For "awmap": the type of the values. */
  readonly nested?: CrdtType<unknown, unknown, unknown>;
  /** True for types whose state is a dot store with its own causal context (awset, mvregister, awmap). */
  readonly causal?: boolean;
}

/** Encoding format version: the first byte of every state and delta encoding. */
export const FORMAT_VERSION = 1;

/** One-byte type tags that follow the format version (awmap adds its nested type's tags). */
export const TYPE_TAGS: Readonly<Record<CrdtTypeName, number>> = {
  gcounter: 1,
  pncounter: 2,
  gset: 3,
  awset: 4,
  lww: 5,
  mvregister: 6,
  awmap: 7,
};

/** How a type writes its state body, with replica ids as positions in a shared table. @internal */
export interface StateCodec<S> {
  readonly signature: readonly number[];
  collect(state: S, replicas: Set<string>): void;
  write(w: Writer, state: S, index: ReplicaIndex): void;
  read(r: Reader, table: readonly string[]): S;
  isBottom(state: S): boolean;
  /**
   * Optional fast path for a delta of one replica's update, read without building it: reads a
   * state body whose replica table is that one replica and returns the one number it holds, or
   * −1 when the body has another shape (the caller then decodes it in full). Throws
   * DecodeError on malformed bytes. `mergeOne` then joins it into a state in place.
   */
  readOne?(r: Reader): number;
  mergeOne?(state: S, replica: string, value: number): S;
}

/** State of a causal type: a dot store plus the causal context it is interpreted against. */
export interface CausalState<D> {
  readonly store: D;
  readonly context: CausalContext;
}

/**
 * A dot store (the part of a causal state without its context), with the join of
 * delta-state CRDTs: `(t, ct) ⊔ (s, cs)`. Stores are mutable; the owner mutates in place. @internal
 */
export interface DotStoreKind<D> {
  emptyStore(): D;
  isEmptyStore(d: D): boolean;
  /** True when some dot is live in the store (its value is visible; an AWMap of counters may hold only hidden entries). */
  hasDots(d: D): boolean;
  cloneStore(d: D): D;
  /** t := t ⊔ s where ct, cs are the contexts of t and s; must not alias mutable parts of s. */
  joinStoreInto(t: D, ct: CausalContext, s: D, cs: CausalContext): void;
  forEachDot(d: D, f: (replica: string, seq: number) => void): void;
  collectStore(d: D, replicas: Set<string>): void;
  writeStore(w: Writer, d: D, index: ReplicaIndex): void;
  readStore(r: Reader, table: readonly string[]): D;
}

/** A type implemented by this package: all optional members present, plus its codec. @internal */
export interface CrdtImpl<S, Op, V> extends CrdtType<S, Op, V> {
  clone(state: S): S;
  mergeInto(target: S, source: S): S;
  readonly causal: boolean;
  readonly codec: StateCodec<S>;
  /** Present exactly on causal types (S = CausalState<D>). */
  readonly kind?: DotStoreKind<unknown>;
}

const impls = new WeakSet<object>();

/** This package's implementation behind a public type, or a TypeError for foreign types. @internal */
export function implOf<S, Op, V>(type: CrdtType<S, Op, V>): CrdtImpl<S, Op, V> {
  if (!impls.has(type)) throw new TypeError(`${String(type?.name)} is not a @driftscope/crdt type`);
  return type as CrdtImpl<S, Op, V>;
}

// One writer reused by every encoding: encode is not re-entrant, and reuse avoids regrowing
// a buffer to the state's size on every call.
const sharedWriter = new Writer(1 << 16);

/** Writes the header: format version, then the type signature. @internal */
export function writeHeader(w: Writer, signature: readonly number[]): void {
  w.byte(FORMAT_VERSION);
  for (const b of signature) w.byte(b);
}

/** Checks the header written by {@link writeHeader}. @internal */
export function readHeader(r: Reader, signature: readonly number[]): void {
  const version = r.byte();
  if (version !== FORMAT_VERSION) throw new DecodeError(`unknown format version ${version}`);
  for (const b of signature) {
    const got = r.byte();
    if (got !== b) throw new DecodeError(`type tag ${got} where ${b} was expected`);
  }
}

/** Canonical encoding of a state: header, replica table, body. @internal */
export function encodeState<S>(codec: StateCodec<S>, state: S): Uint8Array {
  return writeState(codec, state).finish();
}

/**
 * hash64 and length of a state's canonical encoding, hashed where it was written: no copy of
 * the bytes is made (a state of thousands of elements is tens of kilobytes, and its digest is
 * taken again after every few changes). @internal
 */
export function hashState<S>(codec: StateCodec<S>, state: S): { hash: string; bytes: number } {
  const view = writeState(codec, state).view();
  return { hash: hash64(view), bytes: view.length };
}

function writeState<S>(codec: StateCodec<S>, state: S): Writer {
  const replicas = new Set<string>();
  codec.collect(state, replicas);
  const w = sharedWriter;
  w.reset();
  writeHeader(w, codec.signature);
  const index = writeReplicaTable(w, replicas);
  codec.write(w, state, index);
  return w;
}

/** Decodes {@link encodeState} output. @internal */
export function decodeState<S>(codec: StateCodec<S>, bytes: Uint8Array): S {
  const r = new Reader(bytes);
  readHeader(r, codec.signature);
  const table = readReplicaTable(r);
  const state = codec.read(r, table);
  r.done();
  return state;
}

/** Encodes with a caller-provided writer (used by delta encoding). @internal */
export function sharedWriterForDelta(): Writer {
  sharedWriter.reset();
  return sharedWriter;
}

/** Fills in encode/decode/merge from the codec and mergeInto, and registers the type. @internal */
export function defineCrdt<S, Op, V>(spec: Omit<CrdtImpl<S, Op, V>, "encode" | "decode" | "merge">): CrdtImpl<S, Op, V> {
  const impl: CrdtImpl<S, Op, V> = {
    ...spec,
    merge: (a, b) => spec.mergeInto(spec.clone(a), b),
    encode: (state) => encodeState(spec.codec, state),
    decode: (bytes) => decodeState(spec.codec, bytes),
  };
  impls.add(impl);
  return impl;
}

/** The codec of a causal state: store body, then context; decoding checks the store's dots are in the context. @internal */
export function causalCodec<D>(kind: DotStoreKind<D>, signature: readonly number[]): StateCodec<CausalState<D>> {
  return {
    signature,
    collect(state, replicas) {
      kind.collectStore(state.store, replicas);
      for (const r of state.context.replicas()) replicas.add(r);
    },
    write(w, state, index) {
      kind.writeStore(w, state.store, index);
      state.context.write(w, index);
    },
    read(r, table) {
      const store = kind.readStore(r, table);
      const context = CausalContext.read(r, table);
      kind.forEachDot(store, (replica, seq) => {
        if (!context.has(replica, seq)) throw new DecodeError(`dot ${replica}:${seq} is not in the causal context`);
      });
      return { store, context };
    },
    isBottom: (state) => kind.isEmptyStore(state.store) && state.context.isEmpty(),
  };
}

/** empty/clone/mergeInto of a causal type, from its dot store kind. @internal */
export function causalOps<D>(kind: DotStoreKind<D>) {
  return {
    empty: (): CausalState<D> => ({ store: kind.emptyStore(), context: new CausalContext() }),
    clone: (s: CausalState<D>): CausalState<D> => ({ store: kind.cloneStore(s.store), context: s.context.clone() }),
    mergeInto(t: CausalState<D>, s: CausalState<D>): CausalState<D> {
      kind.joinStoreInto(t.store, t.context, s.store, s.context);
      t.context.join(s.context);
      return t;
    },
  };
}

/** Cuts a summary to the 64-char limit. @internal */
export function clip(summary: string, max = 64): string {
  return summary.length <= max ? summary : `${summary.slice(0, max - 1)}…`;
}

/** "1 element", "2 elements". @internal */
export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
