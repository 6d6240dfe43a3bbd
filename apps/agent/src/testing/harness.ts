// What an adapter's author hands the contract suite: a way to make replicas of their
// library, change them, sync them through the library's own sync path, and say what their
// states truly are.
import type { ReplicaSource } from "../ReplicaSource.js";

/** A few replicas of one library that can change and sync, each observed through a source. */
export interface SourceCluster {
  /** One source per replica, ids distinct. */
  readonly sources: readonly ReplicaSource[];
  /** A local change at replica `i` that issues at least one dot of its own. */
  update(i: number, random: () => number): void | Promise<void>;
  /**
   * Optional: a local change at replica `i` that removes something (in Yjs a delete issues
   * no dot, yet changes the state). Returns false when there was nothing to remove.
   */
  remove?(i: number, random: () => number): boolean | Promise<boolean>;
  /**
   * Optional: one payload from `from` merged at `to` through the library's sync path —
   * exactly one merge at `to`, nothing merged anywhere else.
   */
  sync?(from: number, to: number): void | Promise<void>;
  /** Optional, for runtimes that sync by themselves: let them gossip for a while. */
  gossip?(): void | Promise<void>;
  /** The test's own truth about replica `i`: equal strings exactly when the states are equal. */
  stateKey(i: number): string;
  close?(): void | Promise<void>;
}

/** How to make clusters of one kind of source. */
export interface ReplicaSourceHarness {
  /** Shown in the suite's name. */
  readonly name: string;
  /** Fresh replicas (no shared history) that can sync with each other; `seed` makes runs reproducible. */
  create(replicas: number, seed: number): SourceCluster | Promise<SourceCluster>;
}

/** The slice of a test framework the suite uses (vitest, jest and mocha+chai-style wrappers fit). */
export interface TestApi {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): void;
  /** Only `expect(x).toEqual(y)` is used: every case collects its problems and expects none. */
  expect(actual: unknown): { toEqual(expected: unknown): void };
}

/** How hard the suite tries. */
export interface ContractOptions {
  /** Replicas per cluster (default 4). */
  replicas?: number;
  /** Random steps per run (default 80). */
  steps?: number;
  /** One run per seed (default [1, 2, 3]). */
  seeds?: readonly number[];
  /** Per-case timeout handed to `it` (default 30 s). */
  timeoutMs?: number;
}
