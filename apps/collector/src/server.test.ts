import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CLUSTER_CONFIG, FrameSchema, limitProblem, PROTOCOL_VERSION, SnapshotSchema, type ClusterConfig, type ControlResult, type ErrorMessage, type Frame, type Snapshot, type Welcome } from "@driftscope/protocol";
import { afterEach, describe, expect, it } from "vitest";
import {
  agentClient,
  collect,
  connected,
  dashboardClient,
  flushAgent,
  handshake,
  helloMsg,
  next,
  replicaReport,
  reportMsg,
  startCollector,
  until,
  type TestCollector,
} from "../test/harness.js";
import { createCollector } from "./server.js";

let running: TestCollector | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

async function start(options: Parameters<typeof startCollector>[0] = {}) {
  running = await startCollector(options);
  return running;
}

async function getJson<T = unknown>(url: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await fetch(url, init);
  return { status: res.status, body: (await res.json()) as T };
}

describe("server: basics", () => {
  it("CL-SV1: GET /api/v1/health answers ok, version and protocol", async () => {
    const { url } = await start();
    const { status, body } = await getJson(`${url}/api/v1/health`);
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, version: expect.stringMatching(/^\d+\.\d+\.\d+/), protocol: PROTOCOL_VERSION });
  });

  it("CL-SV2: binding to a non-loopback address without tokens is refused with a clear message", async () => {
    await expect(createCollector({ host: "0.0.0.0", port: 0, db: ":memory:" })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0.*token/);
  });
});

