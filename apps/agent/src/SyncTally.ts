// Cumulative sync counters for a replica source to keep itself: a few increments where its
// messages go out and come in, read by the agent once a tick through `syncCounters()`.
// Adapters of other libraries (integrations/*) use it so they all count the same way.
import type { KindCounter, SyncCounters, SyncKind } from "@driftscope/protocol";

/** Counts one replica's sync messages, bytes and merges; `read()` is its `syncCounters()`. */
export class SyncTally {
  sentMessages = 0;
  sentBytes = 0;
  receivedMessages = 0;
  receivedBytes = 0;
  merges = 0;
  changedMerges = 0;
  readonly #byKind = new Map<SyncKind, KindCounter>();

  /** A message of `bytes` bytes left the replica, carrying `kind`. */
  sent(kind: SyncKind, bytes: number): void {
    this.sentMessages++;
    this.sentBytes += bytes;
    const c = this.#byKind.get(kind);
    if (c === undefined) this.#byKind.set(kind, { messages: 1, bytes });
    else {
      c.messages++;
      c.bytes += bytes;
    }
  }

  /** A message of `bytes` bytes arrived. */
  received(bytes: number): void {
    this.receivedMessages++;
    this.receivedBytes += bytes;
  }

  /** A payload was merged; `changed`: the state is not what it was before. */
  merged(changed: boolean): void {
    this.merges++;
    if (changed) this.changedMerges++;
  }

  /** A copy of the counters (what `ReplicaSource.syncCounters` returns). */
  read(): SyncCounters {
    const byKind: NonNullable<SyncCounters["byKind"]> = {};
    for (const [kind, c] of this.#byKind) byKind[kind] = { messages: c.messages, bytes: c.bytes };
    return {
      sentMessages: this.sentMessages,
      sentBytes: this.sentBytes,
      receivedMessages: this.receivedMessages,
      receivedBytes: this.receivedBytes,
      merges: this.merges,
      changedMerges: this.changedMerges,
      byKind,
    };
  }
}
