import { ReplicaReportSchema } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { FakeNode } from "../../test/FakeNode.js";
import type { DotRun, ReplicaObserver, ReplicaSource } from "../ReplicaSource.js";
import { ReplicaTelemetry, type TelemetryContext } from "./ReplicaTelemetry.js";

function context(k = 1) {
  let t = 1000;
  const ctx: TelemetryContext & { advance(ms: number): void; k: number; faults: unknown[] } = {
    k,
    faults: [],
    now: () => t,
    traceEveryK: () => ctx.k,
    advance: (ms) => {
      t += ms;
    },
    fault: (_r, e) => ctx.faults.push(e),
  };
  return ctx;
}
const identity = (ms: number) => ms + 5000; // collector runs 5 s ahead

/** A source with the sparse fast path that says what each merge included (like a gossip replica). */
class SparseSource implements ReplicaSource {
  readonly crdtType = "gcounter";
  vv = new Map<string, number>();
  observer: ReplicaObserver | undefined;
  digestReads = 0;
  entryReads = 0;
  constructor(readonly id: string) {}
  digest() {
    this.digestReads++;
    return { versionVector: this.vv, hash: "h" + [...this.vv.values()].join("."), bytes: 10, summary: "s" };
  }
  stateDigest() {
    return { hash: "h" + [...this.vv.values()].join("."), bytes: 10, summary: "s" };
  }
  versionVectorEntry(origin: string) {
    this.entryReads++;
    return this.vv.get(origin) ?? 0;
  }
  observe(o: ReplicaObserver) {
    this.observer = o;
    return () => (this.observer = undefined);
  }
  mergeRuns(runs: DotRun[]) {
    for (const r of runs) this.vv.set(r.replica, Math.max(this.vv.get(r.replica) ?? 0, r.to));
    this.observer?.merged(true, runs);
  }
}

