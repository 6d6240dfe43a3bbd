// Overload, without depending on the machine's speed: a virtual-time gossip cluster reports
// every 50 ms, and the collector may fold one report per connection every 100 ms (the test
// takes the event loop's place in the ReportQueue) — twice what it can take, for 10 s. Reports
// that wait coalesce; frames are built every 100 ms from the latest state.
// eslint-disable-next-line driftscope/import-arrows -- ground truth: a real gossip cluster in virtual time, whose inclusion times the engine must reproduce
import { Cluster } from "@driftscope/gossip";
import type { Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { MetricsEngine } from "../metrics/MetricsEngine.js";
import { missingOf, missingTruth, SimAgent, TICK_MS, Truth } from "../metrics/truthHarness.js";
import { IngestLoad } from "./IngestLoad.js";
import { ReportQueue } from "./ReportQueue.js";

const FOLD_EVERY_MS = 2 * TICK_MS;
const FRAME_EVERY_MS = 100;

describe("overload: reports offered at twice what the collector folds", () => {
  it("CL-O1: for 10 s reports coalesce, frames go on from the latest state with bounded delay, the collector says it sheds and asks agents to slow; convergence times stay exact and missing counts exact once it keeps up", async () => {
    const cluster = new Cluster({
      type: "gcounter",
      replicas: Array.from({ length: 12 }, (_, i) => `r${i}`),
      seed: 21,
      time: "virtual",
      config: { intervalMs: 120, fanout: 2, mode: "push-pull", payload: "delta" },
      workload: { updatesPerSecPerReplica: 3 },
    });
    const engine = new MetricsEngine({ defaultReportIntervalMs: TICK_MS });
    const truth = new Truth();
    const agent = new SimAgent(engine, cluster, "sim", truth, true);
    agent.hello(0);

    let t = 0;
    const load = new IngestLoad(0);
    let drain: (() => void) | undefined;
    const queue = new ReportQueue(load, () => t, 0, (run) => (drain = run));
    let seq = 0;
    /** Time of the newest report folded in: how far behind the frames are. */
    let foldedUpToMs = 0;
    const fold = (report: Report) => {
      engine.ingestReport("sim", report.timeMs, report.replicas, t);
      foldedUpToMs = report.timeMs;
    };
    const samples = new Map<string, number>();
    const frameDelays: number[] = [];
    const slowdowns: number[] = [];
    let frames = 0;

    const step = (floodUntilMs: number, untilMs: number, share: number) => {
      for (; t <= untilMs; t += TICK_MS) {
        // The flood: a report every 50 ms; after it, every 100 ms (what the collector folds).
        if (t <= floodUntilMs || t % FOLD_EVERY_MS === 0) {
          const replicas = agent.nextReport(t)!;
          queue.push("sim-connection", { type: "report", agentId: "sim" as Report["agentId"], seq: ++seq, timeMs: t, replicas }, fold);
        } else {
          cluster.runUntil(t);
        }
        if (t % FOLD_EVERY_MS === 0 && drain !== undefined) {
          const run = drain;
          drain = undefined;
          run(); // one report (merged or not) per slice: sliceMs 0
        }
        if (t % FRAME_EVERY_MS === 0) {
          const frame = engine.frame(t);
          frames++;
          frameDelays.push(t - foldedUpToMs);
          for (const s of frame.samples) samples.set(`${s.origin}:${s.seq}`, s.convergenceMs);
        }
        const changed = load.evaluate(t, share);
        if (changed !== undefined) slowdowns.push(changed);
      }
    };

    step(10_000, 10_000, 1);
    const during = load.figures(t);
    const coalesced = load.coalescedReportsTotal;
    // Every report in the flood but the first waited behind another: about half were merged away.
    expect(coalesced).toBeGreaterThan(90);
    expect(during.shedding).toBe(true);
    expect(during.coalescedReports).toBeGreaterThan(0);
    // This agent does not follow, so overload goes on: every 3 s it was asked to report 2, 4, then 8× slower.
    expect(slowdowns).toEqual([2, 4, 8]);
    expect(load.droppedTimesTotal).toBe(0); // nothing exceeded the bound: every time was kept
    expect(frames).toBe(101); // a frame every 100 ms throughout
    expect(Math.max(...frameDelays)).toBeLessThanOrEqual(FOLD_EVERY_MS); // never behind more than one fold, however long the flood

    // The flood ends; the workload stops so that everything converges; the collector keeps up.
    cluster.setWorkload({ updatesPerSecPerReplica: 0 });
    step(10_000, 16_000, 0.1);
    expect(load.coalescedReportsTotal).toBe(coalesced); // keeping up: nothing more merged
    expect(slowdowns.at(-1)).toBe(4); // and agents are asked for a shorter interval again, a step per 5 calm seconds
    const frame = engine.frame(t);
    expect(missingOf(frame), "missing updates after the flood").toEqual(missingTruth([agent]));
    expect(frame.kpis).toMatchObject({ distinctStates: 1, convergedShare: 1, missingUpdatesTotal: 0, inFlight: 0 });
    for (const s of frame.samples) samples.set(`${s.origin}:${s.seq}`, s.convergenceMs);
    const exact = truth.convergence(cluster.ids());
    expect(exact.size).toBeGreaterThan(200);
    expect(samples.size).toBe(exact.size);
    for (const [dot, ms] of exact) expect(samples.get(dot), dot).toBeCloseTo(ms, 6);
    await cluster.close();
  });
});
