// Binary websocket frames are refused from their header (issue 14): the collector closes the
// connection without reading the payload, so a client cannot make it read, unmask and buffer
// 4 MiB per attempt. A legit report of protocol size still passes the same socket layer.
import type { Socket } from "node:net";
import { LIMITS } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { agentClient, connected, dashboardClient, flushAgent, handshake, replicaReport, reportMsg, until } from "../test/harness.js";
import { closed } from "../test/hostileProbe.js";
import { big, harmless, loose, t, useHostileCollector } from "../test/hostileSockets.js";

useHostileCollector();

const PAYLOAD = 4 << 20;

/** The collector's side of the next websocket connection. */
function nextUpgrade(): Promise<Socket> {
  return new Promise((resolve) => t.collector.http.once("upgrade", (_req, socket: Socket) => resolve(socket)));
}

describe("CL-B4: a binary frame closes the connection from its header, unread", () => {
  it.each([
    ["/agents", "ping"],
    ["/dashboards", "subscribe"],
  ] as const)("a 4 MiB binary frame on %s (%s)", async (nsp, event) => {
    const server = nextUpgrade();
    const socket = nsp === "/agents" ? agentClient(t.url) : dashboardClient(t.url);
    await connected(socket);
    const conn = await server;
    const before = conn.bytesRead;
    await harmless(async () => {
      const gone = closed(socket);
      loose(socket).emit(event, big(PAYLOAD));
      await gone;
    });
    await until(() => conn.destroyed);
    // What the collector read of the 4 MiB: the text header and the first chunks at most.
    expect(conn.bytesRead - before).toBeLessThan(PAYLOAD / 4);
  });

  it("a report as large as the protocol lets an agent send still passes", async () => {
    const { agent } = await handshake(t.url, "big", ["big1", "big2"]);
    // The largest report: one replica with a vector of vvEntries origins (ids of the longest
    // length), a second with as many of them as fit within LIMITS.messageBytes characters.
    const origins = Array.from({ length: LIMITS.vvEntries - 1 }, (_, i) => `o${String(i).padStart(LIMITS.idLength - 1, "0")}`);
    const first = replicaReport("big1", 1, [["big1", 1], ...origins.map((o): [string, number] => [o, 1])], { full: true });
    const entryChars = JSON.stringify(first.vv[1]).length + 1;
    const room = LIMITS.messageBytes - JSON.stringify(reportMsg("big", 1, [first])).length - 4096;
    const second = replicaReport("big2", 1, [["big2", 1], ...origins.slice(0, Math.floor(room / entryChars)).map((o): [string, number] => [o, 1])], { full: true });
    const report = reportMsg("big", 1, [first, second]);
    const text = JSON.stringify(report);
    expect(text.length).toBeGreaterThan(LIMITS.messageBytes - 8192);
    expect(text.length).toBeLessThanOrEqual(LIMITS.messageBytes);
    agent.emit("report", report);
    await flushAgent(agent);
    await until(() => t.collector.core.agents.sessions.get("big")?.lastReportSeq === 1);
    expect(agent.connected).toBe(true);
    agent.disconnect();
  });
});
