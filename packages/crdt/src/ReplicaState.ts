// One replica's CRDT together with its causal context: dots for local updates, the version
// vector kept across merges for every type, and cached digests.
import { CausalContext, type Dot, type DotRange } from "./CausalContext.js";
import { hashState, implOf, readHeader, sharedWriterForDelta, writeHeader, type CrdtType } from "./CrdtType.js";
import { Reader, readReplicaTable, writeReplicaTable } from "./encoding.js";
import type { VersionVector } from "./versionVector.js";

/** A delta-group or a full state, with the causal context of the dots it carries. */
export interface Delta<S> {
  readonly state: S;
  readonly context: CausalContext;
}

/** What a merge did: whether the replica changed, and which dots it newly included. */
export interface MergeResult {
  changed: boolean;
  newlyIncluded: DotRange[];
}

/** What a merge without collecting returns (shared: nothing to allocate per merge). */
const CHANGED_UNCOLLECTED: MergeResult = Object.freeze({ changed: true, newlyIncluded: Object.freeze([]) as unknown as DotRange[] });

/** How {@link ReplicaState.merge} may cut corners; see there. */
export interface MergeOptions {
  /** The remote is known to hold at least one dot not included yet (skips the coverage check). */
  fresh?: boolean;
  /** Report the newly included dots (default true). */
  collect?: boolean;
}

/** A small summary of a replica (treat as read-only; it is cached and shared). */
export interface Digest {
  versionVector: VersionVector;
  hash: string;
  bytes: number;
  summary: string;
}

/** Reads the one-update deltas of mergeEncoded (not re-entrant: nothing it calls decodes). */
const oneReader = new Reader(new Uint8Array(0));

/**
 * A causal context of exactly one dot at table position 0, as CausalContext.write encodes it:
 * its seq, or −1 for any other context (the caller decodes in full).
 */
function readOneDot(r: Reader): number {
  if (r.count() !== 1 || r.varint() !== 0) return -1; // one entry, at table position 0
  const v = r.varint();
  const runs = r.count();
  if (runs === 0) return v === 1 ? 1 : -1; // seq 1 is the vector entry 1
  if (v !== 0 || runs !== 1) return -1;
  const seq = 2 + r.varint(); // a run after the (empty) vector: from = v + 2 + gap
  if (r.varint() !== 0) return -1; // a run of one dot
  return seq;
}

/** Byte after the format version that marks a delta (type tags are < 0x80). */
const DELTA_MARK = 0x80;

/** Delta header per codec signature, built once (deltas are decoded per received update). */
const deltaSignatures = new WeakMap<readonly number[], readonly number[]>();

let lastSignature: readonly number[] | undefined;
let lastDeltaSignature: readonly number[] = [];

function deltaSignature(signature: readonly number[]): readonly number[] {
  if (signature === lastSignature) return lastDeltaSignature;
  let sig = deltaSignatures.get(signature);
  if (sig === undefined) {
    sig = [DELTA_MARK, ...signature];
    deltaSignatures.set(signature, sig);
  }
  lastSignature = signature;
  lastDeltaSignature = sig;
  return sig;
}

/**
 * One replica's CRDT with its causal context: every local update gets the dot
 * (replicaId, seq+1); the version vector is kept across merges for EVERY type.
 * @example const r = new ReplicaState(AWSet, "a"); const { delta } = r.update({ type: "add", element: "x" }); other.merge(delta)
 */
export class ReplicaState<S, Op, V> {
  private seqValue = 0;
  private state: S;
  private readonly ctx = new CausalContext();
  /** The state object was handed out by snapshot(): copy it before the next in-place merge. */
  private shared = false;
  private cachedDigest: Digest | undefined;
  private cachedStateBytes: Uint8Array | undefined;
  private cachedSnapshotBytes: Uint8Array | undefined;

  constructor(
    /** The CRDT type of this replica's state. */
    readonly type: CrdtType<S, Op, V>,
    /** This replica's stable id: the origin of the dots it issues. */
    readonly replicaId: string,
  ) {
    if (typeof replicaId !== "string" || replicaId.length === 0) throw new TypeError("replicaId must be a non-empty string");
    this.state = type.empty();
  }

  /** A replica restored from a snapshot (its seq continues after its own dots in it). */
  static fromSnapshot<S, Op, V>(type: CrdtType<S, Op, V>, replicaId: string, snapshot: Delta<S>): ReplicaState<S, Op, V> {
    const r = new ReplicaState(type, replicaId);
    r.merge(snapshot);
    return r;
  }

  /** Highest seq issued locally. */
  get seq(): number {
    return this.seqValue;
  }

  /** Applies a local update; returns its dot and the delta to ship to other replicas. */
  update(op: Op): { dot: Dot; delta: Delta<S> } {
    const dot: Dot = Object.freeze({ replica: this.replicaId, seq: this.seqValue + 1 });
    const deltaState = this.type.mutate(this.state, op, dot); // throws on a bad op before anything changes
    this.seqValue = dot.seq;
    this.apply(deltaState);
    this.ctx.addDot(dot.replica, dot.seq);
    this.invalidate();
    const context = new CausalContext();
    context.addDot(dot.replica, dot.seq);
    return { dot, delta: { state: deltaState, context } };
  }

