// Hostile socket input (issue 14): binary payloads, oversized and malformed packets,
// anything before hello / subscribe, values the wrong shape in bulk, token rules. Each
// probe gets a clear error or a closed connection, changes nothing, and never holds the
// event loop more than 100 ms (expectHarmless).
import { rmSync } from "node:fs";
import { LIMITS, type ControlResult, type ErrorMessage, type Pong, type Report } from "@driftscope/protocol";
import { io, Manager } from "socket.io-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
  type AgentClient,
  type DashboardClient,
  type TestCollector,
} from "../test/harness.js";
import { closed, eventPacket, expectHarmless, loopDelayDuring, MAX_LOOP_DELAY_MS, rawPacket } from "../test/hostileProbe.js";

const HANDSHAKE_TIMEOUT_MS = 400;
let t: TestCollector;
let agent: AgentClient;

type Loose = { emit(event: string, ...args: unknown[]): void };
const loose = (s: AgentClient | DashboardClient) => s as unknown as Loose;
const harmless = (probe: () => Promise<void>) => expectHarmless(t.collector.core, probe);

beforeAll(async () => {
  t = await startCollector({ frameHz: 5, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
  ({ agent } = await handshake(t.url, "a", ["r1", "r2"]));
  agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]], { full: true }), replicaReport("r2", 1, [["r2", 1]], { full: true })]));
  await flushAgent(agent);
});
afterAll(async () => {
  await t.stop();
});

async function subscribed(): Promise<DashboardClient> {
  const dash = dashboardClient(t.url);
  await connected(dash);
  const snapshot = next(dash, "snapshot");
  dash.emit("subscribe", { type: "subscribe" });
  await snapshot;
  return dash;
}

/** Sends something that must earn an error with `code` and the end of the connection. */
async function refusedAndClosed(socket: AgentClient | DashboardClient, send: () => void, code: string, message?: RegExp): Promise<void> {
  const error = next<ErrorMessage>(socket, "error");
  const gone = closed(socket);
  send();
  const e = await error;
  expect(e.code).toBe(code);
  if (message !== undefined) expect(e.message).toMatch(message);
  await gone;
}

const good = () => reportMsg("a", 2, [replicaReport("r1", 4, [["r1", 4]])]);
const big = (bytes: number) => new Uint8Array(bytes).fill(7);

describe("binary payloads are refused at the socket layer, the connection closed", () => {
  const cases: Array<[name: string, where: "agent" | "agent after hello" | "dashboard" | "dashboard after subscribe", event: string, payload: () => unknown]> = [
    ["B1 a ping carrying 4 MiB of binary (the reported repro)", "agent", "ping", () => big(4 << 20)],
    ["B2 a ping carrying 1 MiB of binary", "agent", "ping", () => big(1 << 20)],
    ["B3 a hello as binary", "agent", "hello", () => Buffer.alloc(64 * 1024)],
    ["B4 a report as binary", "agent", "report", () => big(256 * 1024)],
    ["B5 a config-ack as binary", "agent", "config-ack", () => big(1024)],
    ["B6 a bye as binary", "agent", "bye", () => big(16)],
    ["B7 an unknown event carrying binary", "agent", "exploit", () => big(2 << 20)],
    ["B8 a hello with a binary field", "agent", "hello", () => ({ ...helloMsg("z", ["z1"]), node: Buffer.alloc(1 << 20) })],
    ["B9 a report with binary replica entries", "agent after hello", "report", () => ({ ...good(), replicas: [big(1 << 20)] })],
    ["B10 a ping carrying binary after hello", "agent after hello", "ping", () => big(3 << 20)],
    ["B11 a subscribe carrying 3 MB of binary (the reported repro)", "dashboard", "subscribe", () => big(3_000_000)],
    ["B12 a request-snapshot as binary", "dashboard", "request-snapshot", () => big(1024)],
    ["B13 a config-change as binary", "dashboard", "config-change", () => big(1024)],
    ["B14 a run-control with a binary token", "dashboard", "run-control", () => ({ type: "run-control", requestId: "x", action: "stop", token: big(512) })],
    ["B15 a request-snapshot carrying binary after subscribe", "dashboard after subscribe", "request-snapshot", () => big(2 << 20)],
    ["B16 a config-change with a binary patch after subscribe", "dashboard after subscribe", "config-change", () => ({ type: "config-change", requestId: "r", patch: big(4096) })],
  ];

  it.each(cases)("%s", async (_name, where, event, payload) => {
    let socket: AgentClient | DashboardClient;
    if (where === "agent after hello") socket = (await handshake(t.url, `bin-${event}`, [])).agent;
    else if (where === "dashboard after subscribe") socket = await subscribed();
    else {
      socket = where === "agent" ? agentClient(t.url) : dashboardClient(t.url);
      await connected(socket);
    }
    const value = payload();
    await harmless(() => refusedAndClosed(socket, () => loose(socket).emit(event, value), "BAD_REQUEST", /binary/));
  });

  it("B17 a raw binary frame with no packet header closes the connection", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(async () => {
      const gone = closed(socket);
      (socket.io.engine as unknown as { write(data: Uint8Array): void }).write(big(1 << 20));
      await gone;
    });
  });
});

