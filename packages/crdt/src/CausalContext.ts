// A causal context: the set of dots a replica has seen, stored as a version vector (the
// contiguous prefix per origin) plus a dot cloud (the dots beyond a gap), always compacted.
import { DecodeError, Reader, Writer, readReplicaTable, replicaAt, writeReplicaTable, type ReplicaIndex } from "./encoding.js";
import type { VersionVector } from "./versionVector.js";
import { OneOrMap } from "./OneOrMap.js";
import { ReplicaMap } from "./ReplicaMap.js";

/** One update's identity: the `seq`-th update issued by `replica` (seq ≥ 1). */
export interface Dot {
  readonly replica: string;
  readonly seq: number;
}

/** Inclusive run of dots of one origin: seqs from..to. */
export interface DotRange {
  readonly replica: string;
  readonly from: number;
  readonly to: number;
}

/** Canonical dot order: replica id (UTF-16 code units), then seq. */
export function compareDots(a: Dot, b: Dot): number {
  if (a.replica !== b.replica) return a.replica < b.replica ? -1 : 1;
  return a.seq - b.seq;
}

/** Throws a TypeError unless `dot` has a string replica and a positive safe-integer seq. */
export function assertDot(dot: Dot): void {
  if (typeof dot?.replica !== "string" || !Number.isSafeInteger(dot.seq) || dot.seq < 1) {
    throw new TypeError(`invalid dot ${JSON.stringify(dot)}: need { replica: string, seq: integer ≥ 1 }`);
  }
}

/** Guard against decoding a tiny message into a giant cloud (a run is a few bytes). */
const MAX_DECODED_CLOUD_DOTS = 1 << 22;

/** Numeric ascending sort (typed-array sort is numeric and fast). */
function sortedNumbers(set: Iterable<number>): Float64Array {
  return Float64Array.from(set).sort();
}

/**
 * The cloud dots of one origin: a lone seq is stored as the number itself (the common case:
 * one update beyond a gap), several as a Set. Never empty.
 */
type CloudEntry = number | Set<number>;

/** Shared empty maps of a context that has no vector / cloud entry yet (never written). */
const NO_VV = new ReplicaMap();
const NO_CLOUD = new OneOrMap<CloudEntry>();

function cloudHas(c: CloudEntry, seq: number): boolean {
  return typeof c === "number" ? c === seq : c.has(seq);
}

function cloudCount(c: CloudEntry): number {
  return typeof c === "number" ? 1 : c.size;
}

function sortedCloud(c: CloudEntry): Float64Array {
  return typeof c === "number" ? Float64Array.of(c) : sortedNumbers(c);
}

/** True when `ranges` is already in {@link byReplicaThenFrom} order (the sort is skipped). */
function isSortedRanges(ranges: readonly DotRange[]): boolean {
  for (let i = 1; i < ranges.length; i++) if (byReplicaThenFrom(ranges[i - 1]!, ranges[i]!) > 0) return false;
  return true;
}

function byReplicaThenFrom(a: DotRange, b: DotRange): number {
  if (a.replica !== b.replica) return a.replica < b.replica ? -1 : 1;
  return a.from - b.from;
}

/**
 * Version vector + dot cloud, always compacted: a cloud dot is never ≤ vv[r] + 1 (it would
 * have been folded into the vector). Mutable; use {@link CausalContext.clone} to share.
 * @example const c = new CausalContext(); c.add({ replica: "a", seq: 2 }); c.add({ replica: "a", seq: 1 }); c.versionVector() // Map { a → 2 }
 */
export class CausalContext {
  // Both maps start as shared empty sentinels and are created on first write (most contexts
  // in flight are one update's dot: a vector entry or a cloud entry, rarely both).
  private vv: ReplicaMap = NO_VV;
  private cloud: OneOrMap<CloudEntry> = NO_CLOUD;

  private ownVv(): ReplicaMap {
    if (this.vv === NO_VV) this.vv = new ReplicaMap();
    return this.vv;
  }

  private ownCloud(): OneOrMap<CloudEntry> {
    if (this.cloud === NO_CLOUD) this.cloud = new OneOrMap();
    return this.cloud;
  }

  /** A context holding exactly the dots of a version vector. */
  static fromVersionVector(vv: VersionVector): CausalContext {
    const c = new CausalContext();
    for (const [r, n] of vv) {
      if (!Number.isSafeInteger(n) || n < 0) throw new TypeError(`invalid version vector entry ${r} → ${n}`);
      if (n > 0) c.ownVv().set(r, n);
    }
    return c;
  }

