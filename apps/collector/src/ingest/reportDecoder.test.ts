// The socket decoder end to end: reports from a socket.io agent are read by the scanner when
// it can (their vectors packed), and by socket.io's decoder when not; the collector's figures
// and refusals are the same either way.
import type { ErrorMessage } from "@driftscope/protocol";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { flushAgent, handshake, next, replicaReport, reportMsg, startCollector, type AgentClient, type TestCollector } from "../../test/harness.js";
import { ReportScanner } from "./reportScan.js";

let t: TestCollector;
let agent: AgentClient;
beforeAll(async () => {
  t = await startCollector({ frameHz: 2 });
  ({ agent } = await handshake(t.url, "a", ["r1", "r2"]));
});
afterAll(async () => {
  await t.stop();
});

describe("the socket decoder", () => {
  it("CL-PK1: a report naming origins the engine knows is read packed, and folds to the vectors it gave", async () => {
    const scan = vi.spyOn(ReportScanner.prototype, "scan");
    try {
      agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 2, [["r1", 2], ["r2", 1]], { full: true }), replicaReport("r2", 1, [["r2", 1]], { full: true })]));
      agent.emit("report", reportMsg("a", 2, [replicaReport("r1", 3, [["r1", 3]]), replicaReport("r2", 2, [["r1", 3], ["r2", 2]])]));
      await flushAgent(agent);
      expect(scan.mock.results.filter((r) => r.type === "return" && r.value !== undefined).length).toBe(2);
    } finally {
      scan.mockRestore();
    }
    expect(t.collector.core.engine.versionVector("r1")).toEqual([["r1", 3], ["r2", 1]]);
    expect(t.collector.core.engine.versionVector("r2")).toEqual([["r1", 3], ["r2", 2]]);
  });

  it("CL-PK2: a report the scanner leaves (a new origin, an origin listed twice) is read by socket.io's decoder: accepted or refused as before", async () => {
    agent.emit("report", reportMsg("a", 3, [replicaReport("r1", 3, [["r9", 4]])]));
    await flushAgent(agent);
    expect(t.collector.core.engine.versionVector("r1")).toContainEqual(["r9", 4]);
    const err = next<ErrorMessage>(agent, "error");
    agent.emit("report", reportMsg("a", 4, [replicaReport("r1", 3, [["r2", 5], ["r2", 6]])]));
    const refusal = await err;
    expect(refusal.code).toBe("VALIDATION");
    expect(refusal.issues?.[0]).toMatchObject({ path: "replicas[0].vv[1][0]" });
    expect(refusal.issues?.[0]?.reason).toMatch(/listed twice/);
  });
});
