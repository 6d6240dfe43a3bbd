// The contract suite itself: a correct hand-written node passes every rule, and each fault
// a real adapter could have makes the rule that names it fail (so none of them is vacuous).
import type { SyncCounters } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import type { ReplicaDigest, ReplicaObserver, ReplicaSource } from "../src/ReplicaSource.js";
import { replicaSourceContract, type ReplicaSourceHarness, type TestApi } from "../src/testing/index.js";

type Fault = "none" | "constant-hash" | "hash-ignores-removals" | "shrinking-vector" | "no-op-counts-as-change" | "double-merge" | "skips-updated" | "talks-after-stop" | "wrong-included";

/** A grow-only counter with removable "marks" (removals issue no dot, like a Yjs delete). */
class CounterNode implements ReplicaSource {
  readonly crdtType = "contract-counter";
  readonly counts = new Map<string, number>();
  readonly removed = new Set<string>();
  readonly #observers = new Set<ReplicaObserver>();
  readonly #counters: SyncCounters = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };

  constructor(readonly id: string, private readonly fault: Fault) {}

  digest(): ReplicaDigest {
    const vv = new Map(this.counts);
    if (this.fault === "shrinking-vector" && this.counts.size > 2) vv.delete([...vv.keys()].sort()[0]!);
    const key = this.fault === "hash-ignores-removals" ? JSON.stringify(sorted(this.counts)) : this.stateKey();
    let h = 2166136261;
    for (const ch of key) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
    return { versionVector: vv, hash: this.fault === "constant-hash" ? "same" : h.toString(16), bytes: key.length, summary: `n=${this.counts.size}` };
  }

  stateKey(): string {
    return JSON.stringify([sorted(this.counts), [...this.removed].sort()]);
  }

  syncCounters(): SyncCounters {
    return { ...this.#counters };
  }

  observe(observer: ReplicaObserver): () => void {
    this.#observers.add(observer);
    return () => {
      if (this.fault !== "talks-after-stop") this.#observers.delete(observer);
    };
  }

  update(): void {
    const seq = (this.counts.get(this.id) ?? 0) + 1;
    this.counts.set(this.id, seq);
    if (this.fault === "skips-updated" && seq % 3 === 0) return;
    for (const o of this.#observers) o.updated(seq);
  }

  remove(): boolean {
    const mark = [...this.counts].map(([o, s]) => `${o}@${s}`).find((m) => !this.removed.has(m));
    if (mark === undefined) return false;
    this.removed.add(mark);
    for (const o of this.#observers) o.merged(true, []); // state changed, no dot (counters are ours)
    return true;
  }

  receive(from: CounterNode): void {
    const bytes = 16 * from.counts.size + 1;
    from.#counters.sentMessages++;
    from.#counters.sentBytes += bytes;
    this.#counters.receivedMessages++;
    this.#counters.receivedBytes += bytes;
    const before = this.stateKey();
    const runs = [];
    for (const [origin, seq] of from.counts) {
      const was = this.counts.get(origin) ?? 0;
      if (seq > was) {
        this.counts.set(origin, seq);
        runs.push({ replica: origin, from: was + 1, to: this.fault === "wrong-included" ? seq + 1 : seq });
      }
    }
    for (const m of from.removed) this.removed.add(m);
    const changed = this.stateKey() !== before;
    this.#counters.merges += this.fault === "double-merge" ? 2 : 1;
    if (changed || this.fault === "no-op-counts-as-change") this.#counters.changedMerges++;
    for (const o of this.#observers) o.merged(changed, runs.length > 0 ? runs : changed ? [] : undefined, from.id);
  }
}

function sorted(m: Map<string, number>): Array<[string, number]> {
  return [...m].sort(([a], [b]) => (a < b ? -1 : 1));
}

const harnessWith = (fault: Fault): ReplicaSourceHarness => ({
  name: `counter nodes (${fault})`,
  create(n) {
    const nodes = Array.from({ length: n }, (_, i) => new CounterNode(`c${i}`, fault));
    return {
      sources: nodes,
      update: (i) => nodes[i]!.update(),
      remove: (i) => nodes[i]!.remove(),
      sync: (from, to) => nodes[to]!.receive(nodes[from]!),
      stateKey: (i) => nodes[i]!.stateKey(),
    };
  },
});

/** Runs the suite for `fault` with a recording test API; resolves to the titles of the failing cases. */
async function failingRules(fault: Fault): Promise<string[]> {
  const cases: Array<{ title: string; body: () => Promise<void> }> = [];
  const api: TestApi = {
    describe: (_name, body) => body(),
    it: (title, body) => void cases.push({ title, body }),
    expect: (actual) => ({ toEqual: (expected) => expect(actual).toEqual(expected) }),
  };
  replicaSourceContract(harnessWith(fault), api, { seeds: [1, 2], steps: 60 });
  const failed: string[] = [];
  for (const c of cases) await c.body().catch(() => failed.push(c.title.slice(0, c.title.indexOf(":"))));
  return failed;
}

replicaSourceContract(harnessWith("none"), { describe, it, expect });

describe("the contract suite catches broken sources", () => {
  it.each([
    ["constant-hash", "A-RS4"],
    ["hash-ignores-removals", "A-RS5"],
    ["shrinking-vector", "A-RS2"],
    ["no-op-counts-as-change", "A-RS8"],
    ["double-merge", "A-RS6"],
    ["skips-updated", "A-RS3"],
    ["talks-after-stop", "A-RS11"],
    ["wrong-included", "A-RS6"],
  ] as const)("a source with fault %s fails %s", async (fault, rule) => {
    expect(await failingRules(fault)).toContain(rule);
  });
});
