// Hostile input: every case gets a clear error, the server stays up, the collector's state
// (membership, version vectors, frontier, config, agents, run) is unchanged, and the event
// loop is never held more than 100 ms (test/hostileProbe.ts). More probes in
// hostileSocket{Packets,Handshake,Values}.test.ts, hostileHttp.test.ts and dashboardBackpressure.test.ts.
import { LIMITS, PROTOCOL_VERSION, type ControlResult, type ErrorMessage, type IngestAnswer } from "@driftscope/protocol";
import { io } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  agentClient,
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
  type AgentClient,
  type DashboardClient,
  type TestCollector,
} from "../test/harness.js";
import { eventPacket, expectHarmless, rawPacket, stateFingerprint } from "../test/hostileProbe.js";

let t: TestCollector;
let agent: AgentClient;
let flooder: AgentClient;
let dash: DashboardClient;

/** Everything a bad message must not change. */
const fingerprint = () => stateFingerprint(t.collector.core, ["ghost"]);
/** Runs a probe: no state change, no stall of the event loop. */
const harmless = (probe: () => Promise<void>) => expectHarmless(t.collector.core, probe, ["ghost"]);

let baseline: string;

beforeAll(async () => {
  t = await startCollector({ frameHz: 2 });
  ({ agent } = await handshake(t.url, "a", ["r1", "r2"]));
  agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]], { full: true }), replicaReport("r2", 1, [["r2", 1], ["r1", 1]], { full: true })]));
  await flushAgent(agent);
  ({ agent: flooder } = await handshake(t.url, "f", []));
  dash = dashboardClient(t.url);
  await connected(dash);
  const snapshot = next(dash, "snapshot");
  dash.emit("subscribe", { type: "subscribe" });
  await snapshot;
  baseline = fingerprint();
});
afterAll(async () => {
  await t.stop();
});

async function stillUp(): Promise<void> {
  const res = await fetch(`${t.url}/api/v1/health`);
  expect(res.status).toBe(200);
  expect(fingerprint()).toBe(baseline);
}

const ndjson = (...lines: unknown[]) => lines.map((l) => (typeof l === "string" ? l : JSON.stringify(l))).join("\n");

async function ingest(body: string, contentType = "application/x-ndjson"): Promise<{ status: number; body: IngestAnswer & ErrorMessage }> {
  const res = await fetch(`${t.url}/api/v1/ingest`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, body: (await res.json()) as IngestAnswer & ErrorMessage };
}

async function putConfig(body: string, contentType = "application/json") {
  const res = await fetch(`${t.url}/api/v1/config`, { method: "PUT", headers: { "content-type": contentType }, body });
  return { status: res.status, body: (await res.json()) as ErrorMessage };
}

const good = () => reportMsg("a", 2, [replicaReport("r1", 4, [["r1", 4]])]);
const withReplica = (patch: Record<string, unknown>) => {
  const r = good();
  return { ...r, replicas: [{ ...r.replicas[0]!, ...patch }] };
};

// ---- HTTP ingest --------------------------------------------------------------------

