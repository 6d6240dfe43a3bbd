import { DEFAULT_CLUSTER_CONFIG, PROTOCOL_VERSION, type ClusterConfig } from "@driftscope/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { eventually, startFakeCollector, type FakeCollector } from "../test/fakeCollector.js";
import { FakeNode } from "../test/FakeNode.js";
import { createAgent, type Agent, type AgentLogger } from "./Agent.js";
import type { ReplicaObserver } from "./ReplicaSource.js";

const quiet: AgentLogger & { lines: string[] } = { lines: [], info: (m) => quiet.lines.push(m), warn: (m) => quiet.lines.push(m) };
const fastBackoff = { initialMs: 20, maxMs: 100, jitter: 0.5 };
let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

async function collector(options: Parameters<typeof startFakeCollector>[0] = {}): Promise<FakeCollector> {
  const c = await startFakeCollector(options);
  cleanups.push(() => c.close());
  return c;
}
function agent(url: string, extra: Parameters<typeof createAgent>[0] = {}): Agent {
  const a = createAgent({ collectorUrl: url, agentId: "test-agent", logger: quiet, backoff: fastBackoff, reportIntervalMs: 50, ...extra });
  cleanups.push(() => a.close());
  return a;
}
const config = (version: number, intervalMs = 200): ClusterConfig => ({
  ...structuredClone(DEFAULT_CLUSTER_CONFIG),
  version,
  gossip: { ...DEFAULT_CLUSTER_CONFIG.gossip, intervalMs },
});