describe("oversized and malformed packets", () => {
  it("Z1 a 2 MB hello before any hello is accepted closes the connection", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    const hello = { ...helloMsg("z", ["z1"]), node: { name: "z", host: "h".repeat(2_000_000) } };
    await harmless(() => refusedAndClosed(socket, () => socket.emit("hello", hello as never), "PAYLOAD_TOO_LARGE", /before hello is accepted/));
  });

  it("Z2 a 100 KB subscribe closes the connection", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    await harmless(() => refusedAndClosed(dash, () => loose(dash).emit("subscribe", { type: "subscribe", token: "t".repeat(100_000) }), "PAYLOAD_TOO_LARGE"));
  });

  it("Z3 a 3 MB config-change from a subscribed dashboard closes its connection", async () => {
    const dash = await subscribed();
    const patch = { workload: { opMix: [{ op: "x".repeat(3_000_000), weight: 1 }] } };
    await harmless(() => refusedAndClosed(dash, () => loose(dash).emit("config-change", { type: "config-change", requestId: "big", patch }), "PAYLOAD_TOO_LARGE"));
  });

  it("Z4 a connect packet with a 100 KB auth payload never connects", async () => {
    await harmless(async () => {
      const socket = io(`${t.url}/agents`, { transports: ["websocket"], forceNew: true, reconnection: false, auth: { token: "x".repeat(100_000) } });
      try {
        await until(() => socket.io.engine === undefined || socket.io.engine.readyState === "closed", 5000, "connection closed");
        expect(socket.connected).toBe(false);
      } finally {
        socket.close();
      }
    });
  });

  const raw: Array<[name: string, packet: string]> = [
    ["Z5 an acknowledgement packet (the collector never asks for one)", '3/agents,1["pong"]'],
    ["Z6 a connect-error packet sent by a client", '4/agents,{"message":"x"}'],
    ["Z7 an unknown packet type", "9/agents,whatever"],
    ["Z8 a binary-event header with 11 attachments", '511-/agents,["ping",{"_placeholder":true,"num":0}]'],
  ];
  it.each(raw)("%s closes the connection", async (_name, packet) => {
    const { agent: socket } = await handshake(t.url, "raw", []);
    await harmless(async () => {
      const gone = closed(socket);
      rawPacket(socket, packet);
      await gone;
    });
  });

  it("Z9 an event packet that is not JSON closes the connection", async () => {
    const { agent: socket } = await handshake(t.url, "notjson", []);
    await harmless(async () => {
      const gone = closed(socket);
      rawPacket(socket, '2/agents,["report",{nope');
      await gone;
    });
  });

  it.each([
    ["Z10 an event named by a number", '2/agents,[1,{"type":"ping","id":1,"agentTimeMs":1}]'],
    ["Z11 an event named __proto__", '2/agents,["__proto__",{"type":"ping","id":1,"agentTimeMs":1}]'],
    ["Z12 an event named constructor", '2/agents,["constructor",{}]'],
  ])("%s is answered BAD_REQUEST", async (_name, packet) => {
    await harmless(async () => {
      const error = next<ErrorMessage>(agent, "error");
      rawPacket(agent, packet);
      expect((await error).code).toBe("BAD_REQUEST");
    });
  });
});

