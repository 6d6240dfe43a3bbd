import { describe, expect, it } from "vitest";
import { MetricsEngine } from "./MetricsEngine.js";
import { entry, type Entry } from "./testEntries.js";
import { STATUS_CRASHED, STATUS_LIVE, STATUS_UNREACHABLE } from "./types.js";

const TICK = 100;

function digest(replica: string, seq: number, vv: Array<[string, number]>, extra: Partial<Entry> = {}) {
  return entry({ replica, full: false, vv, hash: extra.hash ?? `h-${replica}`, bytes: 10, summary: "", seq, ...extra });
}

function engineWith(ids: string[], options: ConstructorParameters<typeof MetricsEngine>[0] = {}): MetricsEngine {
  const engine = new MetricsEngine({ defaultReportIntervalMs: TICK, ...options });
  engine.registerAgent("a1", TICK, 0);
  for (const id of ids) engine.addReplica(id, "a1", "gcounter", 0);
  return engine;
}

/**
 * A hand-made anti-entropy trace with known truth: replicas issue dots and pull whole
 * version vectors from random peers at random instants inside each report tick; at the
 * end of each tick every replica reports its coalesced sparse VV changes.
 */
class TraceCluster {
  readonly vv: Array<Map<string, number>>;
  readonly reported: Array<Map<string, number>>;
  readonly seq: number[];
  readonly issuedAt = new Map<string, number>(); // "r:s" → time
  readonly includedAt = new Map<string, number[]>(); // "r:s" → inclusion time per replica
  private newIssued: Array<Array<[number, number]>>;
  private newIncluded: Array<Array<[string, number, number]>>;
  private seed: number;

  constructor(
    readonly ids: string[],
    seed: number,
  ) {
    this.vv = ids.map(() => new Map());
    this.reported = ids.map(() => new Map());
    this.seq = ids.map(() => 0);
    this.newIssued = ids.map(() => []);
    this.newIncluded = ids.map(() => []);
    this.seed = seed;
  }

  rand(): number {
    this.seed = (Math.imul(this.seed, 1103515245) + 12345) >>> 0;
    return this.seed / 4294967296;
  }

  private include(i: number, origin: string, from: number, to: number, t: number): void {
    for (let s = from + 1; s <= to; s++) {
      const key = `${origin}:${s}`;
      const list = this.includedAt.get(key) ?? this.ids.map(() => Number.NaN);
      list[i] = t;
      this.includedAt.set(key, list);
      this.newIncluded[i]!.push([origin, s, t]);
    }
  }

  issue(i: number, t: number): void {
    const id = this.ids[i]!;
    const s = ++this.seq[i]!;
    this.vv[i]!.set(id, s);
    this.issuedAt.set(`${id}:${s}`, t);
    this.newIssued[i]!.push([s, t]);
    this.include(i, id, s - 1, s, t);
  }

  /** Replica i merges replica j's state (a pull). */
  merge(i: number, j: number, t: number): void {
    for (const [origin, s] of this.vv[j]!) {
      const have = this.vv[i]!.get(origin) ?? 0;
      if (s > have) {
        this.vv[i]!.set(origin, s);
        this.include(i, origin, have, s, t);
      }
    }
  }

  /** Random events inside (t0, t0 + TICK); `canTalk` restricts merges (partitions). */
  tick(t0: number, issueP: number, mergesPerTick: number, canTalk: (i: number, j: number) => boolean = () => true): void {
    const events: Array<{ t: number; run: (t: number) => void }> = [];
    for (let i = 0; i < this.ids.length; i++) {
      if (this.rand() < issueP) events.push({ t: t0 + 1 + this.rand() * (TICK - 2), run: (t) => this.issue(i, t) });
    }
    for (let m = 0; m < mergesPerTick; m++) {
      const i = Math.floor(this.rand() * this.ids.length);
      const j = Math.floor(this.rand() * this.ids.length);
      if (i === j || !canTalk(i, j)) continue;
      events.push({ t: t0 + 1 + this.rand() * (TICK - 2), run: (t) => this.merge(i, j, t) });
    }
    events.sort((a, b) => a.t - b.t);
    for (const e of events) e.run(e.t);
  }

