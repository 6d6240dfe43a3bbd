// Helpers for dot stores: sorted immutable dot lists, their join, and the dot → owner index
// that lets a small delta find the entries its context removes without scanning the state.
import { compareDots, type CausalContext, type Dot } from "./CausalContext.js";

/** An immutable list of distinct dots in canonical order. */
export type DotList = readonly Dot[];

/** The empty dot list (shared; never mutated). */
export const NO_DOTS: DotList = Object.freeze([]);

/** Replica → seq → owner (the element or key whose entry holds that dot). */
export type DotIndex<K> = Map<string, Map<number, K>>;

function listHas(list: DotList, d: Dot): boolean {
  for (const x of list) if (x.seq === d.seq && x.replica === d.replica) return true;
  return false;
}

/**
 * Join of the dot sets of one entry: keep t's dots that s also has or that s has not seen,
 * add s's dots that t has not seen. Returns `t` itself when nothing changes.
 */
export function joinDotLists(t: DotList, ct: CausalContext, s: DotList, cs: CausalContext): DotList {
  if (t.length === 1 && s.length === 1 && t[0]!.seq === s[0]!.seq && t[0]!.replica === s[0]!.replica) return t;
  let out: Dot[] | undefined;
  for (let i = 0; i < t.length; i++) {
    const d = t[i]!;
    const keep = !cs.has(d.replica, d.seq) || listHas(s, d);
    if (!keep && out === undefined) out = t.slice(0, i);
    else if (keep && out !== undefined) out.push(d);
  }
  for (const d of s) {
    if (ct.has(d.replica, d.seq) || listHas(t, d)) continue;
    if (out === undefined) out = t.slice();
    out.push(d);
  }
  if (out === undefined) return t;
  if (out.length > 1) out.sort(compareDots);
  return out.length === 0 ? NO_DOTS : out;
}

/** A list keeping the dots of `list` not included in `ctx` (`list` itself when none is). */
export function withoutDotsIn(list: DotList, ctx: CausalContext): DotList {
  return joinDotLists(list, ctx, NO_DOTS, ctx);
}

/** Records that dot (replica, seq) belongs to `owner`. */
export function indexSet<K>(index: DotIndex<K>, replica: string, seq: number, owner: K): void {
  let m = index.get(replica);
  if (m === undefined) {
    m = new Map();
    index.set(replica, m);
  }
  m.set(seq, owner);
}

/** Forgets dot (replica, seq). */
export function indexDelete<K>(index: DotIndex<K>, replica: string, seq: number): void {
  const m = index.get(replica);
  if (m === undefined) return;
  m.delete(seq);
  if (m.size === 0) index.delete(replica);
}

/** A deep copy of the index. */
export function cloneIndex<K>(index: DotIndex<K>): DotIndex<K> {
  const out: DotIndex<K> = new Map();
  for (const [r, m] of index) out.set(r, new Map(m));
  return out;
}

/** Number of dots indexed. */
export function indexSize<K>(index: DotIndex<K>): number {
  let n = 0;
  for (const m of index.values()) n += m.size;
  return n;
}

/**
 * Calls `f` for every indexed dot that `ctx` includes. Per origin it walks whichever is
 * smaller — the context's dots or the index's — so a one-dot delta costs O(1) and a full
 * state costs O(index).
 */
export function forEachIndexedIn<K>(index: DotIndex<K>, ctx: CausalContext, f: (replica: string, seq: number, owner: K) => void): void {
  for (const r of ctx.replicas()) {
    const m = index.get(r);
    if (m === undefined) continue;
    if (ctx.replicaDotCount(r) <= m.size) {
      ctx.forEachDotOf(r, (seq) => {
        const owner = m.get(seq);
        if (owner !== undefined) f(r, seq, owner);
      });
    } else {
      for (const [seq, owner] of m) if (ctx.has(r, seq)) f(r, seq, owner);
    }
  }
}