  /**
   * Merges a delta or a full snapshot alike; a remote whose dots are all included already is a
   * no-op. Options for callers that track dots themselves (a gossip replica merging what it
   * checked against its own index): `fresh` — remote is known to hold a dot not included, so
   * the coverage check is skipped; `collect: false` — `newlyIncluded` is left empty, which
   * spares building and sorting the ranges (the result is then a shared frozen object).
   */
  merge(remote: Delta<S>, options?: MergeOptions): MergeResult {
    if (options?.fresh !== true && this.ctx.covers(remote.context)) return { changed: false, newlyIncluded: [] };
    this.apply(remote.state);
    let newlyIncluded: DotRange[] | null = null;
    if (options?.collect === false) this.ctx.join(remote.context);
    else newlyIncluded = this.ctx.joinCollect(remote.context);
    // Never reissue a dot this replica issued before (e.g. restarted, then heard of its old updates).
    const ownMax = this.ctx.max(this.replicaId);
    if (ownMax > this.seqValue) this.seqValue = ownMax;
    this.invalidate();
    return newlyIncluded === null ? CHANGED_UNCOLLECTED : { changed: true, newlyIncluded };
  }

  /**
   * Merges a delta given as its canonical encoding (encodeDelta's bytes): the same as
   * `merge(decodeDelta(type, bytes), options)`. With `fresh` and `collect: false`, a counter's
   * single update (one replica, one dot) is read straight into the state and context, with no
   * delta built; anything else is decoded first. Throws DecodeError, having changed nothing,
   * on malformed bytes.
   */
  mergeEncoded(bytes: Uint8Array, options?: MergeOptions): MergeResult {
    const codec = implOf(this.type).codec;
    if (codec.readOne !== undefined && codec.mergeOne !== undefined && options?.fresh === true && options.collect === false) {
      const r = oneReader.reset(bytes);
      readHeader(r, deltaSignature(codec.signature));
      if (r.count() === 1) {
        const replica = r.string();
        const seq = readOneDot(r);
        const value = seq > 0 ? codec.readOne(r) : -1;
        if (value >= 0) {
          r.done(); // everything is read and checked before anything changes
          if (this.shared) {
            this.state = this.type.clone!(this.state);
            this.shared = false;
          }
          this.state = codec.mergeOne(this.state, replica, value);
          this.ctx.addDot(replica, seq);
          if (replica === this.replicaId && seq > this.seqValue) this.seqValue = seq;
          this.invalidate();
          return CHANGED_UNCOLLECTED;
        }
      }
    }
    return this.merge(decodeDelta(this.type, bytes), options);
  }

  private apply(source: S): void {
    const t = this.type;
    if (t.mergeInto !== undefined && t.clone !== undefined) {
      if (this.shared) {
        this.state = t.clone(this.state);
        this.shared = false;
      }
      this.state = t.mergeInto(this.state, source);
    } else {
      this.state = t.merge(this.state, source);
    }
  }

  private invalidate(): void {
    this.cachedDigest = undefined;
    this.cachedStateBytes = undefined;
    this.cachedSnapshotBytes = undefined;
  }

  /** Full state + full context (the state is shared: do not mutate it). */
  snapshot(): Delta<S> {
    this.shared = true;
    return { state: this.state, context: this.ctx.clone() };
  }

  /** The current value. */
  value(): V {
    return this.type.value(this.state);
  }

  /** The replica's version vector (a copy). */
  versionVector(): VersionVector {
    return this.ctx.versionVector();
  }

  /** The replica's causal context (a copy). */
  context(): CausalContext {
    return this.ctx.clone();
  }

  /** Canonical encoding of the state (cached until the state changes; do not mutate). */
  stateBytes(): Uint8Array {
    this.cachedStateBytes ??= this.type.encode(this.state);
    return this.cachedStateBytes;
  }

  /** encodeDelta of the full snapshot (cached until the state changes; do not mutate). */
  snapshotBytes(): Uint8Array {
    this.cachedSnapshotBytes ??= encodeDelta(this.type, { state: this.state, context: this.ctx });
    return this.cachedSnapshotBytes;
  }

  /** VV, content hash and size of the canonical state encoding, summary; cached until the state changes. */
  digest(): Digest {
    if (this.cachedDigest === undefined) {
      // Hashed where the encoding is written (no copy of it is kept): equal to hash64(stateBytes()).
      const { hash, bytes } = hashState(implOf(this.type).codec, this.state);
      this.cachedDigest = Object.freeze({
        versionVector: this.ctx.versionVector(),
        hash,
        bytes,
        summary: this.type.summary(this.state),
      });
    }
    return this.cachedDigest;
  }
}

/**
 * Canonical encoding of a delta (or snapshot): format version, delta mark, type signature,
 * one replica table shared by context and state, the context, then the state body.
 */
export function encodeDelta<S>(type: CrdtType<S, unknown, unknown>, delta: Delta<S>): Uint8Array {
  const { codec } = implOf(type);
  const replicas = new Set<string>(delta.context.replicas());
  codec.collect(delta.state, replicas);
  const w = sharedWriterForDelta();
  writeHeader(w, deltaSignature(codec.signature));
  const index = writeReplicaTable(w, replicas);
  delta.context.write(w, index);
  codec.write(w, delta.state, index);
  return w.finish();
}

/** Decodes {@link encodeDelta} output; throws DecodeError on malformed or mismatched bytes. */
export function decodeDelta<S>(type: CrdtType<S, unknown, unknown>, bytes: Uint8Array): Delta<S> {
  const { codec } = implOf(type);
  const r = new Reader(bytes);
  readHeader(r, deltaSignature(codec.signature));
  const table = readReplicaTable(r);
  const context = CausalContext.read(r, table);
  const state = codec.read(r, table);
  r.done();
  return { state, context };
}

/** Joins two deltas into a delta-group (state join, context union); arguments are not mutated. */
export function mergeDeltas<S>(type: CrdtType<S, unknown, unknown>, a: Delta<S>, b: Delta<S>): Delta<S> {
  const context = a.context.clone();
  context.join(b.context);
  return { state: type.merge(a.state, b.state), context };
}
