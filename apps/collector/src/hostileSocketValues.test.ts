// Hostile socket values (issue 14): values the wrong shape in bulk are refused at their first
// problem; a heavy but valid report is applied without holding the event loop.
import { LIMITS, type ControlResult, type ErrorMessage, type Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { agentClient, connected, dashboardClient, flushAgent, handshake, helloMsg, next, replicaReport, reportMsg } from "../test/harness.js";
import { eventPacket, loopDelayDuring, MAX_LOOP_DELAY_MS, rawPacket } from "../test/hostileProbe.js";
import { agent, good, harmless, loose, refusedAndClosed, subscribed, t, useHostileCollector } from "../test/hostileSockets.js";

useHostileCollector();

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
