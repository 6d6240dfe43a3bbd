// A replica entry's version vector as the socket decoder read it from the report's text:
// origins already numbered by the engine's IdTable, counters in a typed array, no [origin,
// seq] pair allocated per entry. Such an entry carries `vv: []` and the vector under PACKED;
// whatever reads a vector goes through these helpers, so both forms mean the same.
import type { ReplicaReport } from "@driftscope/protocol";

export const PACKED: unique symbol = Symbol("driftscope.packedVv");

/** The engine's numbering of replica and origin ids, as far as it has given numbers out (never reused). */
export interface OriginNumbers {
  lookup(id: string): number | undefined;
  name(n: number): string;
}

/** Entries [from, to) of `ids` (engine origin numbers) and `seqs`. */
export interface PackedVv {
  readonly ids: Int32Array;
  readonly seqs: Float64Array;
  readonly from: number;
  readonly to: number;
  /** The engine's origin names, for the rare reader that needs pairs (a merge of waiting reports). */
  readonly names: OriginNumbers;
}

type MaybePacked = ReplicaReport & { [PACKED]?: PackedVv };

export function packedOf(entry: ReplicaReport): PackedVv | undefined {
  return (entry as MaybePacked)[PACKED];
}

/** Version-vector entries of a replica entry, in either form. */
export function vvLength(entry: ReplicaReport): number {
  const p = packedOf(entry);
  return p === undefined ? entry.vv.length : p.to - p.from;
}

/** The vector as [origin, seq] pairs, in either form. */
export function vvPairs(entry: ReplicaReport): ReplicaReport["vv"] {
  const p = packedOf(entry);
  if (p === undefined) return entry.vv;
  const out: Array<[string, number]> = [];
  for (let i = p.from; i < p.to; i++) out.push([p.names.name(p.ids[i]!), p.seqs[i]!]);
  return out as ReplicaReport["vv"];
}