describe("hostile HTTP ingest", () => {
  const lineCases: Array<[name: string, body: string, code: string, path?: RegExp]> = [
    ["H1 invalid JSON", "{not json", "BAD_REQUEST"],
    ["H2 NaN literal", '{"type":"report","seq":NaN}', "BAD_REQUEST"],
    ["H3 wrong type: seq as string", ndjson({ ...good(), seq: "2" }), "VALIDATION", /^seq$/],
    ["H4 __proto__ key", `{"__proto__":{"polluted":true},${JSON.stringify(good()).slice(1)}`, "VALIDATION", /__proto__/],
    ["H5 overflowing seq (2^53 + 2)", ndjson(withReplica({ seq: 2 ** 53 + 2 })), "VALIDATION", /replicas\[0\]\.seq/],
    ["H6 seq 1e400 (Infinity)", JSON.stringify(withReplica({})).replace('"seq":4', '"seq":1e400'), "VALIDATION", /replicas\[0\]\.seq/],
    ["H7 negative vv seq", ndjson(withReplica({ vv: [["r1", -1]] })), "VALIDATION", /replicas\[0\]\.vv\[0\]\[1\]/],
    ["H8 wrong protocol version", ndjson({ ...helloMsg("z", ["r9"]), protocol: PROTOCOL_VERSION + 41 }), "PROTOCOL_VERSION", /^protocol$/],
    ["H9 unknown message type", ndjson({ type: "frame", agentId: "a" }), "VALIDATION", /type/],
    ["H10 report from an agent that never said hello", ndjson({ ...good(), agentId: "stranger" }), "NOT_FOUND", /agentId/],
    ["H10b a replayed report seq", ndjson(reportMsg("a", 1, [])), "CONFLICT", /^seq$/],
    ["H11 report for a replica the agent does not host", ndjson(withReplica({ replica: "ghost" })), "VALIDATION", /replicas\[0\]\.replica/],
    ["H12 config-ack for unknown replica ids", ndjson({ type: "config-ack", agentId: "a", version: 1, replicas: ["nope"], ok: true }), "VALIDATION", /replicas\[0\]/],
    ["H13 config-ack of a version that never existed", ndjson({ type: "config-ack", agentId: "a", version: 999, replicas: ["r1"], ok: true }), "VALIDATION", /version/],
    ["H14 reserved replica id", ndjson(helloMsg("z", ["__proto__"])), "VALIDATION", /replicas\[0\]\.id/],
    ["H15 id with path characters", ndjson(helloMsg("z", ["../etc/passwd"])), "VALIDATION", /replicas\[0\]\.id/],
    ["H16 summary longer than allowed", ndjson(withReplica({ summary: "x".repeat(LIMITS.stringLength + 1) })), "VALIDATION", /summary/],
    ["H17 the same origin twice in a vv", ndjson(withReplica({ vv: [["r1", 4], ["r1", 2]] })), "VALIDATION", /vv/],
    ["H18 ping over HTTP (socket only)", ndjson({ type: "ping", id: 1, agentTimeMs: 1 }), "VALIDATION", /type/],
    ["H19 message is not an object", "42", "VALIDATION"],
    ["H20 JSON nested too deep", `{"type":"report","x":${"[".repeat(100)}${"]".repeat(100)}}`, "BAD_REQUEST"],
    ["H21 hello hosting more replicas than allowed", ndjson(helloMsg("z", Array.from({ length: LIMITS.replicasPerAgent + 1 }, (_, i) => `x${i}`))), "VALIDATION", /replicas/],
  ];

  it.each(lineCases)("%s: the line is rejected with its number, field and reason", async (_name, body, code, path) => {
    await harmless(async () => {
      const { status, body: answer } = await ingest(body);
      expect(status).toBe(400);
      expect(answer.accepted).toBe(0);
      expect(answer.rejected).toHaveLength(1);
      const [r] = answer.rejected;
      expect(r).toMatchObject({ line: 1, code });
      expect(r!.issues.length).toBeGreaterThan(0);
      expect(r!.issues[0]!.reason.length).toBeGreaterThan(3);
      if (path !== undefined) expect(r!.issues.map((i) => i.path)).toEqual(expect.arrayContaining([expect.stringMatching(path)]));
    });
    await stillUp();
  });

  it("H22 a 10 MB body gets 413 with a JSON error", async () => {
    await harmless(async () => {
      const { status, body } = await ingest("x".repeat(10 * 1024 * 1024));
      expect(status).toBe(413);
      expect(body).toMatchObject({ type: "error", code: "PAYLOAD_TOO_LARGE" });
    });
    await stillUp();
  });

  it("H23 a malformed JSON array body is refused as a whole", async () => {
    await harmless(async () => {
      const { status, body } = await ingest(`[${JSON.stringify(good())},`, "application/json");
      expect(status).toBe(400);
      expect(body).toMatchObject({ type: "error", code: "BAD_REQUEST", message: expect.stringMatching(/invalid JSON array/) });
    });
    await stillUp();
  });

  it("H24 a wrong content type is refused", async () => {
    await harmless(async () => {
      const { status, body } = await ingest(ndjson(good()), "text/html");
      expect(status).toBe(400);
      expect(body.message).toMatch(/Content-Type/);
    });
    await stillUp();
  });

  it("H26 a page on another site cannot post telemetry or change the config through a browser", async () => {
    await harmless(async () => {
      for (const [path, method, body, type] of [
        ["/api/v1/ingest", "POST", ndjson(good()), "text/plain"],
        ["/api/v1/config", "PUT", JSON.stringify({ gossip: { fanout: 3 } }), "application/json"],
      ] as const) {
        const res = await fetch(`${t.url}${path}`, { method, headers: { "content-type": type, origin: "https://evil.example" }, body });
        expect(res.status).toBe(403);
        expect(await res.json()).toMatchObject({ code: "FORBIDDEN" });
      }
    });
    await stillUp();
  });

  it("H25 in a body with many bad lines, each is named by its line number", async () => {
    await harmless(async () => {
      const { status, body } = await ingest(["{", "", ndjson({ ...good(), agentId: 5 }), "[]"].join("\n"));
      expect(status).toBe(400);
      expect(body.rejected.map((r) => r.line)).toEqual([1, 3, 4]);
    });
    await stillUp();
  });
});