  /** A context holding exactly the given dots. */
  static fromDots(dots: Iterable<Dot>): CausalContext {
    const c = new CausalContext();
    for (const d of dots) c.add(d);
    return c;
  }

  /** True when the context includes `dot`. */
  includes(dot: Dot): boolean {
    return this.has(dot.replica, dot.seq);
  }

  /** True when the context includes the dot (replica, seq). */
  has(replica: string, seq: number): boolean {
    if (seq <= (this.vv.get(replica) ?? 0)) return true;
    if (this.cloud.size === 0) return false;
    const c = this.cloud.get(replica);
    return c !== undefined && cloudHas(c, seq);
  }

  /** Adds one dot (compacting). */
  add(dot: Dot): void {
    assertDot(dot);
    this.addDot(dot.replica, dot.seq);
  }

  /** Adds the dot (replica, seq), trusted to be valid; returns whether it was new. */
  addDot(replica: string, seq: number): boolean {
    const v = this.vv.get(replica) ?? 0;
    if (seq <= v) return false;
    // Most contexts (a replica's, once caught up) have no cloud: skip the lookup.
    const c = this.cloud.size === 0 ? undefined : this.cloud.get(replica);
    if (seq === v + 1) {
      let n = seq;
      if (typeof c === "number") {
        if (c === n + 1) {
          n = c;
          this.cloud.delete(replica);
        }
      } else if (c !== undefined) {
        while (c.delete(n + 1)) n++;
        if (c.size === 0) this.cloud.delete(replica);
      }
      this.ownVv().set(replica, n);
      return true;
    }
    if (c === undefined) {
      this.ownCloud().set(replica, seq);
      return true;
    }
    if (typeof c === "number") {
      if (c === seq) return false;
      this.cloud.set(replica, new Set<number>().add(c).add(seq));
      return true;
    }
    if (c.has(seq)) return false;
    c.add(seq);
    return true;
  }

  /** Folds cloud dots of `replica` that became contiguous with its vector entry. */
  private compact(replica: string): void {
    const c = this.cloud.get(replica);
    if (c === undefined) return;
    let v = this.vv.get(replica) ?? 0;
    if (typeof c === "number") {
      if (c <= v + 1) {
        if (c === v + 1) this.ownVv().set(replica, c);
        this.cloud.delete(replica);
      }
      return;
    }
    for (const s of c) if (s <= v) c.delete(s);
    while (c.delete(v + 1)) v++;
    if (v > 0) this.ownVv().set(replica, v);
    if (c.size === 0) this.cloud.delete(replica);
  }

  /** In-place union with `other`. */
  join(other: CausalContext): void {
    if (other.vv.size > 0) for (const [r, ov] of other.vv) {
      if (ov > (this.vv.get(r) ?? 0)) {
        this.ownVv().set(r, ov);
        this.compact(r);
      }
    }
    for (const [r, oc] of other.cloud) {
      if (typeof oc === "number") this.addDot(r, oc);
      else for (const s of oc) this.addDot(r, s);
    }
  }

  /** In-place union with `other`, returning the dots it newly included (sorted ranges). */
  joinCollect(other: CausalContext): DotRange[] {
    const out: DotRange[] = [];
    // One pass per origin that joins as it collects: each entry of this context is looked up
    // and written once (on a large replica's context these lookups dominate).
    if (other.vv.size > 0) for (const [r, ov] of other.vv) {
      const v = this.vv.get(r) ?? 0;
      if (ov <= v) continue;
      const c = this.cloud.size === 0 ? undefined : this.cloud.get(r);
      if (c === undefined) {
        out.push({ replica: r, from: v + 1, to: ov });
        this.ownVv().set(r, ov);
        continue;
      }
      let start = v + 1;
      for (const s of sortedCloud(c)) {
        if (s > ov) break;
        if (s > start) out.push({ replica: r, from: start, to: s - 1 });
        start = s + 1;
      }
      if (start <= ov) out.push({ replica: r, from: start, to: ov });
      this.ownVv().set(r, ov);
      this.compact(r);
    }
    // Other's cloud dots of an origin lie beyond its vector entry + 1, so joining the vector
    // parts above did not change whether this context includes them: addDot tells.
    for (const [r, oc] of other.cloud) {
      if (typeof oc === "number") {
        if (this.addDot(r, oc)) out.push({ replica: r, from: oc, to: oc });
        continue;
      }
      let runFrom = -1;
      let runTo = -1;
      for (const s of sortedNumbers(oc)) {
        if (!this.addDot(r, s)) continue;
        if (s === runTo + 1) {
          runTo = s;
        } else {
          if (runFrom > 0) out.push({ replica: r, from: runFrom, to: runTo });
          runFrom = s;
          runTo = s;
        }
      }
      if (runFrom > 0) out.push({ replica: r, from: runFrom, to: runTo });
    }
    if (out.length > 1 && !isSortedRanges(out)) out.sort(byReplicaThenFrom);
    return out;
  }

