// An observer that keeps what a source told it, for the contract suite: every call is
// recorded, and calls the agent would have to ignore or distrust are noted as problems.
import type { DotRun, ReplicaObserver, ReplicaRunState } from "../ReplicaSource.js";

/** What one observer saw since it was created (or since `take`). */
export interface Observed {
  /** Seqs passed to `updated`, in call order. */
  updated: number[];
  /** `merged` calls: whether each changed the state, and the runs it said were included. */
  merges: Array<{ changed: boolean; included: readonly DotRun[] | undefined }>;
  sentBytes: number;
  sentMessages: number;
  receivedBytes: number;
  receivedMessages: number;
  changedCalls: number;
  statuses: ReplicaRunState[];
  /** Calls with arguments the agent cannot use (negative bytes, seq 0, empty runs…). */
  problems: string[];
}

const empty = (): Observed => ({
  updated: [],
  merges: [],
  sentBytes: 0,
  sentMessages: 0,
  receivedBytes: 0,
  receivedMessages: 0,
  changedCalls: 0,
  statuses: [],
  problems: [],
});

/** Records the calls of one source; `take()` hands out what was seen and starts afresh. */
export class RecordingObserver implements ReplicaObserver {
  #seen = empty();
  /** Calls after `stop` (the function `observe` returned) are a breach of the contract. */
  stopped = false;

  constructor(readonly id: string) {}

  take(): Observed {
    const out = this.#seen;
    this.#seen = empty();
    return out;
  }

  #late(what: string): void {
    if (this.stopped) this.#seen.problems.push(`${this.id}: ${what} after observe()'s stop function was called`);
  }

  updated(seq: number): void {
    this.#late(`updated(${seq})`);
    if (!Number.isSafeInteger(seq) || seq < 1) this.#seen.problems.push(`${this.id}: updated(${seq}) is not a seq ≥ 1`);
    this.#seen.updated.push(seq);
  }

  sent(kind: string, bytes: number, peer?: string): void {
    this.#late("sent()");
    this.#checkMessage("sent", kind, bytes, peer);
    this.#seen.sentMessages++;
    this.#seen.sentBytes += bytes;
  }

  received(kind: string, bytes: number, peer?: string): void {
    this.#late("received()");
    this.#checkMessage("received", kind, bytes, peer);
    this.#seen.receivedMessages++;
    this.#seen.receivedBytes += bytes;
  }

  merged(changed: boolean, included?: readonly DotRun[], _peer?: string): void {
    this.#late("merged()");
    if (typeof changed !== "boolean") this.#seen.problems.push(`${this.id}: merged(${String(changed)}) without a boolean`);
    for (const run of included ?? []) {
      if (typeof run.replica !== "string" || !Number.isSafeInteger(run.from) || !Number.isSafeInteger(run.to) || run.from < 1 || run.to < run.from) {
        this.#seen.problems.push(`${this.id}: merged() names an invalid run ${JSON.stringify(run)}`);
      }
    }
    if (included !== undefined && included.length > 0 && !changed) {
      this.#seen.problems.push(`${this.id}: merged(false) says it included ${JSON.stringify(included)}`);
    }
    this.#seen.merges.push({ changed, included });
  }

  changed(): void {
    this.#late("changed()");
    this.#seen.changedCalls++;
  }

  status(state: ReplicaRunState): void {
    this.#late(`status(${state})`);
    this.#seen.statuses.push(state);
  }

  #checkMessage(what: string, kind: string, bytes: number, peer: string | undefined): void {
    if (typeof kind !== "string" || kind.length === 0) this.#seen.problems.push(`${this.id}: ${what}() without a kind`);
    if (!Number.isFinite(bytes) || bytes < 0) this.#seen.problems.push(`${this.id}: ${what}() with ${bytes} bytes`);
    if (peer !== undefined && typeof peer !== "string") this.#seen.problems.push(`${this.id}: ${what}() with a peer that is no string`);
  }
}