describe("replica telemetry", () => {
  it("sends the whole vector first, then only the entries that changed, coalesced per tick", () => {
    const ctx = context();
    const node = new FakeNode("a");
    const other = new FakeNode("b");
    const t = new ReplicaTelemetry(node, ctx);
    t.start();
    node.update();
    const first = t.collect(identity)!.report;
    expect(first.full).toBe(true);
    expect(first.vv).toEqual([["a", 1]]);
    expect(ReplicaReportSchema.safeParse(first).success).toBe(true);
    // many events between two ticks become one entry per origin
    for (let i = 0; i < 5; i++) other.update();
    node.syncFrom(other);
    for (let i = 0; i < 3; i++) other.update();
    node.syncFrom(other);
    node.update();
    const second = t.collect(identity)!.report;
    expect(second.full).toBeUndefined();
    expect(new Map(second.vv)).toEqual(new Map([["b", 8], ["a", 2]]));
    expect(second.seq).toBe(2);
    expect(second.sync).toMatchObject({ receivedMessages: 2, receivedBytes: 128, merges: 2, changedMerges: 2 });
    expect(ReplicaReportSchema.safeParse(second).success).toBe(true);
  });

  it("says nothing for a tick in which nothing happened", () => {
    const ctx = context();
    const node = new FakeNode("a");
    const t = new ReplicaTelemetry(node, ctx);
    t.start();
    expect(t.collect(identity)).toBeDefined();
    expect(t.collect(identity)).toBeUndefined();
    node.update();
    expect(t.collect(identity)).toBeDefined();
  });

  it("reports issue and inclusion times of traced dots, in collector time", () => {
    const ctx = context(2); // every 2nd seq traced
    const a = new FakeNode("a");
    const b = new FakeNode("b");
    const ta = new ReplicaTelemetry(a, ctx);
    const tb = new ReplicaTelemetry(b, ctx);
    ta.start();
    tb.start();
    ta.collect(identity);
    tb.collect(identity);
    for (let i = 0; i < 5; i++) {
      a.update();
      ctx.advance(10);
    } // seqs 1..5 at 1000..1040
    ctx.advance(100);
    b.syncFrom(a); // at 1150
    const ra = ta.collect(identity)!.report;
    expect(ra.issued).toEqual([
      [2, 6010],
      [4, 6030],
    ]);
    const rb = tb.collect(identity)!.report;
    expect(rb.included).toEqual([
      ["a", 2, 6150],
      ["a", 4, 6150],
    ]);
    expect(rb.vv).toEqual([["a", 5]]);
  });

  it("uses what a merge says it included, without copying the vector", () => {
    const ctx = context(1);
    const s = new SparseSource("x");
    const t = new ReplicaTelemetry(s, ctx);
    t.start();
    t.collect(identity); // full
    s.digestReads = 0;
    s.mergeRuns([{ replica: "y", from: 1, to: 3 }]);
    s.mergeRuns([{ replica: "z", from: 2, to: 2 }]);
    const r = t.collect(identity)!.report;
    expect(new Map(r.vv)).toEqual(new Map([["y", 3], ["z", 2]]));
    expect(r.included).toEqual([
      ["y", 1, 6000],
      ["y", 2, 6000],
      ["y", 3, 6000],
      ["z", 2, 6000],
    ]);
    expect(s.digestReads).toBe(0);
    expect(s.entryReads).toBe(2);
  });

  it("counts sent messages and bytes by payload kind; unknown kinds only in the totals", () => {
    const ctx = context();
    const t = new ReplicaTelemetry(new FakeNode("a"), ctx);
    t.sent("delta", 100, "b");
    t.sent("delta", 50, "c");
    t.sent("digest", 20, "b");
    t.sent("yjs-update", 7);
    const r = t.collect(identity)!.report;
    expect(r.sync.sentMessages).toBe(4);
    expect(r.sync.sentBytes).toBe(177);
    expect(r.sync.byKind).toEqual({ delta: { messages: 2, bytes: 150 }, digest: { messages: 1, bytes: 20 } });
  });

  it("sends the whole vector again when asked (reconnect, request-full)", () => {
    const ctx = context();
    const node = new FakeNode("a");
    node.update();
    node.update();
    const t = new ReplicaTelemetry(node, ctx);
    t.start();
    t.collect(identity);
    t.setConfigVersion(3);
    expect(t.collect(identity)!.report.configVersion).toBe(3);
    t.requestFull();
    const r = t.collect(identity)!.report;
    expect(r).toMatchObject({ full: true, vv: [["a", 2]], configVersion: 3, status: "up" });
  });

  it("a crash and a restore are reported; the restored replica's vector goes out whole", () => {
    const ctx = context();
    const t = new ReplicaTelemetry(new FakeNode("a"), ctx);
    t.start();
    t.collect(identity);
    t.status("crashed");
    expect(t.collect(identity)!.report.status).toBe("crashed");
    t.status("up");
    expect(t.collect(identity)!.report).toMatchObject({ status: "up", full: true });
  });

  it("a source that throws is skipped for the tick and never throws into the agent", () => {
    const ctx = context();
    let broken = false;
    const node = new FakeNode("a");
    const source: ReplicaSource = {
      id: "a",
      crdtType: "x",
      observe: (o) => node.observe(o),
      digest: () => {
        if (broken) throw new Error("disk on fire");
        return node.digest();
      },
    };
    const t = new ReplicaTelemetry(source, ctx);
    t.start();
    t.collect(identity);
    broken = true;
    node.update();
    expect(t.collect(identity)).toBeUndefined();
    expect(ctx.faults.length).toBeGreaterThan(0);
    broken = false;
    expect(t.collect(identity)!.report.full).toBe(true);
  });

  it("leaves out what the protocol cannot carry instead of getting the whole report refused", () => {
    const ctx = context();
    const vv = new Map<string, number>([
      ["ok", 3],
      ["r1~1", 2], // a gossip replica restored empty issues dots as id~k
      ["__proto__", 1],
      ["neg", -1],
    ]);
    let observer: ReplicaObserver | undefined;
    const source: ReplicaSource = {
      id: "weird",
      crdtType: "yjs doc",
      digest: () => ({ versionVector: vv, hash: "sha256:AB/CD+ef==", bytes: 12.7, summary: "s" }),
      observe: (o) => {
        observer = o;
        return () => {};
      },
    };
    const t = new ReplicaTelemetry(source, ctx);
    t.start();
    const r = t.collect(identity)!.report;
    expect(ReplicaReportSchema.safeParse(r).success).toBe(true);
    expect(r.vv).toEqual([["ok", 3]]);
    expect(r.hash).toMatch(/^x[0-9a-f]{16}$/);
    expect(r.bytes).toBe(13);
    expect(ctx.faults).toHaveLength(1);
    vv.set("ok", 4);
    vv.set("r1~1", 3);
    observer!.merged(true);
    const r2 = t.collect(identity)!.report;
    expect(ReplicaReportSchema.safeParse(r2).success).toBe(true);
    expect(r2.vv).toEqual([["ok", 4]]);
    expect(r2.included).toEqual([["ok", 4, 6000]]);
  });

  it("keeps pending times bounded when a replica issues faster than reports carry them", () => {
    const ctx = context(1);
    const node = new FakeNode("a");
    const t = new ReplicaTelemetry(node, ctx);
    t.start();
    for (let i = 0; i < 40_000; i++) node.update();
    const r = t.collect(identity)!.report;
    expect(r.issued!.length).toBe(4096);
    expect(t.takeLostEvents()).toBeGreaterThan(0);
    expect(ReplicaReportSchema.safeParse(r).success).toBe(true);
  });

  it("a replica restarted without its state reports its own earlier dots when peers give them back", () => {
    const ctx = context(1);
    const s = new SparseSource("a");
    let incarnation = 0;
    Object.assign(s, { incarnation: () => incarnation });
    const t = new ReplicaTelemetry(s, ctx);
    t.start();
    s.vv.set("a", 9);
    expect(t.collect(identity)!.report.vv).toEqual([["a", 9]]);
    // Restarted empty: the whole (empty) vector goes out, its own seq starts over.
    s.vv.clear();
    incarnation = 1;
    expect(t.pollIncarnation()).toBe(true);
    const restarted = t.collect(identity)!.report;
    expect(restarted).toMatchObject({ full: true, vv: [], seq: 0, incarnation: 1 });
    // A peer hands back what it issued before: the collector must see that entry, or the
    // replica looks 9 updates behind forever.
    s.mergeRuns([{ replica: "a", from: 1, to: 9 }]);
    const back = t.collect(identity)!.report;
    expect(back.full).toBeUndefined();
    expect(back.vv).toEqual([["a", 9]]);
    expect(back.seq).toBe(0);
    expect(ReplicaReportSchema.safeParse(back).success).toBe(true);
  });
});