describe("agent ↔ collector", () => {
  it("A-O1: follows the longer report interval an overloaded collector asks for in a config message, and its own again; hello keeps asking for its own", async () => {
    const c = await collector();
    const a = createAgent({ collectorUrl: c.url, agentId: "slowed", logger: quiet, backoff: fastBackoff });
    cleanups.push(() => a.close());
    a.attach(new FakeNode("a"));
    await eventually("welcomed and reporting", () => c.reports().length > 0);
    const own = a.status().reportIntervalMs;
    c.send({ type: "config", config: structuredClone(DEFAULT_CLUSTER_CONFIG), reportIntervalMs: own * 4 });
    await eventually("the slower interval in force", () => a.status().reportIntervalMs === own * 4);
    a.attach(new FakeNode("b"));
    await eventually("a hello for the new replica", () => c.hellos().some((h) => h.replicas.length === 2));
    expect(c.hellos().at(-1)?.reportIntervalMs).toBe(own); // its own: the collector applies the slowdown
    c.send({ type: "config", config: structuredClone(DEFAULT_CLUSTER_CONFIG), reportIntervalMs: own });
    await eventually("its own interval again", () => a.status().reportIntervalMs === own);
    expect(c.invalid).toEqual([]);
  });

  it("a node that runs its own gossip says so in hello, and again when its settings change", async () => {
    const c = await collector();
    const a = agent(c.url, { gossip: { intervalMs: 500, fanout: 1, mode: "push" } });
    a.attach(new FakeNode("a"));
    await eventually("a hello with the settings", () => c.hellos().at(-1)?.gossip !== undefined);
    expect(c.hellos().at(-1)?.gossip).toEqual({ intervalMs: 500, fanout: 1, mode: "push" });
    a.reportGossip({ intervalMs: 250, fanout: 1, mode: "push" });
    await eventually("a new hello", () => c.hellos().at(-1)?.gossip?.intervalMs === 250);
    expect(() => a.reportGossip({ intervalMs: 0, fanout: 1, mode: "push" })).toThrow(/invalid gossip settings: intervalMs/);
  });

  it("says hello with the protocol version and its replicas, then sends valid reports, one per tick for all replicas", async () => {
    const c = await collector();
    const a = agent(c.url);
    const nodes = [new FakeNode("a"), new FakeNode("b"), new FakeNode("c")];
    for (const n of nodes) a.attach(n);
    await eventually("a hello listing the replicas", () => c.hellos().find((h) => h.replicas.length === 3));
    const hello = c.hellos().at(-1)!;
    expect(hello.protocol).toBe(PROTOCOL_VERSION);
    expect(hello.replicas.map((r) => r.id).sort()).toEqual(["a", "b", "c"]);
    expect(hello.capabilities).toEqual(["gossip"]);
    nodes[0]!.update();
    nodes[1]!.syncFrom(nodes[0]!);
    await eventually("a report with the sync", () => c.reports().some((r) => r.replicas.some((d) => d.replica === "b" && d.vv.some(([o, s]) => o === "a" && s === 1))));
    expect(c.invalid).toEqual([]);
    // every report covers the agent's replicas together: never one message per replica
    const withReplicas = c.reports().filter((r) => r.replicas.length > 0);
    expect(withReplicas.some((r) => r.replicas.length === 3)).toBe(true);
    // seqs strictly increase
    const seqs = c.reports().map((r) => r.seq);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it("estimates the clock offset so that timestamps are in collector time", async () => {
    const c = await collector({ skewMs: 60_000 });
    const a = agent(c.url);
    const n = new FakeNode("a");
    a.attach(n);
    await eventually("a pong-based estimate", () => a.status().connection === "ready" && c.messages.filter((m) => m.type === "ping").length >= 2);
    await new Promise((r) => setTimeout(r, 100));
    expect(Math.abs(a.status().clockOffsetMs - 60_000)).toBeLessThan(100);
    n.update();
    const before = Date.now() + 60_000;
    const report = await eventually("issued time", () => c.reports().find((r) => r.replicas.some((d) => d.issued !== undefined)));
    const issuedAt = report.replicas.find((d) => d.issued)!.issued![0]![1];
    expect(Math.abs(issuedAt - before)).toBeLessThan(1000);
    expect(Math.abs(report.timeMs - (Date.now() + 60_000))).toBeLessThan(2000);
  });

  it("a collector that speaks another protocol version is refused and retried later; the host is unaffected", async () => {
    const c = await collector({ protocol: PROTOCOL_VERSION + 1 });
    const a = agent(c.url);
    const n = new FakeNode("a");
    a.attach(n);
    await eventually("two attempts", () => c.hellos().length >= 2);
    expect(a.status().connection).not.toBe("ready");
    expect(c.reports()).toEqual([]);
    expect(quiet.lines.some((l) => l.includes("PROTOCOL_VERSION") || l.includes("protocol"))).toBe(true);
    n.update(); // the host goes on
    expect(n.value()).toBe(1);
  });

  it("a hello refused with UNAUTHORIZED is not hammered: the agent waits the longest backoff", async () => {
    const c = await collector({ refuse: "UNAUTHORIZED" });
    agent(c.url, { backoff: { initialMs: 10, maxMs: 400, jitter: 0 } });
    await eventually("first hello", () => c.hellos().length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(c.hellos().length).toBe(1);
  });

  it("keeps running with no collector: one pending entry per replica, every traced time delivered once connected", async () => {
    // Find a port nobody listens on, then start the collector there later.
    const probe = await startFakeCollector();
    const port = probe.port;
    await probe.close();
    const a = agent(`http://127.0.0.1:${port}`, { traceEveryK: 1 });
    const n = new FakeNode("a");
    a.attach(n);
    for (let i = 0; i < 200; i++) {
      n.update();
      a.flush();
    }
    const status = a.status();
    expect(status.connection).not.toBe("ready");
    expect(status.buffered.reports).toBe(0); // coalesced, not queued tick by tick
    expect(status.dropped.items).toBe(0);
    const c = await collector({ port });
    const report = await eventually("the backlog", () => c.reports().find((r) => r.replicas.some((d) => (d.issued?.length ?? 0) > 0)));
    expect(report.replicas[0]!.issued!.map(([seq]) => seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(report.replicas[0]!.vv).toContainEqual(["a", 200]);
    expect(report.dropped).toBeUndefined();
    expect(c.reports().filter((r) => r.seq <= report.seq)).toHaveLength(1); // 200 ticks, one report
    // then the whole vector, so the collector's view is exact again
    const full = await eventually("a full vector", () => c.reports().flatMap((r) => r.replicas).find((d) => d.full));
    expect(full.vv).toEqual([["a", 200]]);
    expect(c.invalid).toEqual([]);
  });

  it("without a collector and over its cap, drops the oldest traced times (counted), never the vectors", async () => {
    const probe = await startFakeCollector();
    const port = probe.port;
    await probe.close();
    const a = agent(`http://127.0.0.1:${port}`, { maxBufferBytes: 3_000, traceEveryK: 1 });
    const n = new FakeNode("a");
    a.attach(n);
    for (let i = 0; i < 500; i++) {
      n.update();
      a.flush();
    }
    expect(a.status().buffered.bytes).toBeLessThanOrEqual(3_000);
    const c = await collector({ port });
    const report = await eventually("a report saying what was dropped", () => c.reports().find((r) => r.dropped !== undefined));
    expect(report.dropped!.reports).toBe(0);
    const kept = report.replicas[0]!.issued!;
    expect(report.dropped!.events + kept.length).toBe(500);
    expect(kept.at(-1)![0]).toBe(500); // the newest times are the ones kept
    const full = await eventually("a full vector", () => c.reports().flatMap((r) => r.replicas).find((d) => d.full));
    expect(full.vv).toEqual([["a", 500]]);
  });

  it("with a collector that stops reading, the node goes on, memory stays under the cap, and the backlog folds into the latest state", async () => {
    const c = await collector();
    const a = agent(c.url, { maxBufferBytes: 2_000_000, reportIntervalMs: 60_000 });
    // A node whose 1,000-entry vector moves every tick: ~40 kB per report.
    const vv = new Map<string, number>(Array.from({ length: 1000 }, (_, i) => [`o${i}`, 1]));
    let observer: ReplicaObserver | undefined;
    a.attach({ id: "busy", crdtType: "x", digest: () => ({ versionVector: vv, hash: "h", bytes: 1, summary: "" }), observe: (o) => ((observer = o), () => {}) });
    await eventually("ready", () => a.status().connection === "ready");
    a.flush();
    await eventually("first report", () => c.reports().length > 0);
    c.stall(true);
    for (let tick = 0; tick < 400; tick++) {
      for (const key of vv.keys()) vv.set(key, vv.get(key)! + 1);
      observer!.merged(true); // the host's hot path
      a.flush();
      if (tick % 20 === 0) await new Promise((r) => setImmediate(r));
    }
    const stalled = a.status();
    expect(stalled.buffered.bytes).toBeLessThanOrEqual(2_000_000);
    expect(stalled.reportsSent).toBeLessThan(stalled.reportsBuilt); // the socket stopped taking them…
    // …and what waited was folded per replica (a version vector is a value): no report dropped,
    // however long the stall; only sync events past the outage bound are counted as lost.
    expect(stalled.dropped.items).toBe(0);
    c.stall(false);
    const latest = vv.get("o0")!;
    const report = await eventually("the latest vector once the collector reads again", () => c.reports().find((r) => r.replicas.some((d) => d.vv.some(([o, n]) => o === "o0" && n === latest))), 20_000);
    expect(report.dropped?.reports ?? 0).toBe(0);
  });

  it("paces reports by the collector's acknowledgements, and goes on when a collector never answers", async () => {
    const c = await collector({ neverAck: true });
    const a = agent(c.url, { reportIntervalMs: 100, ackTimeoutMs: 3000 });
    const n = new FakeNode("a");
    a.attach(n);
    await eventually("first report", () => c.reports().length > 0);
    await new Promise((r) => setTimeout(r, 1000));
    // Unanswered: the first report holds the next ones back (they fold into one pending entry)…
    expect(c.reports().length).toBe(1);
    n.update();
    // …until the answer counts as lost, and the folded state goes out with nothing dropped.
    const next = await eventually("a report after the acknowledgement timed out", () => c.reports()[1], 15_000);
    expect(next.replicas.find((d) => d.replica === "a")?.vv).toEqual([["a", 1]]);
    expect(next.dropped).toBeUndefined();
  });

  it("a replica that restarts without its state while reports wait: nothing of its earlier incarnation goes out as the new one's, whose seqs start over", async () => {
    const c = await collector({ neverAck: true });
    const a = agent(c.url, { reportIntervalMs: 100, ackTimeoutMs: 1500 });
    const n = new FakeNode("a");
    let incarnation = 0;
    Object.assign(n, { incarnation: () => incarnation });
    a.attach(n);
    await eventually("first report", () => c.reports().length > 0);
    for (let i = 0; i < 5; i++) n.update();
    await new Promise((r) => setTimeout(r, 300)); // held back, waiting for an answer
    // Restarted empty: its seqs start over.
    n.counts.clear();
    incarnation = 1;
    await eventually("hello announcing incarnation 1", () => c.hellos().some((h) => h.replicas.some((r) => r.id === "a" && r.incarnation === 1)));
    n.update();
    const entries = await eventually("the new incarnation's entry", () => {
      const all = c.reports().slice(1).flatMap((r) => r.replicas.filter((d) => d.replica === "a"));
      return all.some((d) => d.incarnation === 1) ? all : undefined;
    }, 15_000);
    // Nothing of the earlier incarnation goes out looking like the new one (the collector
    // would read seq 5 as incarnation 1's and refuse its seq 1 as reuse).
    for (const d of entries) expect(d.incarnation === 1 ? d.seq : 0).toBeLessThanOrEqual(1);
    expect(entries.filter((d) => d.incarnation === undefined)).toEqual([]);
    const last = await eventually("incarnation 1's update", () => c.reports().flatMap((r) => r.replicas).find((d) => d.replica === "a" && d.seq === 1), 15_000);
    expect(last).toMatchObject({ incarnation: 1, vv: [["a", 1]] });
  });

  it("reconnects after the collector restarts and sends whole vectors again", async () => {
    const c1 = await collector();
    const port = c1.port;
    const a = agent(c1.url);
    const n = new FakeNode("a");
    a.attach(n);
    n.update();
    await eventually("first full vector", () => c1.reports().some((r) => r.replicas.some((d) => d.full)));
    await c1.close();
    n.update();
    n.update();
    await eventually("agent notices", () => a.status().connection !== "ready");
    const c2 = await collector({ port });
    const full = await eventually("full vector after restart", () => c2.reports().flatMap((r) => r.replicas).find((d) => d.full));
    expect(full.vv).toEqual([["a", 3]]);
    expect(a.status().connectionStats.welcomes).toBe(2);
  });

  it("applies a config from the collector to its replicas and acknowledges the version per replica", async () => {
    const c = await collector({ config: config(1) });
    const a = agent(c.url);
    const nodes = [new FakeNode("a"), new FakeNode("b")];
    for (const n of nodes) a.attach(n);
    await eventually("ready", () => a.status().connection === "ready");
    c.send({ type: "config", config: config(2, 250) });
    const ack = await eventually("ack of version 2", () => c.acks().find((x) => x.version === 2 && x.ok && x.replicas.length === 2));
    expect(ack.replicas.sort()).toEqual(["a", "b"]);
    expect(nodes.map((n) => n.intervalMs)).toEqual([250, 250]);
    expect(a.config?.version).toBe(2);
    await eventually("config version in reports", () =>
      c.reports().some((r) => r.replicas.filter((d) => d.configVersion === 2).length === 2),
    );
  });

  it("refuses an invalid config with the reason, and nothing changes", async () => {
    const c = await collector({ config: config(1, 300) });
    const a = agent(c.url);
    const nodes = [new FakeNode("a"), new FakeNode("b")];
    for (const n of nodes) a.attach(n);
    await eventually("first config applied", () => nodes[0]!.intervalMs === 300 && nodes[1]!.intervalMs === 300);
    // schema-invalid (fanout 0)
    c.send({ type: "config", config: { ...config(2), gossip: { ...config(2).gossip, fanout: 0 } } } as never);
    const refused = await eventually("refusal of version 2", () => c.acks().find((x) => x.version === 2 && !x.ok));
    expect(refused.error?.code).toBe("VALIDATION");
    expect(refused.error?.message).toContain("gossip.fanout");
    // valid for the protocol, but a replica cannot run it
    c.send({ type: "config", config: config(3, 20) });
    const refused3 = await eventually("refusal of version 3", () => c.acks().find((x) => x.version === 3 && !x.ok));
    expect(refused3.error?.message).toContain("50 ms");
    expect(nodes.map((n) => n.intervalMs)).toEqual([300, 300]);
    expect(nodes.map((n) => n.configsApplied)).toEqual([[1], [1]]);
    expect(a.config?.version).toBe(1);
    expect(a.status().lastConfigError).toContain("50 ms");
  });

  it("carries a bounded sample of individual sync events (for the topology view); counters stay exact", async () => {
    const c = await collector();
    const a = agent(c.url, { syncEventsPerTick: 5, reportIntervalMs: 60_000 });
    const nodes = ["a", "b", "c", "d"].map((id) => new FakeNode(id));
    for (const n of nodes) a.attach(n);
    await eventually("ready", () => a.status().connection === "ready");
    a.flush();
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 100; i++) nodes[i % 4]!.syncFrom(nodes[(i + 1) % 4]!, 10);
      a.flush();
      // A collector keeping up: each tick's report is answered before the next (else they fold).
      await eventually("report answered", () => a.status().reportsSent === a.status().reportsBuilt);
    }
    const sentTotal = () => {
      const last = new Map(c.reports().flatMap((r) => r.replicas).map((d) => [d.replica, d.sync.sentMessages]));
      return [...last.values()].reduce((x, y) => x + y, 0);
    };
    // every message counted, though only a few are listed
    // Counters alone (no state change) go out at most once a second: keep ticking until they do.
    await eventually("all 300 sends counted", () => {
      a.flush();
      return sentTotal() === 300;
    });
    for (const r of c.reports()) expect(r.events?.length ?? 0).toBeLessThanOrEqual(5);
    const sampled = c.reports().flatMap((r) => r.events ?? []);
    expect(sampled.every((e) => e.dir === "received" && e.kind === "full" && e.bytes === 10)).toBe(true);
    expect(new Set(sampled.map((e) => e.replica)).size).toBeGreaterThan(1); // spread over the tick, not the first few
  });

  it("sends whole vectors for the replicas the collector asks about", async () => {
    const c = await collector();
    const a = agent(c.url);
    const nodes = [new FakeNode("a"), new FakeNode("b")];
    for (const n of nodes) a.attach(n);
    await eventually("first fulls", () => c.reports().flatMap((r) => r.replicas).filter((d) => d.full).length >= 2);
    const before = c.reports().length;
    c.send({ type: "request-full", replicas: ["b" as never] });
    // (An unrelated whole vector of "a" may also pass by, e.g. its state refresh: look for b's.)
    const full = await eventually("requested full", () => c.reports().slice(before).flatMap((r) => r.replicas).find((d) => d.full && d.replica === "b"));
    expect(full.full).toBe(true); // it came after the request (only reports from then on are searched)
  });

  it("says bye on close, and sends a new hello when the hosted set changes", async () => {
    const c = await collector();
    const a = agent(c.url);
    const detach = a.attach(new FakeNode("a"));
    a.attach(new FakeNode("b"));
    await eventually("hello with two", () => c.hellos().some((h) => h.replicas.length === 2));
    detach();
    await eventually("hello with one", () => c.hellos().at(-1)!.replicas.length === 1);
    await a.close("test over");
    await eventually("bye", () => c.messages.some((m) => m.type === "bye"));
  });

  it("never throws into its host: a source that throws everywhere is contained", async () => {
    const c = await collector();
    const a = agent(c.url);
    const bomb = {
      id: "bomb",
      crdtType: "x",
      digest: () => {
        throw new Error("boom");
      },
      observe: () => {
        throw new Error("boom");
      },
      applyConfig: () => {
        throw new Error("boom");
      },
    };
    expect(() => a.attach(bomb)).not.toThrow();
    a.attach(new FakeNode("ok"));
    expect(() => a.flush()).not.toThrow();
    await eventually("reports for the healthy replica", () => c.reports().some((r) => r.replicas.some((d) => d.replica === "ok")));
    expect(a.status().faults).toBeGreaterThan(0);
  });

  it("refuses programming errors at set-up: invalid or duplicate replica ids", () => {
    const a = agent("http://127.0.0.1:9");
    expect(() => a.attach(new FakeNode("has space"))).toThrow(TypeError);
    a.attach(new FakeNode("x"));
    expect(() => a.attach(new FakeNode("x"))).toThrow(/already attached/);
  });
});