  /** True when every dot of `other` is included in this context. */
  covers(other: CausalContext): boolean {
    if (other.vv.size > 0) for (const [r, ov] of other.vv) {
      const v = this.vv.get(r) ?? 0;
      if (ov <= v) continue;
      const c = this.cloud.get(r);
      if (c === undefined || cloudCount(c) < ov - v) return false;
      for (let s = v + 1; s <= ov; s++) if (!cloudHas(c, s)) return false;
    }
    for (const [r, oc] of other.cloud) {
      if (typeof oc === "number") {
        if (!this.has(r, oc)) return false;
      } else {
        for (const s of oc) if (!this.has(r, s)) return false;
      }
    }
    return true;
  }

  /** An independent copy. */
  clone(): CausalContext {
    const c = new CausalContext();
    if (this.vv.size > 0) c.vv = this.vv.clone();
    if (this.cloud.size > 0) {
      const cloud = c.ownCloud();
      for (const [r, s] of this.cloud) cloud.set(r, typeof s === "number" ? s : new Set(s));
    }
    return c;
  }

  /** The compacted contiguous part (a copy). */
  versionVector(): VersionVector {
    const out: VersionVector = new Map();
    this.vv.forEach((n, r) => out.set(r, n));
    return out;
  }

  /** The contiguous entry of `replica` (0 when absent). */
  get(replica: string): number {
    return this.vv.get(replica) ?? 0;
  }

  /** The highest seq of `replica` included (contiguous or not), 0 when none. */
  max(replica: string): number {
    let m = this.vv.get(replica) ?? 0;
    const c = this.cloud.get(replica);
    if (typeof c === "number") return c > m ? c : m;
    if (c !== undefined) for (const s of c) if (s > m) m = s;
    return m;
  }

  /** Origins with at least one included dot, unsorted. */
  replicas(): string[] {
    const out = [...this.vv.keys()];
    for (const r of this.cloud.keys()) if (!this.vv.has(r)) out.push(r);
    return out;
  }

  /** Number of dots of `replica` included. */
  replicaDotCount(replica: string): number {
    const c = this.cloud.get(replica);
    return (this.vv.get(replica) ?? 0) + (c === undefined ? 0 : cloudCount(c));
  }

  /** Calls `f` for every included seq of `replica` (vector part ascending, then the cloud). */
  forEachDotOf(replica: string, f: (seq: number) => void): void {
    const v = this.vv.get(replica) ?? 0;
    for (let s = 1; s <= v; s++) f(s);
    const c = this.cloud.get(replica);
    if (typeof c === "number") f(c);
    else if (c !== undefined) for (const s of c) f(s);
  }

  /** Total number of dots included. */
  dotCount(): number {
    let n = 0;
    for (const v of this.vv.values()) n += v;
    for (const c of this.cloud.values()) n += cloudCount(c);
    return n;
  }

  /** Number of dots held in the cloud (beyond a gap): 0 once every dot before them arrived. */
  cloudSize(): number {
    let n = 0;
    for (const c of this.cloud.values()) n += cloudCount(c);
    return n;
  }

  /** True when no dot is included. */
  isEmpty(): boolean {
    return this.vv.size === 0 && this.cloud.size === 0;
  }

  /** True when both contexts include exactly the same dots. */
  equals(other: CausalContext): boolean {
    if (this.vv.size !== other.vv.size || this.cloud.size !== other.cloud.size) return false;
    for (const [r, n] of this.vv) if (other.vv.get(r) !== n) return false;
    for (const [r, c] of this.cloud) {
      const oc = other.cloud.get(r);
      if (oc === undefined || cloudCount(oc) !== cloudCount(c)) return false;
      if (typeof c === "number") {
        if (!cloudHas(oc, c)) return false;
      } else {
        for (const s of c) if (!cloudHas(oc, s)) return false;
      }
    }
    return true;
  }

  /** Inclusive runs of the seqs of `replica` included, ascending. */
  rangesOf(replica: string): Array<[from: number, to: number]> {
    const out: Array<[number, number]> = [];
    const v = this.vv.get(replica) ?? 0;
    if (v > 0) out.push([1, v]);
    const c = this.cloud.get(replica);
    if (c !== undefined) {
      for (const s of sortedCloud(c)) {
        const last = out[out.length - 1];
        if (last !== undefined && last[1] + 1 === s) last[1] = s;
        else out.push([s, s]);
      }
    }
    return out;
  }

