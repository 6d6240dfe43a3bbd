// Backpressure to dashboards (issue 14): snapshot requests are coalesced, a dashboard that
// stops reading holds at most its send-buffer bound and gets no frames until it has read
// everything (then one snapshot), one that stays stuck is disconnected, and what a
// dashboard held is released when it leaves.
import type { ErrorMessage } from "@driftscope/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { collect, connected, dashboardClient, flushAgent, handshake, next, replicaReport, reportMsg, startCollector, until, type DashboardClient, type TestCollector } from "../test/harness.js";
import { closed, eventPacket, expectHarmless, rawPacket } from "../test/hostileProbe.js";

const LIMITS = { sendBufferBytes: 256 * 1024, snapshotEveryMs: 1000, stuckDisconnectMs: 2500 };
let t: TestCollector;

/** A collector with a cluster of `replicas` (large frames fill a stalled client's buffers fast). */
async function withCluster(replicas: number, frameHz = 20): Promise<TestCollector> {
  const c = await startCollector({ frameHz, dashboardLimits: LIMITS });
  const ids = Array.from({ length: replicas }, (_, i) => `replica-with-a-long-name-${i}`);
  const { agent } = await handshake(c.url, "big", ids);
  agent.emit("report", reportMsg("big", 1, ids.map((id) => replicaReport(id, 1, [[id, 1]], { full: true }))));
  await flushAgent(agent);
  return c;
}


async function subscribed(c: TestCollector = t): Promise<DashboardClient> {
  const dash = dashboardClient(c.url);
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

describe("snapshot floods", () => {
  // 1,024 replicas, a snapshot of about 1 MB, as in the report; at 2,048 one frame alone takes
  // about 100 ms of CPU on a loaded 2-core machine, which would not be the flood's doing.
  it("K1 5,000 snapshot requests in 5 s get a snapshot a second at most", async () => {
    const c = await withCluster(1024, 10);
    const dash = await subscribed(c);
    let snapshots = 0;
    dash.on("snapshot", () => snapshots++);
    const errors = collect<ErrorMessage>(dash, "error");
    const packet = eventPacket("request-snapshot", '{"type":"request-snapshot"}', "/dashboards");
    const startedMs = Date.now();
    await expectHarmless(c.collector.core, async () => {
      for (let burst = 0; burst < 10; burst++) {
        for (let i = 0; i < 500; i++) rawPacket(dash, packet);
        await new Promise((r) => setTimeout(r, 500));
      }
      await new Promise((r) => setTimeout(r, 1100));
    });
    const seconds = (Date.now() - startedMs) / 1000;
    expect(snapshots).toBeGreaterThanOrEqual(1);
    expect(snapshots).toBeLessThanOrEqual(Math.ceil(seconds) + 1);
    expect(errors.map((e) => e.code)).toContain("RATE_LIMITED");
    dash.close();
    await c.stop();
  });

});

// One collector of 2,048 replicas (frames of ~90 KB fill a stalled client's buffers fast).
describe("dashboards that stop reading", () => {
  beforeAll(async () => {
    t = await withCluster(2048);
  });
  afterAll(async () => {
    await t.stop();
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