// ---- PUT /api/v1/config ------------------------------------------------------------

describe("hostile config changes over HTTP", () => {
  const cases: Array<[name: string, body: string, status: number, code: string, path?: string]> = [
    ["C1 fanout 0", JSON.stringify({ gossip: { fanout: 0 } }), 400, "VALIDATION", "gossip.fanout"],
    ["C2 interval −5", JSON.stringify({ gossip: { intervalMs: -5 } }), 400, "VALIDATION", "gossip.intervalMs"],
    ["C3 invalid JSON", "{fanout: 3", 400, "BAD_REQUEST"],
    ["C4 __proto__ pollution attempt", '{"__proto__":{"polluted":true},"gossip":{"fanout":3}}', 400, "VALIDATION", "__proto__"],
    ["C5 unknown section", JSON.stringify({ turbo: { on: true } }), 400, "VALIDATION", "turbo"],
    ["C6 loss rate above 1", JSON.stringify({ network: { lossRate: 1.5 } }), 400, "VALIDATION", "network.lossRate"],
    ["C7 array instead of object", "[]", 400, "VALIDATION"],
    ["C8 fanout as a string", JSON.stringify({ gossip: { fanout: "3" } }), 400, "VALIDATION", "gossip.fanout"],
    ["C9 replica twice in partitions", JSON.stringify({ network: { partitions: [["r1"], ["r1", "r2"]] } }), 400, "VALIDATION", "network.partitions[1][0]"],
    ["C10 unknown gossip mode", JSON.stringify({ gossip: { mode: "shout" } }), 400, "VALIDATION", "gossip.mode"],
    ["C11 version in a patch", JSON.stringify({ version: 99 }), 400, "VALIDATION", "version"],
    ["C12 a 2 MB body", JSON.stringify({ workload: { opMix: "x".repeat(2 * 1024 * 1024) } }), 413, "PAYLOAD_TOO_LARGE"],
  ];

  it.each(cases)("%s is refused with a clear error", async (_name, body, status, code, path) => {
    await harmless(async () => {
      const res = await putConfig(body);
      expect(res.status).toBe(status);
      expect(res.body).toMatchObject({ type: "error", code });
      expect(res.body.message.length).toBeGreaterThan(5);
      if (path !== undefined) expect(res.body.issues?.map((i) => i.path)).toContain(path);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });
    await stillUp();
  });

  it("C13 a run or export that does not exist is a 404; an unknown format a 400", async () => {
    await harmless(async () => {
      expect((await fetch(`${t.url}/api/v1/runs/run-999999`)).status).toBe(404);
      expect((await fetch(`${t.url}/api/v1/runs/__proto__`)).status).toBe(404);
      const bad = await fetch(`${t.url}/api/v1/runs/${t.collector.core.runInfo()!.id}/export?format=xml`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as ErrorMessage).issues?.[0]?.path).toBe("format");
      expect((await fetch(`${t.url}/api/v1/nope`)).status).toBe(404);
    });
    await stillUp();
  });
});

// ---- sockets -----------------------------------------------------------------------