describe("server: agent handshake", () => {
  it("CL-A1: hello → welcome with the current config, the report interval and the run", async () => {
    const { url, collector } = await start({ reportIntervalMs: 250 });
    const { welcome } = await handshake(url, "agent-1", ["r1", "r2"]);
    expect(welcome).toMatchObject({ type: "welcome", protocol: PROTOCOL_VERSION, agentId: "agent-1", reportIntervalMs: 250 });
    expect(welcome.config).toEqual(collector.core.config);
    expect(welcome.runId).toBe(collector.core.runInfo()?.id);
    expect(Math.abs(welcome.collectorTimeMs - Date.now())).toBeLessThan(5000);
    expect(collector.core.engine.replicaIds()).toEqual(["r1", "r2"]);
  });

  it("CL-A2: the agent's own report interval wins", async () => {
    const { url } = await start();
    const agent = agentClient(url);
    await connected(agent);
    const w = next<Welcome>(agent, "welcome");
    agent.emit("hello", helloMsg("a", ["x"], { reportIntervalMs: 120 }));
    expect((await w).reportIntervalMs).toBe(120);
  });

  it("CL-A3: ping → pong echoes id and agent time and adds the collector's clock", async () => {
    const { url } = await start();
    const { agent } = await handshake(url, "a", ["r1"]); // nothing is answered before hello (docs/security.md)
    const before = Date.now();
    const pong = next<{ id: number; agentTimeMs: number; collectorTimeMs: number }>(agent, "pong");
    agent.emit("ping", { type: "ping", id: 7, agentTimeMs: 12345 });
    const p = await pong;
    expect(p).toMatchObject({ type: "pong", id: 7, agentTimeMs: 12345 });
    expect(p.collectorTimeMs).toBeGreaterThanOrEqual(before);
    expect(p.collectorTimeMs).toBeLessThanOrEqual(Date.now());
  });

  it("CL-A4: messages before hello are refused and change nothing", async () => {
    const { url, collector } = await start();
    const agent = agentClient(url);
    await connected(agent);
    const err = next<ErrorMessage>(agent, "error");
    agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 1, [["r1", 1]])]));
    expect(await err).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/hello first/) });
    expect(collector.core.engine.replicaIds()).toEqual([]);
  });

  it("CL-A5: reports drive the figures; the cluster snapshot and frames show them", async () => {
    const { url, collector } = await start();
    const { agent } = await handshake(url, "a", ["r1", "r2", "r3"]);
    agent.emit(
      "report",
      reportMsg("a", 1, [
        replicaReport("r1", 3, [["r1", 3]], { full: true }),
        replicaReport("r2", 0, [["r1", 1]], { full: true }),
        replicaReport("r3", 0, [], { full: true }),
      ]),
    );
    await flushAgent(agent);
    // A report may be folded in a turn after the ping that follows it is answered.
    await until(() => collector.core.agents.sessions.get("a")?.lastReportSeq === 1, 3000, "report applied");
    collector.tick();
    const { body } = await getJson<Snapshot>(`${url}/api/v1/cluster`);
    expect(SnapshotSchema.safeParse(body).success).toBe(true);
    expect(body.replicas.map((r) => r.id)).toEqual(["r1", "r2", "r3"]);
    const last = body.frames.at(-1)!;
    expect(last.columns.missingUpdates).toEqual([0, 2, 3]);
    expect(last.kpis).toMatchObject({ live: 3, total: 3, missingUpdatesTotal: 5, distinctStates: 3 });
    expect(last.theory).toMatchObject({ n: 3, fanout: DEFAULT_CLUSTER_CONFIG.gossip.fanout, mode: DEFAULT_CLUSTER_CONFIG.gossip.mode });
  });

  it("CL-A6: sparse reports where whole vectors are due are answered with request-full (after the handshake's grace)", async () => {
    const { url } = await start();
    const { agent } = await handshake(url, "a", ["r1"]);
    const req = next<{ type: string; replicas?: string[] }>(agent, "request-full");
    agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 1, [["r1", 1]])]));
    await new Promise((r) => setTimeout(r, 2_100));
    agent.emit("report", reportMsg("a", 2, [replicaReport("r1", 2, [["r1", 2]])]));
    expect(await req).toEqual({ type: "request-full" });
  });

  it("CL-A7: a report seq that does not increase is refused with CONFLICT and changes nothing", async () => {
    const { url, collector } = await start();
    const { agent } = await handshake(url, "a", ["r1", "r2"]);
    agent.emit("report", reportMsg("a", 5, [replicaReport("r1", 2, [["r1", 2]], { full: true }), replicaReport("r2", 0, [], { full: true })]));
    const err = next<ErrorMessage>(agent, "error");
    agent.emit("report", reportMsg("a", 5, [replicaReport("r2", 0, [["r1", 2]])]));
    expect(await err).toMatchObject({ code: "CONFLICT", ref: "report#5", issues: [{ path: "seq" }] });
    expect(collector.core.engine.missingUpdates("r2")).toBe(2);
  });

  it("CL-A11: a refused hello ends the connection", async () => {
    const { url } = await start();
    const agent = agentClient(url);
    await connected(agent);
    const err = next<ErrorMessage>(agent, "error");
    agent.emit("hello", { ...helloMsg("a", ["r1"]), protocol: 99 });
    expect((await err).code).toBe("PROTOCOL_VERSION");
    await until(() => agent.disconnected, 3000, "disconnect");
  });

  it("CL-A8: another connection can claim neither a connected agent's replicas nor its agent id; once it is gone, the id is free", async () => {
    const { url, collector } = await start();
    const first = await handshake(url, "a", ["r1"]);
    const intruder = agentClient(url);
    await connected(intruder);
    const err = next<ErrorMessage>(intruder, "error");
    intruder.emit("hello", helloMsg("b", ["r1"]));
    expect(await err).toMatchObject({ code: "CONFLICT", issues: [{ path: "replicas[0].id", reason: expect.stringMatching(/already hosted by agent "a"/) }] });
    const thief = agentClient(url);
    await connected(thief);
    const refused = next<ErrorMessage>(thief, "error");
    thief.emit("hello", helloMsg("a", []));
    expect(await refused).toMatchObject({ code: "CONFLICT", issues: [{ path: "agentId", reason: expect.stringMatching(/live session over a socket\.io connection/) }] });
    expect(collector.core.engine.replicaIds()).toEqual(["r1"]);
    expect(first.agent.connected).toBe(true);
    first.agent.disconnect();
    await until(() => collector.core.agents.sessions.get("a")?.connected === false, 3000, "first session closed");
    await handshake(url, "a", ["r1"]);
    expect(collector.core.engine.replicaIds()).toEqual(["r1"]);
  });

  it("CL-A9: bye takes the agent's replicas out of the membership", async () => {
    const { url, collector } = await start();
    const { agent } = await handshake(url, "a", ["r1", "r2"]);
    await handshake(url, "b", ["r3"]);
    agent.emit("bye", { type: "bye", agentId: "a" as never, reason: "shutting down" });
    await flushAgent(agent);
    expect(collector.core.engine.replicaIds()).toEqual(["r3"]);
    collector.tick();
    const snap = collector.core.snapshot(Date.now());
    expect(snap.events.map((e) => e.summary).join("\n")).toMatch(/agent a left with 2 replicas: shutting down/);
  });

  it("CL-A10: a replica whose agent stops reporting turns unreachable after 3 report intervals and at least 2 s", async () => {
    const { url, collector } = await start();
    const agent = agentClient(url);
    await connected(agent);
    const w = next(agent, "welcome");
    agent.emit("hello", helloMsg("a", ["r1"], { reportIntervalMs: 50 }));
    await w;
    collector.tick();
    expect(collector.core.snapshot(Date.now()).frames.at(-1)!.columns.status).toEqual([0]);
    await new Promise((r) => setTimeout(r, 250));
    expect(collector.core.tick(Date.now()).columns.status).toEqual([0]); // 3 intervals are 150 ms: late, not gone
    await new Promise((r) => setTimeout(r, 1900));
    const frame = collector.core.tick(Date.now());
    expect(frame.columns.status).toEqual([1]);
    expect(frame.kpis).toMatchObject({ live: 0, unreachable: 1 });
  });
});