describe("nothing is answered or parsed before hello / subscribe", () => {
  it("P1 a ping before hello gets no pong, only an error; after hello pings are answered", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    const pongs = collect<Pong>(socket, "pong");
    await harmless(async () => {
      const error = next<ErrorMessage>(socket, "error");
      socket.emit("ping", { type: "ping", id: 1, agentTimeMs: 1 });
      expect(await error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/send hello first/) });
    });
    const welcome = next(socket, "welcome");
    socket.emit("hello", helloMsg("p1", []));
    await welcome;
    await flushAgent(socket);
    expect(pongs.map((p) => p.id)).toEqual([1]); // flushAgent's ping (id 1 too): the early one got none
    expect(pongs).toHaveLength(1);
  });

  it("P2 a report before hello is refused unread", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(async () => {
      const error = next<ErrorMessage>(socket, "error");
      socket.emit("report", good());
      expect((await error).message).toMatch(/send hello first/);
    });
  });

  it("P3 a thousand reports before hello earn two notices, not a thousand answers", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    const errors = collect<ErrorMessage>(socket, "error");
    await harmless(async () => {
      for (let i = 0; i < 1000; i++) socket.emit("report", good());
      await until(() => errors.length >= 2, 3000, "notices");
      await new Promise((r) => setTimeout(r, 100));
    });
    expect(errors.map((e) => e.code).sort()).toEqual(["BAD_REQUEST", "RATE_LIMITED"]);
  });

  it("P3b a connection that keeps flooding past its message rate is closed", async () => {
    const quick = await startCollector({ rateLimits: { messagesPerSec: 20, messageBurst: 20, floodCloseMs: 300 } });
    try {
      const socket = agentClient(quick.url);
      await connected(socket);
      const welcome = next(socket, "welcome");
      socket.emit("hello", helloMsg("flood", []));
      await welcome;
      const packet = eventPacket("ping", JSON.stringify({ type: "ping", id: 1, agentTimeMs: 1 }));
      await expectHarmless(quick.collector.core, async () => {
        const gone = closed(socket, 5000);
        const timer = setInterval(() => {
          for (let i = 0; i < 50; i++) rawPacket(socket, packet);
        }, 20);
        await gone.finally(() => clearInterval(timer));
      });
    } finally {
      // Not quick.stop(): the harness's stop closes every client socket, this file's agent too.
      await quick.collector.close();
      rmSync(quick.dir, { recursive: true, force: true });
    }
  });

  it("P4 an agent socket that never says hello is closed after the handshake timeout", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(() => refusedAndClosed(socket, () => {}, "BAD_REQUEST", new RegExp(`no hello accepted within ${HANDSHAKE_TIMEOUT_MS} ms`)));
  });

  it("P5 a request-snapshot before subscribe gets no snapshot, only an error", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    const snapshots = collect(dash, "snapshot");
    await harmless(async () => {
      const error = next<ErrorMessage>(dash, "error");
      dash.emit("request-snapshot", { type: "request-snapshot" });
      expect((await error).message).toMatch(/send subscribe first/);
    });
    expect(snapshots).toHaveLength(0);
  });

  it("P6 a config-change before subscribe is not read: no control-result, no change", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    const results = collect<ControlResult>(dash, "control-result");
    await harmless(async () => {
      const error = next<ErrorMessage>(dash, "error");
      dash.emit("config-change", { type: "config-change", requestId: "early", patch: { gossip: { fanout: 5 } } });
      expect((await error).code).toBe("BAD_REQUEST");
    });
    expect(results).toHaveLength(0);
  });

  it("P7 a dashboard socket that never subscribes is closed after the handshake timeout", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    await harmless(() => refusedAndClosed(dash, () => {}, "BAD_REQUEST", /no subscribe within/));
  });

  it("P8 a connection that joins no namespace is closed after the handshake timeout", async () => {
    const manager = new Manager(t.url, { transports: ["websocket"], reconnection: false, autoConnect: false });
    await harmless(async () => {
      await new Promise<void>((resolve, reject) => manager.open((err) => (err ? reject(err) : resolve())));
      await until(() => manager.engine.readyState === "closed", 3000, "engine closed");
    });
  });
});