  /** All included dots as ranges, sorted by replica id then seq. */
  ranges(): DotRange[] {
    const out: DotRange[] = [];
    for (const r of this.replicas().sort()) {
      for (const [from, to] of this.rangesOf(r)) out.push({ replica: r, from, to });
    }
    return out;
  }

  /** Dots in `this` not in `before` (as ranges), e.g. what a merge newly included. */
  newSince(before: CausalContext): DotRange[] {
    const out: DotRange[] = [];
    for (const r of this.replicas().sort()) {
      const bv = before.vv.get(r) ?? 0;
      const bc = before.cloud.get(r);
      const holes = bc === undefined ? [] : sortedCloud(bc);
      for (const [f0, to] of this.rangesOf(r)) {
        let from = Math.max(f0, bv + 1);
        if (from > to) continue;
        for (const s of holes) {
          if (s < from) continue;
          if (s > to) break;
          if (s > from) out.push({ replica: r, from, to: s - 1 });
          from = s + 1;
        }
        if (from <= to) out.push({ replica: r, from, to });
      }
    }
    return out;
  }

  /** Writes the context with replica ids as positions in the encoding's table. */
  write(w: Writer, index: ReplicaIndex): void {
    const entries = this.replicas().map((r): [string, number] => {
      const i = index.get(r);
      if (i === undefined) throw new Error(`replica ${r} missing from the replica table`);
      return [r, i];
    });
    entries.sort((a, b) => a[1] - b[1]);
    w.varint(entries.length);
    let prev = -1;
    for (const [r, i] of entries) {
      w.varint(i - prev - 1);
      prev = i;
      const v = this.vv.get(r) ?? 0;
      w.varint(v);
      const runs = this.cloud.has(r) ? this.rangesOf(r).filter(([from]) => from > v) : [];
      w.varint(runs.length);
      let p = v + 1;
      for (const [from, to] of runs) {
        w.varint(from - p - 1);
        w.varint(to - from);
        p = to + 1;
      }
    }
  }

  /** Reads what {@link CausalContext.write} wrote. */
  static read(r: Reader, table: readonly string[]): CausalContext {
    const c = new CausalContext();
    const n = r.count();
    let prev = -1;
    let cloudDots = 0;
    for (let k = 0; k < n; k++) {
      const i = prev + 1 + r.varint();
      const replica = replicaAt(table, i);
      prev = i;
      const v = r.varint();
      const runs = r.count();
      if (v === 0 && runs === 0) throw new DecodeError("empty causal context entry");
      if (v > 0) c.ownVv().set(replica, v);
      let p = v + 1;
      if (runs > 0) {
        let set: Set<number> | undefined;
        let single = 0;
        for (let j = 0; j < runs; j++) {
          const from = p + 1 + r.varint();
          const to = from + r.varint();
          if (!Number.isSafeInteger(to)) throw new DecodeError("dot seq beyond 2^53 - 1");
          cloudDots += to - from + 1;
          if (cloudDots > MAX_DECODED_CLOUD_DOTS) throw new DecodeError("dot cloud too large");
          if (runs === 1 && from === to) single = from;
          else {
            set ??= new Set<number>();
            for (let s = from; s <= to; s++) set.add(s);
          }
          p = to + 1;
        }
        c.ownCloud().set(replica, set ?? single);
      }
    }
    return c;
  }

  /** Standalone canonical encoding (own replica table): equal contexts ⇒ equal bytes. */
  encode(): Uint8Array {
    const w = new Writer(64);
    const index = writeReplicaTable(w, this.replicas());
    this.write(w, index);
    return w.finish();
  }

  /** Decodes {@link CausalContext.encode} output. */
  static decode(bytes: Uint8Array): CausalContext {
    const r = new Reader(bytes);
    const c = CausalContext.read(r, readReplicaTable(r));
    r.done();
    return c;
  }

  /** Debug form, e.g. `{a:3, b:1+[4,6..7]}`. */
  toString(): string {
    const parts = this.replicas()
      .sort()
      .map((r) => {
        const v = this.vv.get(r) ?? 0;
        const runs = this.rangesOf(r).filter(([from]) => from > v);
        const cloud = runs.map(([f, t]) => (f === t ? `${f}` : `${f}..${t}`)).join(",");
        return `${r}:${v}${runs.length > 0 ? `+[${cloud}]` : ""}`;
      });
    return `{${parts.join(", ")}}`;
  }
}