describe("server: control plane", () => {
  it("CL-CF1: PUT /api/v1/config is versioned, recorded, pushed to agents and acknowledged per replica", async () => {
    const { url, collector } = await start();
    const { agent } = await handshake(url, "a", ["r1", "r2"]);
    const pushed = next<{ config: ClusterConfig }>(agent, "config");
    const v0 = collector.core.config.version;
    const { status, body } = await getJson<{ config: ClusterConfig; changed: string[] }>(`${url}/api/v1/config`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ gossip: { fanout: 3, intervalMs: 200 } }),
    });
    expect(status).toBe(200);
    expect(body.config.version).toBe(v0 + 1);
    expect(body.changed.sort()).toEqual(["gossip.fanout", "gossip.intervalMs"]);
    expect((await pushed).config).toEqual(body.config);

    agent.emit("config-ack", { type: "config-ack", agentId: "a" as never, version: v0 + 1, replicas: ["r1" as never], ok: true });
    await flushAgent(agent);
    const frame = collector.core.tick(Date.now());
    expect(frame.columns.configVersion).toEqual([v0 + 1, 0]);
    expect(frame.kpis).toMatchObject({ configVersion: v0 + 1, ackedReplicas: 1 });
    expect(frame.theory).toMatchObject({ fanout: 3, intervalMs: 200 });
    expect(frame.events.some((e) => e.kind === "config" && e.version === v0 + 1 && /gossip\.fanout 2 → 3/.test(e.summary))).toBe(true);
  });

  it("CL-CF2: the dashboard's config-change is the socket twin, answered by control-result", async () => {
    const { url, collector } = await start();
    const dash = dashboardClient(url);
    await connected(dash);
    const subscribed = next(dash, "snapshot"); // nothing is read before subscribe (docs/security.md)
    dash.emit("subscribe", { type: "subscribe" });
    await subscribed;
    const result = next<ControlResult>(dash, "control-result");
    dash.emit("config-change", { type: "config-change", requestId: "req-1", patch: { network: { lossRate: 0.1 } } });
    const r = await result;
    expect(r).toMatchObject({ requestId: "req-1", ok: true, config: { network: { lossRate: 0.1 } } });
    expect(collector.core.config.network.lossRate).toBe(0.1);
    const refused = next<ControlResult>(dash, "control-result");
    dash.emit("config-change", { type: "config-change", requestId: "req-2", patch: { gossip: { fanout: 0 } } });
    expect(await refused).toMatchObject({ requestId: "req-2", ok: false, error: { code: "VALIDATION", issues: [{ path: "patch.gossip.fanout" }] } });
    expect(collector.core.config.gossip.fanout).toBe(DEFAULT_CLUSTER_CONFIG.gossip.fanout);
  });

  it("CL-CF3: expectedVersion makes a change conditional (CONFLICT otherwise)", async () => {
    const { url, collector } = await start();
    const v = collector.core.config.version;
    const { status, body } = await getJson<ErrorMessage>(`${url}/api/v1/config`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ expectedVersion: v + 5, gossip: { fanout: 4 } }),
    });
    expect(status).toBe(409);
    expect(body.code).toBe("CONFLICT");
  });

  it("CL-CF5: an out-of-range or non-numeric value is refused with the words the dashboard shows, and nothing changes", async () => {
    const { url, collector } = await start();
    const before = collector.core.config;
    const cases = [
      { patch: { gossip: { intervalMs: -5 } }, field: "gossip.intervalMs", value: -5, words: "Sync interval takes a whole number from 10 to 60000 ms; -5 ms is too small" },
      { patch: { gossip: { fanout: "abc" } }, field: "gossip.fanout", value: "abc", words: 'Fanout takes a whole number from 1 to 64 peers; "abc" is not a number' },
      { patch: { network: { lossRate: 1.5 } }, field: "network.lossRate", value: 1.5, words: "Message loss takes a number from 0 to 100 %; 150 % is too large" },
      { patch: { network: { latencyMs: 1e9 } }, field: "network.latencyMs", value: 1e9, words: "Latency takes a number from 0 to 60000 ms; 1000000000 ms is too large" },
    ] as const;
    for (const c of cases) {
      const { status, body } = await getJson<ErrorMessage>(`${url}/api/v1/config`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(c.patch),
      });
      expect(status).toBe(400);
      expect(body.code).toBe("VALIDATION");
      expect(body.issues).toEqual([{ path: c.field, reason: c.words }]);
      expect(body.issues?.[0]?.reason).toBe(limitProblem(c.field, c.value)); // the dashboard's function
      expect(body.message).toBe(`invalid config patch: ${c.field}: ${c.words}`);
    }
    expect(collector.core.config).toEqual(before);
  });

  it("CL-CF4: run-control starts a new run and stops recording", async () => {
    const { url, collector } = await start();
    const first = collector.core.runInfo()!;
    const dash = dashboardClient(url);
    await connected(dash);
    const subscribed = next(dash, "snapshot"); // nothing is read before subscribe (docs/security.md)
    dash.emit("subscribe", { type: "subscribe" });
    await subscribed;
    let result = next<ControlResult>(dash, "control-result");
    dash.emit("run-control", { type: "run-control", requestId: "r1", action: "start", name: "fanout sweep" });
    const started = await result;
    expect(started).toMatchObject({ ok: true, run: { name: "fanout sweep" } });
    expect(started.run!.id).not.toBe(first.id);
    result = next<ControlResult>(dash, "control-result");
    dash.emit("run-control", { type: "run-control", requestId: "r2", action: "stop" });
    expect(await result).toMatchObject({ ok: true, run: null });
    const { body } = await getJson<{ runs: Array<{ id: string; status: string; name: string }> }>(`${url}/api/v1/runs`);
    expect(body.runs.map((r) => [r.name, r.status])).toEqual([
      ["fanout sweep", "closed"],
      [first.name, "closed"],
    ]);
  });
});