describe("values the wrong shape in bulk are refused at their first problem", () => {
  const wide = () => `{"type":"ping","id":1,"agentTimeMs":1,${Array.from({ length: 300_000 }, (_, i) => `"k${i}":0`).join(",")}}`;
  const badVv = () => ({ ...good(), replicas: Array.from({ length: 16 }, (_, i) => ({ ...replicaReport(`r${i}`, 1, []), vv: Array.from({ length: 16_384 }, () => [1, 1]) })) });
  const deep = `${"[".repeat(10_000)}1${"]".repeat(10_000)}`;

  const cases: Array<[name: string, event: string, payload: () => unknown, code: string]> = [
    ["Q1 a ping with 300,000 unknown fields", "ping", wide, "VALIDATION"],
    ["Q2 a report with 262,144 malformed vv entries", "report", badVv, "VALIDATION"],
    ["Q3 a report whose replica list holds 2,000,000 numbers", "report", () => ({ ...good(), replicas: new Array(2_000_000).fill(1) }), "VALIDATION"],
    ["Q4 a report nested 10,000 levels deep", "report", () => `{"type":"report","replicas":${deep}}`, "VALIDATION"],
    ["Q5 a report whose summary has a lone surrogate", "report", () => reportMsg("a", 2, [replicaReport("r1", 4, [["r1", 4]], { summary: "count=\ud800" })]), "VALIDATION"],
    ["Q6 a config-ack for 100,000 replicas", "config-ack", () => ({ type: "config-ack", agentId: "a", version: 1, ok: true, replicas: Array.from({ length: 100_000 }, (_, i) => `r${i}`) }), "VALIDATION"],
    ["Q7 a report with 60 replica entries of 16,384 items each", "report", () => ({ ...good(), replicas: Array.from({ length: 60 }, () => new Array(16_384).fill(0)) }), "VALIDATION"],
    ["Q8 a string instead of a report", "report", () => "x".repeat(3_000_000), "VALIDATION"],
    ["Q9 an array instead of a ping", "ping", () => new Array(100_000).fill({ type: "ping" }), "VALIDATION"],
  ];

  it.each(cases)("%s", async (_name, event, payload, code) => {
    const value = payload();
    const packet = eventPacket(event, typeof value === "string" && value.startsWith("{") ? value : JSON.stringify(value));
    await harmless(async () => {
      const error = next<ErrorMessage>(agent, "error");
      rawPacket(agent, packet);
      const e = await error;
      expect(e.code).toBe(code);
      expect(e.issues?.length ?? 0).toBeLessThanOrEqual(LIMITS.issuesPerError);
      await flushAgent(agent);
    });
  });

  it("Q10 a hello whose node name has a lone surrogate is refused and the connection closed", async () => {
    const socket = agentClient(t.url);
    await connected(socket);
    await harmless(() => refusedAndClosed(socket, () => socket.emit("hello", helloMsg("sur", ["s1"], { node: { name: "node \ud800" } })), "VALIDATION", /node\.name: text with a lone surrogate/));
  });

  it("Q11 a subscribe with 100 unknown fields is refused; the dashboard stays unsubscribed", async () => {
    const dash = dashboardClient(t.url);
    await connected(dash);
    const value: Record<string, unknown> = { type: "subscribe" };
    for (let i = 0; i < 100; i++) value[`f${i}`] = 1;
    await harmless(async () => {
      const error = next<ErrorMessage>(dash, "error");
      loose(dash).emit("subscribe", value);
      expect((await error).code).toBe("VALIDATION");
    });
  });

  it("Q12 a run-control named with a lone surrogate is refused", async () => {
    const dash = await subscribed();
    await harmless(async () => {
      const result = next<ControlResult>(dash, "control-result");
      dash.emit("run-control", { type: "run-control", requestId: "q12", action: "start", name: "run \udc00" });
      expect(await result).toMatchObject({ requestId: "q12", ok: false, error: { code: "VALIDATION", issues: [{ path: "name" }] } });
    });
  });

  it("Q13 a config-change with 100,000 partition groups is refused", async () => {
    const dash = await subscribed();
    const partitions = Array.from({ length: 100_000 }, (_, i) => [`p${i}`]);
    const packet = eventPacket("config-change", JSON.stringify({ type: "config-change", requestId: "q13", patch: { network: { partitions } } }), "/dashboards");
    await harmless(async () => {
      const error = next<ErrorMessage>(dash, "error");
      rawPacket(dash, packet);
      expect(await error).toMatchObject({ code: "VALIDATION", message: expect.stringMatching(/refused unread: a list of more than/) });
    });
  });
});