  /** Coalesced report of replica i (sparse changes since its last report). */
  report(i: number, withInclusion: boolean) {
    const changes: Array<[string, number]> = [];
    for (const [origin, s] of this.vv[i]!) {
      if (this.reported[i]!.get(origin) !== s) changes.push([origin, s]);
      this.reported[i]!.set(origin, s);
    }
    const hash = [...this.vv[i]!].sort().map(([o, s]) => `${o}=${s}`).join(",");
    const d = entry({
      replica: this.ids[i]!,
      full: false,
      vv: changes,
      hash,
      bytes: hash.length,
      summary: "",
      seq: this.seq[i]!,
      issued: this.newIssued[i]!,
      ...(withInclusion ? { included: this.newIncluded[i]! } : {}),
    });
    this.newIssued[i] = [];
    this.newIncluded[i] = [];
    return d;
  }

  missingTruth(): number[] {
    const frontier = new Map<string, number>();
    this.ids.forEach((id, i) => frontier.set(id, this.seq[i]!));
    return this.vv.map((vv) => {
      let m = 0;
      for (const [origin, f] of frontier) m += f - (vv.get(origin) ?? 0);
      return m;
    });
  }

  /** True convergence time of each dot included everywhere: last inclusion − issue. */
  convergenceTruth(): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, times] of this.includedAt) {
      if (times.some((t) => Number.isNaN(t))) continue;
      out.set(key, Math.max(...times) - this.issuedAt.get(key)!);
    }
    return out;
  }
}

function runTrace(opts: { withInclusion: boolean; ticks: number; partitionTicks?: [number, number] }) {
  const ids = Array.from({ length: 10 }, (_, i) => `r${i}`);
  const cluster = new TraceCluster(ids, 42);
  const engine = engineWith(ids);
  const samples = new Map<string, number>();
  const distinct: number[] = [];
  for (let k = 0; k < opts.ticks; k++) {
    const t0 = k * TICK;
    const [pFrom, pTo] = opts.partitionTicks ?? [-1, -1];
    const partitioned = k >= pFrom && k < pTo;
    const issueP = k < opts.ticks - 30 ? 0.3 : 0; // quiet tail: everything converges
    cluster.tick(t0, issueP, 6, (i, j) => !partitioned || i % 2 === j % 2);
    const reportAt = t0 + TICK;
    engine.ingestReport("a1", reportAt, ids.map((_, i) => cluster.report(i, opts.withInclusion)), reportAt);
    const frame = engine.frame(reportAt);
    // missing updates are exact at every frame
    expect(frame.missingUpdates).toEqual(cluster.missingTruth());
    distinct.push(frame.kpis.distinctStates);
    for (const s of frame.samples) samples.set(`${s.origin}:${s.seq}`, s.convergenceMs);
  }
  return { cluster, engine, samples, distinct };
}

describe("MetricsEngine against a hand-made trace with known truth", () => {
  it("CL-T1: missing updates are exact at every frame and every converged dot has a sample within one report tick", () => {
    const { cluster, samples, engine } = runTrace({ withInclusion: false, ticks: 120 });
    const truth = cluster.convergenceTruth();
    expect(truth.size).toBeGreaterThan(100);
    expect(samples.size).toBe(truth.size);
    for (const [key, ms] of truth) {
      const got = samples.get(key);
      expect(got, key).toBeDefined();
      expect(Math.abs(got! - ms)).toBeLessThanOrEqual(TICK);
    }
    const last = engine.frame(120 * TICK);
    expect(last.kpis.convergedShare).toBe(1);
    expect(last.kpis.distinctStates).toBe(1);
  });

  it("CL-T2: with exact inclusion times reported, convergence times are exact", () => {
    const { cluster, samples } = runTrace({ withInclusion: true, ticks: 80 });
    const truth = cluster.convergenceTruth();
    for (const [key, ms] of truth) expect(samples.get(key), key).toBeCloseTo(ms, 6);
  });

  it("CL-T3: a partition shows at least two distinct states and heals to one", () => {
    const { distinct } = runTrace({ withInclusion: false, ticks: 100, partitionTicks: [10, 50] });
    expect(Math.max(...distinct.slice(30, 50))).toBeGreaterThanOrEqual(2);
    expect(distinct[distinct.length - 1]).toBe(1);
  });
});