describe("server: tokens", () => {
  const TOKENS = { agentToken: "agent-secret-1", operatorToken: "operator-secret-1" };

  it("CL-TK1: a wrong agent token in the socket auth payload is refused at connect", async () => {
    const { url } = await start(TOKENS);
    const agent = agentClient(url, { token: "wrong-token" });
    await expect(connected(agent)).rejects.toThrow(/UNAUTHORIZED/);
  });

  it("CL-TK2: the agent token may come in hello instead; without it hello is refused", async () => {
    const { url, collector } = await start(TOKENS);
    const agent = agentClient(url);
    await connected(agent);
    const err = next<ErrorMessage>(agent, "error");
    agent.emit("hello", helloMsg("a", ["r1"]));
    expect((await err).code).toBe("UNAUTHORIZED");
    expect(collector.core.engine.replicaIds()).toEqual([]);
    const ok = agentClient(url);
    await connected(ok);
    const w = next<Welcome>(ok, "welcome");
    ok.emit("hello", helloMsg("a", ["r1"], { token: TOKENS.agentToken }));
    expect((await w).agentId).toBe("a");
    const viaAuth = await handshake(url, "b", ["r2"], { token: TOKENS.agentToken });
    expect(viaAuth.welcome.agentId).toBe("b");
  });

  it("CL-TK3: config changes need the operator token (HTTP Bearer or the dashboard's token)", async () => {
    const { url, collector } = await start(TOKENS);
    const put = (auth?: string) =>
      fetch(`${url}/api/v1/config`, {
        method: "PUT",
        headers: { "content-type": "application/json", ...(auth ? { authorization: `Bearer ${auth}` } : {}) },
        body: JSON.stringify({ gossip: { fanout: 3 } }),
      });
    expect((await put()).status).toBe(401);
    const wrong = await put(TOKENS.agentToken);
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({ code: "FORBIDDEN" });
    expect((await put(TOKENS.operatorToken)).status).toBe(200);
    const dash = dashboardClient(url);
    await connected(dash);
    const subscribed = next(dash, "snapshot"); // nothing is read before subscribe (docs/security.md)
    dash.emit("subscribe", { type: "subscribe" });
    await subscribed;
    let r = next<ControlResult>(dash, "control-result");
    dash.emit("config-change", { type: "config-change", requestId: "x1", patch: { gossip: { fanout: 4 } } });
    expect(await r).toMatchObject({ ok: false, error: { code: "UNAUTHORIZED" } });
    r = next<ControlResult>(dash, "control-result");
    dash.emit("config-change", { type: "config-change", requestId: "x1b", patch: { gossip: { fanout: 4 } }, token: TOKENS.agentToken });
    expect(await r).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    r = next<ControlResult>(dash, "control-result");
    dash.emit("config-change", { type: "config-change", requestId: "x2", patch: { gossip: { fanout: 4 } }, token: TOKENS.operatorToken });
    expect(await r).toMatchObject({ ok: true });
    expect(collector.core.config.gossip.fanout).toBe(4);
    // reading stays open
    expect((await fetch(`${url}/api/v1/cluster`)).status).toBe(200);
  });

  it("CL-TK4: HTTP ingest needs the agent token as a Bearer token", async () => {
    const { url } = await start(TOKENS);
    const body = JSON.stringify(helloMsg("h", ["r9"]));
    const noAuth = await fetch(`${url}/api/v1/ingest`, { method: "POST", headers: { "content-type": "application/x-ndjson" }, body });
    expect(noAuth.status).toBe(401);
    const withAuth = await fetch(`${url}/api/v1/ingest`, { method: "POST", headers: { "content-type": "application/x-ndjson", authorization: `Bearer ${TOKENS.agentToken}` }, body });
    expect(withAuth.status).toBe(200);
  });
});