describe("hostile socket messages", () => {
  const socketCases: Array<[name: string, event: string, payload: unknown, code: string]> = [
    ["S1 unknown event", "hack", { type: "hack" }, "BAD_REQUEST"],
    ["S3 NaN (arrives as null)", "report", withReplica({ seq: Number.NaN }), "VALIDATION"],
    ["S4 a string instead of a message", "report", "report please", "VALIDATION"],
    ["S5 report claiming another agent's id", "report", { ...good(), agentId: "b" }, "FORBIDDEN"],
    ["S6 ack naming unknown replicas", "config-ack", { type: "config-ack", agentId: "a", version: 1, replicas: ["ghost"], ok: true }, "VALIDATION"],
    ["S7 __proto__ key", "report", JSON.parse(`{"__proto__":{"x":1},${JSON.stringify(good()).slice(1)}`) as unknown, "VALIDATION"],
    ["S8 overflowing seq", "report", withReplica({ vv: [["r1", Number.MAX_SAFE_INTEGER * 4]] }), "VALIDATION"],
    ["S9 event name and type disagree", "bye", good(), "VALIDATION"],
    ["S10 report for a replica of nobody", "report", withReplica({ replica: "ghost" }), "VALIDATION"],
  ];

  it.each(socketCases)("%s → error, nothing changes", async (_name, event, payload, code) => {
    await harmless(async () => {
      const err = next<ErrorMessage>(agent, "error");
      (agent as unknown as { emit(e: string, p: unknown): void }).emit(event, payload);
      const e = await err;
      expect(e).toMatchObject({ type: "error", code });
      expect(e.message.length).toBeGreaterThan(5);
      await flushAgent(agent);
    });
    await stillUp();
  });

  it("S2 a hello with a wrong protocol version is refused and that connection closed", async () => {
    await harmless(async () => {
      const other = agentClient(t.url);
      await connected(other);
      const err = next<ErrorMessage>(other, "error");
      other.emit("hello", { ...helloMsg("z", ["r9"]), protocol: 0 });
      expect((await err).code).toBe("PROTOCOL_VERSION");
      await until(() => other.disconnected, 3000, "disconnect");
    });
    await stillUp();
  });

  it("S11 an acknowledgement callback or extra arguments are refused", async () => {
    await harmless(async () => {
      const err = next<ErrorMessage>(agent, "error");
      (agent as unknown as { emit(e: string, ...p: unknown[]): void }).emit("report", good(), "extra");
      expect((await err).code).toBe("BAD_REQUEST");
    });
    await stillUp();
  });

  it("S12 a flood from one connection is rate-limited; the collector keeps serving", async () => {
    const pings = Array.from({ length: 1500 }, (_, i) => eventPacket("ping", JSON.stringify({ type: "ping", id: i, agentTimeMs: 1 })));
    await harmless(async () => {
      const err = next<ErrorMessage>(flooder, "error");
      for (const packet of pings) rawPacket(flooder, packet);
      expect((await err).code).toBe("RATE_LIMITED");
      await flushAgent(agent); // other connections are unaffected
    });
    await stillUp();
  });

  it("S13 a message above the size limit closes that connection only", async () => {
    const packet = eventPacket("report", JSON.stringify({ ...good(), junk: "x".repeat(LIMITS.messageBytes + 128 * 1024) }));
    await harmless(async () => {
      const big = agentClient(t.url);
      await connected(big);
      rawPacket(big, packet);
      await until(() => big.disconnected, 5000, "oversized sender disconnected");
      await flushAgent(agent);
    });
    await stillUp();
  });

  it("S16 a page on another site cannot open a socket to the collector", async () => {
    await harmless(async () => {
      const evil = io(`${t.url}/dashboards`, { transports: ["websocket"], forceNew: true, reconnection: false, extraHeaders: { origin: "https://evil.example" } });
      try {
        await expect(new Promise((resolve, reject) => {
          evil.once("connect", () => resolve("connected"));
          evil.once("connect_error", (e) => reject(e));
        })).rejects.toThrow();
      } finally {
        evil.close();
      }
    });
    await stillUp();
  });

  it("S14 dashboards: fanout 0 and interval −5 are refused in control-result", async () => {
    await harmless(async () => {
      for (const [requestId, patch, path] of [
        ["bad-1", { gossip: { fanout: 0 } }, "patch.gossip.fanout"],
        ["bad-2", { gossip: { intervalMs: -5 } }, "patch.gossip.intervalMs"],
      ] as const) {
        const r = next<ControlResult>(dash, "control-result");
        dash.emit("config-change", { type: "config-change", requestId, patch: patch as never });
        const result = await r;
        expect(result).toMatchObject({ requestId, ok: false, error: { code: "VALIDATION" } });
        expect(result.error!.issues!.map((i) => i.path)).toContain(path);
      }
    });
    await stillUp();
  });

  it("S15 dashboards: unknown events and control requests without a request id get an error", async () => {
    await harmless(async () => {
      let err = next<ErrorMessage>(dash, "error");
      (dash as unknown as { emit(e: string, p: unknown): void }).emit("drop-tables", {});
      expect((await err).code).toBe("BAD_REQUEST");
      err = next<ErrorMessage>(dash, "error");
      (dash as unknown as { emit(e: string, p: unknown): void }).emit("config-change", { type: "config-change", patch: { gossip: { fanout: 3 } } });
      expect((await err).code).toBe("VALIDATION");
    });
    await stillUp();
  });
});