describe("MetricsEngine figures", () => {
  it("CL-M1: missing updates count what exists elsewhere but is not visible here", () => {
    const e = engineWith(["a", "b", "c"]);
    e.ingestReport("a1", 100, [digest("a", 5, [["a", 5]]), digest("b", 2, [["b", 2], ["a", 3]]), digest("c", 0, [])], 100);
    expect(e.missingUpdates("a")).toBe(2);
    expect(e.missingUpdates("b")).toBe(2);
    expect(e.missingUpdates("c")).toBe(7);
    const f = e.frame(100);
    expect(f.missingUpdates).toEqual([2, 2, 7]);
    expect(f.kpis.missingUpdatesTotal).toBe(11);
    expect(f.kpis.convergedShare).toBe(0);
  });

  it("CL-M2: a peer's VV ahead of its reachable origin waits until the origin reports issuing that far", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("b", 0, [["a", 4]])], 100);
    expect(e.frontierFor("a")).toBe(0);
    expect(e.versionVector("b")).toEqual([]);
    expect(e.missingUpdates("b")).toBe(0);
    e.ingestReport("a1", 200, [digest("a", 3, [["a", 3]])], 200);
    expect(e.frontierFor("a")).toBe(3);
    expect(e.versionVector("b")).toEqual([["a", 3]]);
    e.ingestReport("a1", 300, [digest("a", 4, [["a", 4]])], 300);
    expect(e.versionVector("b")).toEqual([["a", 4]]);
    expect(e.missingUpdates("b")).toBe(0);
  });

  it("CL-M2: a peer that reports less than its waiting claim holds what it reported last, also when the origin then reports more", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("a", 3, [["a", 3]])], 100);
    e.ingestReport("a1", 200, [digest("b", 0, [["a", 9]])], 200); // ahead of what a issued: waits as a claim
    expect(e.versionVector("b")).toEqual([["a", 3]]);
    e.ingestReport("a1", 300, [digest("b", 0, [["a", 3]])], 300); // the claim is withdrawn
    e.ingestReport("a1", 400, [digest("a", 9, [["a", 9]])], 400);
    expect(e.versionVector("b")).toEqual([["a", 3]]);
    expect(e.missingUpdates("b")).toBe(6);
  });

  it("CL-M4: an origin nobody reachable hosts may be raised by a peer's VV, by a bounded amount", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("b", 0, [["x", 4]])], 100);
    expect(e.frontierFor("x")).toBe(4);
    expect(e.missingUpdates("a")).toBe(4);
    e.ingestReport("a1", 200, [digest("b", 0, [["x", Number.MAX_SAFE_INTEGER]])], 200);
    expect(e.frontierFor("x")).toBe(4 + 100_000);
    expect(e.drainNotices()).toMatchObject([{ kind: "capped", replica: "b", origin: "x", claimed: Number.MAX_SAFE_INTEGER }]);
  });

  it("CL-M3: a full vector replaces the previous one (absent origins become 0)", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("a", 3, [["a", 3]]), digest("b", 2, [["b", 2], ["a", 3]])], 100);
    e.ingestReport("a1", 200, [digest("b", 2, [["b", 2]], { full: true })], 200);
    expect(e.versionVector("b")).toEqual([["b", 2]]);
    expect(e.missingUpdates("b")).toBe(3);
  });

  it("CL-ST1: staleness is the age of the oldest missing update", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("a", 2, [["a", 2]], { issued: [[1, 40], [2, 90]] }), digest("b", 0, [])], 100);
    const f = e.frame(540);
    expect(f.stalenessMs).toEqual([0, 500]);
    e.ingestReport("a1", 600, [digest("b", 0, [["a", 1]])], 600);
    const f2 = e.frame(600);
    expect(f2.stalenessMs).toEqual([0, 510]);
    e.ingestReport("a1", 700, [digest("b", 0, [["a", 2]])], 700);
    const g = e.frame(700);
    expect(g.stalenessMs).toEqual([0, 0]);
    expect([...f2.samples, ...g.samples].map((s) => [s.seq, s.convergenceMs])).toEqual([
      [1, 560],
      [2, 610],
    ]);
  });

  it("CL-U1: a replica silent for 3 report intervals is unreachable and no longer holds convergence back", () => {
    const e = new MetricsEngine({ defaultReportIntervalMs: TICK });
    e.registerAgent("fast", TICK, 0);
    e.registerAgent("slow", TICK, 0);
    e.addReplica("a", "fast", "gcounter", 0);
    e.addReplica("b", "fast", "gcounter", 0);
    e.addReplica("c", "slow", "gcounter", 0);
    e.ingestReport("fast", 100, [digest("a", 1, [["a", 1]], { issued: [[1, 50]] }), digest("b", 0, [["a", 1]])], 100);
    expect(e.frame(300).status).toEqual([STATUS_LIVE, STATUS_LIVE, STATUS_LIVE]);
    e.ingestReport("fast", 1900, [], 1900);
    // 3 intervals are 300 ms, but a late report is not an unreachable node: at least 2 s
    expect(e.frame(1900).status).toEqual([STATUS_LIVE, STATUS_LIVE, STATUS_LIVE]);
    e.ingestReport("fast", 2050, [], 2050);
    const f = e.frame(2050); // slow was last seen at 0: 2,050 > max(3 × 100, 2,000)
    expect(f.status).toEqual([STATUS_LIVE, STATUS_LIVE, STATUS_UNREACHABLE]);
    expect(f.kpis.live).toBe(2);
    expect(f.kpis.unreachable).toBe(1);
    expect(f.kpis.convergedShare).toBe(1);
    // the dot converged because c left the live set: counted, no sample with a made-up time
    expect(f.samples).toEqual([]);
    expect(f.sampling.convergedByExclusion).toBe(1);
    // c returns
    e.ingestReport("slow", 2100, [digest("c", 0, [])], 2100);
    expect(e.frame(2100).status[2]).toBe(STATUS_LIVE);
  });

  it("CL-U4: after a pause of the collector itself, the next frame judges nobody silent; a truly silent agent is judged at the one after", () => {
    const e = engineWith(["a"]);
    e.frame(0);
    expect(e.frame(3000).status).toEqual([STATUS_LIVE]); // the collector was frozen 3 s: its own pause, not the agent's silence
    e.ingestReport("a1", 3000, [digest("a", 0, [])], 3010); // the report that queued meanwhile
    for (let t = 3100; t <= 5000; t += 100) expect(e.frame(t).status, `at ${t}`).toEqual([STATUS_LIVE]);
    expect(e.frame(5100).status).toEqual([STATUS_UNREACHABLE]); // silent since 3,010: > 2 s
  });

  it("CL-U2: a replica reported crashed leaves the live set; up brings it back", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("b", 0, [], { status: "crashed" })], 100);
    let f = e.frame(100);
    expect(f.status).toEqual([STATUS_LIVE, STATUS_CRASHED]);
    expect(f.kpis).toMatchObject({ live: 1, crashed: 1 });
    e.ingestReport("a1", 200, [digest("b", 0, [], { status: "up" })], 200);
    f = e.frame(200);
    expect(f.status).toEqual([STATUS_LIVE, STATUS_LIVE]);
    expect(e.drainTransitions().map((t) => [t.replica, t.from, t.to])).toEqual([
      ["b", STATUS_LIVE, STATUS_CRASHED],
      ["b", STATUS_CRASHED, STATUS_LIVE],
    ]);
  });

  it("CL-U3: an agent that says bye takes its replicas out of the live set at once", () => {
    const e = engineWith(["a", "b"]);
    e.agentGone("a1", 50);
    expect(e.frame(50).status).toEqual([STATUS_UNREACHABLE, STATUS_UNREACHABLE]);
    expect(e.liveReplicas).toBe(0);
  });

  it("CL-RT1: update, message and byte rates per replica and cluster-wide; a counter reset is not negative", () => {
    const e = engineWith(["a", "b"], { rateWindowMs: 1000 });
    const sync = (m: number, b: number) => ({ sentMessages: m, sentBytes: b, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 });
    e.ingestReport("a1", 0, [digest("a", 100, [["a", 100]], { sync: sync(1000, 5000) }), digest("b", 0, [["a", 100]], { sync: sync(0, 0) })], 0);
    e.frame(0);
    for (let t = 100; t <= 1000; t += 100) {
      e.ingestReport("a1", t, [digest("a", 100 + t / 10, [["a", 100 + t / 10]], { sync: sync(1000 + t / 5, 5000 + t) }), digest("b", 0, [["a", 100 + t / 10]], { sync: sync(t / 10, t / 2) })], t);
      e.frame(t);
    }
    const f = e.frame(1000);
    expect(f.updatesPerSec).toEqual([100, 0]);
    expect(f.messagesPerSec[0]).toBeCloseTo(200);
    expect(f.bytesPerSec[0]).toBeCloseTo(1000);
    expect(f.kpis.updatesPerSec).toBeCloseTo(100);
    expect(f.kpis.messagesPerSec).toBeCloseTo(300);
    expect(f.kpis.deliveriesPerSec).toBeCloseTo(100); // b included 100 of a's dots per second
    expect(f.kpis.bytesPerUpdate).toBeCloseTo(1500 / 100);
    // b restarts: its counters start again from 0
    e.ingestReport("a1", 1100, [digest("b", 0, [], { sync: sync(5, 10) })], 1100);
    const g = e.frame(1100);
    expect(g.messagesPerSec[1]).toBeGreaterThanOrEqual(0);
    expect(e.replicaFigures(1100)[1]!.sync.sentMessages).toBe(105);
    // extra fields of a report's counters (a per-kind breakdown) do not leak into the totals
    e.ingestReport("a1", 1200, [digest("b", 0, [], { sync: { ...sync(6, 12), byKind: { delta: { messages: 6, bytes: 12 } } } as never })], 1200);
    expect(Object.keys(e.replicaFigures(1200)[1]!.sync).sort()).toEqual(["changedMerges", "merges", "receivedBytes", "receivedMessages", "sentBytes", "sentMessages"]);
  });

  it("CL-K1: with tracing stride k only seq % k === 0 yields samples, and the frame says so", () => {
    const e = engineWith(["a", "b"], { tracingEveryK: 4 });
    const issued: Array<[number, number]> = Array.from({ length: 10 }, (_, i) => [i + 1, 10 * (i + 1)]);
    e.ingestReport("a1", 100, [digest("a", 10, [["a", 10]], { issued }), digest("b", 0, [["a", 10]])], 100);
    const f = e.frame(100);
    expect(f.samples.map((s) => s.seq)).toEqual([4, 8]);
    expect(f.sampling).toMatchObject({ traced: true, everyK: 4 });
  });

  it("CL-D1: distinct states count VV and state hash among live replicas", () => {
    const e = engineWith(["a", "b", "c"]);
    e.ingestReport("a1", 100, [digest("a", 1, [["a", 1]], { hash: "x" }), digest("b", 0, [["a", 1]], { hash: "x" }), digest("c", 0, [], { hash: "x" })], 100);
    expect(e.frame(100).kpis.distinctStates).toBe(2); // same hash, different VV
    e.ingestReport("a1", 200, [digest("c", 0, [["a", 1]], { hash: "y" })], 200);
    expect(e.frame(200).kpis.distinctStates).toBe(2); // same VV, different hash
    e.ingestReport("a1", 300, [digest("c", 0, [], { hash: "x" })], 300);
    expect(e.frame(300).kpis).toMatchObject({ distinctStates: 1, convergedShare: 1 });
  });

  it("CL-D2: an entry without hash, size and summary leaves them as they were", () => {
    const e = engineWith(["a", "b"]);
    e.ingestReport("a1", 100, [digest("a", 1, [["a", 1]], { hash: "x", bytes: 7, summary: "one" }), digest("b", 0, [["a", 1]], { hash: "x" })], 100);
    const unchanged = (r: string, seq: number, vv: Array<[string, number]>) => entry({ replica: r, vv, seq });
    e.ingestReport("a1", 200, [unchanged("a", 1, []), unchanged("b", 0, [])], 200);
    expect(e.frame(200).kpis).toMatchObject({ distinctStates: 1, convergedShare: 1 });
    expect(e.replicaFigures(200).find((r) => r.id === "a")).toMatchObject({ hash: "x", bytes: 7, summary: "one" });
  });
});