describe("server: dashboards", () => {
  it("CL-DB1: a late dashboard gets a snapshot with recent history, then frames with increasing seq", async () => {
    const { url, collector } = await start({ frameHz: 20 });
    const { agent } = await handshake(url, "a", ["r1", "r2"]);
    agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 2, [["r1", 2]], { full: true }), replicaReport("r2", 0, [], { full: true })]));
    await flushAgent(agent);
    for (let i = 0; i < 3; i++) collector.tick();
    const dash = dashboardClient(url);
    await connected(dash);
    const frames = collect<Frame>(dash, "frame");
    const snapshot = next<Snapshot>(dash, "snapshot");
    dash.emit("subscribe", { type: "subscribe" });
    const snap = await snapshot;
    expect(SnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.replicas.map((r) => r.id)).toEqual(["r1", "r2"]);
    expect(snap.frames.length).toBeGreaterThanOrEqual(3);
    expect(snap.frames.at(-1)!.seq - snap.frames[0]!.seq + 1).toBe(snap.frames.length); // consecutive, newest last
    expect(snap.history.length).toBeGreaterThanOrEqual(1);
    expect(snap.events.some((e) => e.kind === "run")).toBe(true);
    expect(snap.events.some((e) => e.kind === "agent")).toBe(true);
    await until(() => frames.length >= 3, 3000, "frames");
    for (const f of frames) expect(FrameSchema.safeParse(f).success).toBe(true);
    const seqs = frames.map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]!).toBeGreaterThan(snap.frames.at(-1)!.seq);
    expect(frames[0]!.columns.missingUpdates).toEqual([0, 2]);
  });

  it("CL-DB2: a dashboard may ask for its own percentile window", async () => {
    const { url } = await start({ frameHz: 20 });
    const dash = dashboardClient(url);
    await connected(dash);
    const snapshot = next<Snapshot>(dash, "snapshot");
    dash.emit("subscribe", { type: "subscribe", windowMs: 5000 });
    expect((await snapshot).windowMs).toBe(5000);
    expect(FrameSchema.safeParse(await next<Frame>(dash, "frame")).success).toBe(true);
  });
});

describe("server: lifecycle", () => {
  it("CL-L1: close ends the run cleanly; a new session is a new run and resumes the last config", async () => {
    const dir = mkdtempSync(join(tmpdir(), "driftscope-restart-"));
    try {
      const a = await startCollector({}, dir);
      const first = a.collector.core.runInfo()!;
      a.collector.core.changeConfig({ gossip: { fanout: 5 } }, Date.now(), "test");
      await a.stop();
      const b = await startCollector({}, dir);
      try {
        expect(b.collector.core.config.gossip.fanout).toBe(5);
        const { body } = await getJson<{ runs: Array<{ id: string; status: string; current: boolean; endedAtMs: number | null }> }>(`${b.url}/api/v1/runs`);
        const old = body.runs.find((r) => r.id === first.id)!;
        expect(old).toMatchObject({ status: "closed", current: false });
        expect(old.endedAtMs).not.toBeNull();
        expect(body.runs[0]).toMatchObject({ status: "running", current: true });
      } finally {
        await b.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