describe("tokens", () => {
  const TOKENS = { agentToken: "agent-secret-1", operatorToken: "operator-secret-1" };
  let secured: TestCollector;
  beforeAll(async () => {
    secured = await startCollector({ ...TOKENS, handshakeTimeoutMs: HANDSHAKE_TIMEOUT_MS });
  });
  afterAll(async () => {
    await secured.stop();
  });
  const safe = (probe: () => Promise<void>) => expectHarmless(secured.collector.core, probe);

  it("T1 a wrong agent token in the auth payload is refused at connect", async () => {
    await safe(async () => {
      await expect(connected(agentClient(secured.url, { token: "wrong-token-1" }))).rejects.toThrow(/UNAUTHORIZED/);
    });
  });

  it("T2 a hello without the token is refused and the connection closed", async () => {
    const socket = agentClient(secured.url);
    await connected(socket);
    await safe(() => refusedAndClosed(socket, () => socket.emit("hello", helloMsg("t2", ["t2r"])), "UNAUTHORIZED"));
  });

  it("T3 without a token, a report before hello is not read", async () => {
    const socket = agentClient(secured.url);
    await connected(socket);
    await safe(async () => {
      const error = next<ErrorMessage>(socket, "error");
      socket.emit("report", reportMsg("t3", 1, []));
      expect((await error).message).toMatch(/send hello first/);
    });
  });

  it("T4 a dashboard's config-change with the agent token is FORBIDDEN", async () => {
    const dash = dashboardClient(secured.url);
    await connected(dash);
    const snapshot = next(dash, "snapshot");
    dash.emit("subscribe", { type: "subscribe" });
    await snapshot;
    await safe(async () => {
      const result = next<ControlResult>(dash, "control-result");
      dash.emit("config-change", { type: "config-change", requestId: "t4", patch: { gossip: { fanout: 3 } }, token: TOKENS.agentToken });
      expect(await result).toMatchObject({ ok: false, error: { code: "FORBIDDEN" } });
    });
  });
});

describe("heavy but valid input", () => {
  // A tick of 1,024 replicas is split into reports of this order; a report of the protocol's
  // maximum (65,536 entries, ~1.5 MB) is parsed in one step of 15–40 ms here (docs/security.md).
  it("V1 a report of 16,000 entries is applied without holding the event loop", async () => {
    const ids = ["h0", "h1", "h2", "h3"];
    const { agent: heavy } = await handshake(t.url, "heavy", ids);
    const vv: Array<[string, number]> = [["r1", 1]];
    const report: Report = reportMsg("heavy", 1, ids.map((id) => replicaReport(id, 1, vv, { full: true, included: Array.from({ length: 4000 }, (_, j) => ["r1", 1, Date.now() - j]) as never })));
    const packet = eventPacket("report", JSON.stringify(report));
    const delayMs = await loopDelayDuring(async () => {
      rawPacket(heavy, packet);
      await flushAgent(heavy);
    });
    expect(delayMs).toBeLessThanOrEqual(MAX_LOOP_DELAY_MS);
    expect(t.collector.core.agents.sessions.get("heavy")?.lastReportSeq).toBe(1);
  });
});
