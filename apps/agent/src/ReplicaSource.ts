// What the agent observes. A replica source is anything that can describe one replica:
// its digest (version vector, state hash, size, value summary) on demand, and its
// updates and sync events as they happen. Our own gossip replicas are one kind of
// source (`fromGossipReplica`); a node built on something else (Yjs, Automerge, a
// hand-written store) needs a small adapter implementing this interface.
import type { ClusterConfig, SyncKind } from "@driftscope/protocol";

/** A version vector as a source can give it: a Map, or `[origin, seq]` pairs (0s may be left out). */
export type VersionVectorInput = ReadonlyMap<string, number> | Iterable<readonly [string, number]>;

/** Everything the collector needs to know about a replica's state at one moment. */
export interface ReplicaDigest {
  /** For each origin replica, the highest seq such that all its dots 1..seq are in the state. */
  versionVector: VersionVectorInput;
  /** Hash of the canonical state: equal states have equal hashes (compared for equality only). */
  hash: string;
  /** Size of the state in bytes. */
  bytes: number;
  /** Short human summary of the value (≤ 256 chars), e.g. "count=42". */
  summary: string;
}

/** Hash, size and summary without the version vector (cheap to read every tick). */
export type StateDigest = Omit<ReplicaDigest, "versionVector">;

/** A run of dots of one origin, seqs `from..to` inclusive (the shape of crdt's `DotRange`). */
export interface DotRun {
  readonly replica: string;
  readonly from: number;
  readonly to: number;
}

/** Whether a replica is running or (simulated) crashed. */
export type ReplicaRunState = "up" | "crashed";

/**
 * Where a source reports what happens. Every method is cheap (a few counter increments)
 * and never throws, so a source may call it from its hot path.
 */
export interface ReplicaObserver {
  /** The replica issued local update `seq` (its dot `(id, seq)`). */
  updated(seq: number): void;
  /** A gossip message of `bytes` bytes left the replica for `peer`. */
  sent(kind: SyncKind | string, bytes: number, peer?: string): void;
  /** A gossip message of `bytes` bytes arrived from `peer`. */
  received(kind: SyncKind | string, bytes: number, peer?: string): void;
  /**
   * A payload was merged. `included`: the dots it newly included, when the source knows
   * them (gives exact inclusion times and sparse changes without re-reading the vector);
   * without them a changed merge makes the agent re-read the digest and compare.
   */
  merged(changed: boolean, included?: readonly DotRun[], peer?: string): void;
  /** The state changed in a way not described above; the agent re-reads the digest. */
  changed(): void;
  /** The replica crashed (simulated) or was restored. */
  status(state: ReplicaRunState): void;
}

/** A replica the agent can observe. Only `id`, `crdtType`, `digest` and `observe` are required. */
export interface ReplicaSource {
  /** Stable replica id (1–128 chars of `A-Za-z0-9._:-`). */
  readonly id: string;
  /** CRDT type label, e.g. "awset" (foreign nodes may use their own, e.g. "yjs-doc"). */
  readonly crdtType: string;
  /** The replica's digest right now. */
  digest(): ReplicaDigest;
  /** Starts delivering events to `observer`; returns a function that stops it. */
  observe(observer: ReplicaObserver): () => void;
  /** Optional fast path: one version-vector entry (0 if absent), so sparse reports need no copy. */
  versionVectorEntry?(origin: string): number;
  /** Optional fast path: hash, size and summary without the version vector. */
  stateDigest?(): StateDigest;
  /** Highest seq this replica issued itself (default: its own version-vector entry). */
  seq?(): number;
  /** Running or crashed (default "up"). */
  runState?(): ReplicaRunState;
  /**
   * Checks that this replica can run `config`; returns the reason when it cannot. Called
   * for every replica before any is changed, so a refused config changes nothing.
   */
  checkConfig?(config: ClusterConfig): string | undefined;
  /** Applies the replica's part of `config` (gossip settings…); called only after every check passed. */
  applyConfig?(config: ClusterConfig): void;
}

/** Copies a version-vector input into a Map without zero entries. */
export function toVersionVectorMap(input: VersionVectorInput): Map<string, number> {
  const out = new Map<string, number>();
  for (const [origin, seq] of input) if (seq > 0) out.set(origin, seq);
  return out;
}
