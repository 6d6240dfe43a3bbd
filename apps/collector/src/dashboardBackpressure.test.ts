// Backpressure to dashboards (issue 14): snapshot requests are coalesced, a dashboard that
// stops reading holds at most its send-buffer bound and gets no frames until it has read
// everything (then one snapshot), one that stays stuck is disconnected, and what a
// dashboard held is released when it leaves.
import type { ErrorMessage, Snapshot } from "@driftscope/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, connected, dashboardClient, flushAgent, handshake, next, replicaReport, reportMsg, startCollector, until, type DashboardClient, type TestCollector } from "../test/harness.js";
import { closed, eventPacket, expectHarmless, rawPacket } from "../test/hostileProbe.js";

const REPLICAS = 2048;
const LIMITS = { sendBufferBytes: 256 * 1024, snapshotEveryMs: 1000, stuckDisconnectMs: 2500 };
let t: TestCollector;

beforeAll(async () => {
  t = await startCollector({ frameHz: 20, dashboardLimits: LIMITS });
  const ids = Array.from({ length: REPLICAS }, (_, i) => `replica-with-a-long-name-${i}`);
  const { agent } = await handshake(t.url, "big", ids);
  agent.emit("report", reportMsg("big", 1, ids.map((id) => replicaReport(id, 1, [[id, 1]], { full: true }))));
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

/** Stops (or resumes) reading the dashboard's connection, as a stalled browser tab would. */
function reading(dash: DashboardClient, on: boolean): void {
  const ws = (dash.io.engine as unknown as { transport: { ws: { pause(): void; resume(): void } } }).transport.ws;
  if (on) ws.resume();
  else ws.pause();
}

const backlogOf = (dash: DashboardClient) => t.collector.dashboards().find((d) => d.id === dash.id);

describe("dashboard backpressure", () => {
  it("K1 5,000 snapshot requests in bursts get a snapshot a second at most", async () => {
    const dash = await subscribed();
    const snapshots = collect<Snapshot>(dash, "snapshot");
    const errors = collect<ErrorMessage>(dash, "error");
    const packet = eventPacket("request-snapshot", '{"type":"request-snapshot"}', "/dashboards");
    const startedMs = Date.now();
    await expectHarmless(t.collector.core, async () => {
      for (let burst = 0; burst < 5; burst++) {
        for (let i = 0; i < 1000; i++) rawPacket(dash, packet);
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 1100));
    });
    const seconds = (Date.now() - startedMs) / 1000;
    expect(snapshots.length).toBeGreaterThanOrEqual(1);
    expect(snapshots.length).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(errors.map((e) => e.code)).toContain("RATE_LIMITED");
    dash.close();
  });

  it("K2 a dashboard that stops reading holds at most its bound, gets no frames until it has read everything, then one snapshot", async () => {
    const dash = await subscribed();
    const frameSizes: number[] = [];
    dash.on("frame", (f) => frameSizes.push(JSON.stringify(f).length));
    await until(() => frameSizes.length >= 3, 5000, "frames");
    const biggest = () => Math.max(...frameSizes, 0);
    reading(dash, false);
    let maxQueued = 0;
    await until(
      () => {
        const b = backlogOf(dash);
        maxQueued = Math.max(maxQueued, b?.queuedBytes ?? 0);
        return b?.lagging === true;
      },
      15_000,
      "the collector to stop sending frames",
    );
    // While it is behind, what it holds stops growing: nothing more is queued for it.
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100));
      maxQueued = Math.max(maxQueued, backlogOf(dash)?.queuedBytes ?? 0);
    }
    expect(maxQueued).toBeLessThanOrEqual(LIMITS.sendBufferBytes + 2 * biggest());
    const after: string[] = [];
    dash.on("frame", () => after.push("frame"));
    dash.on("snapshot", () => after.push("snapshot"));
    reading(dash, true);
    await until(() => after.includes("snapshot") && after.lastIndexOf("frame") > after.indexOf("snapshot"), 10_000, "a snapshot, then frames again");
    expect(backlogOf(dash)?.lagging).toBe(false);
    dash.close();
  });

  it("K3 a dashboard that stays stuck is disconnected, and what it held is released", async () => {
    const dash = await subscribed();
    const id = dash.id;
    reading(dash, false);
    await until(() => backlogOf(dash)?.lagging === true, 15_000, "lagging");
    await until(() => t.collector.dashboards().every((d) => d.id !== id), LIMITS.stuckDisconnectMs + 5000, "the collector to drop the stuck dashboard");
    const gone = closed(dash, 5000);
    reading(dash, true); // lets the client see its connection is gone
    await gone;
  });

  it("K4 a dashboard that leaves leaves nothing behind", async () => {
    const before = t.collector.dashboards().length;
    const dash = await subscribed();
    expect(t.collector.dashboards()).toHaveLength(before + 1);
    dash.close();
    await until(() => t.collector.dashboards().length === before, 5000, "dashboard gone");
  });
});
