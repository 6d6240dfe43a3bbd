// A node that is NOT built on @driftscope/gossip: a hand-written grow-only counter whose
// per-origin counts are its version vector (every update adds 1 at its origin, so the
// count of origin r is exactly the highest seq of r it has seen). It shows what a
// foreign node's adapter looks like: a digest, and events for updates and syncs.
import type { ClusterConfig } from "@driftscope/protocol";
import type { ReplicaDigest, ReplicaObserver, ReplicaSource } from "../src/ReplicaSource.js";

export class FakeNode implements ReplicaSource {
  readonly crdtType = "fake-counter";
  readonly counts = new Map<string, number>();
  readonly observers = new Set<ReplicaObserver>();
  /** Config knobs this node understands, applied by `applyConfig`. */
  intervalMs = 1000;
  configsApplied: number[] = [];
  refuse: string | undefined;

  constructor(readonly id: string) {}

  update(): number {
    const seq = (this.counts.get(this.id) ?? 0) + 1;
    this.counts.set(this.id, seq);
    for (const o of this.observers) o.updated(seq);
    return seq;
  }

  /** Pulls `other`'s state (one sync message of `bytes` bytes each way). */
  syncFrom(other: FakeNode, bytes = 64): boolean {
    for (const o of other.observers) o.sent("full", bytes, this.id);
    for (const o of this.observers) o.received("full", bytes, other.id);
    let changed = false;
    for (const [origin, n] of other.counts) {
      if (n > (this.counts.get(origin) ?? 0)) {
        this.counts.set(origin, n);
        changed = true;
      }
    }
    // This adapter does not say which dots the merge included: the agent compares vectors.
    for (const o of this.observers) o.merged(changed);
    return changed;
  }

  value(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  digest(): ReplicaDigest {
    const entries = [...this.counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    let h = 2166136261;
    for (const ch of JSON.stringify(entries)) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    return { versionVector: this.counts, hash: h.toString(16).padStart(8, "0"), bytes: 8 * entries.length, summary: `count=${this.value()}` };
  }

  observe(observer: ReplicaObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  checkConfig(config: ClusterConfig): string | undefined {
    return this.refuse ?? (config.gossip.intervalMs < 50 ? "this node cannot sync faster than every 50 ms" : undefined);
  }

  applyConfig(config: ClusterConfig): void {
    this.intervalMs = config.gossip.intervalMs;
    this.configsApplied.push(config.version);
  }
}
