// The live visibility curve as dashboards get it: from agents' traced issue and inclusion
// times, in frames once a second and in snapshots, with the asynchronous model beside it.
import { DEFAULT_CLUSTER_CONFIG, FrameSchema, SnapshotSchema, type Frame } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../../test/harness.js";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";

function cluster() {
  const c = new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder: null, metrics: new CollectorMetrics() });
  c.hello(helloMsg("a", ["r1", "r2", "r3"]), "http", null, 0);
  let seq = 0;
  const report = (t: number, replicas: Parameters<typeof reportMsg>[2]) => expect(c.report(reportMsg("a", ++seq, replicas, { timeMs: t }), "http", t).ok).toBe(true);
  report(100, ["r1", "r2", "r3"].map((id) => replicaReport(id, 0, [], { full: true })));
  return { c, report };
}

/** r1 issues one traced update at `at`; r2 includes it 50 ms later, r3 250 ms later (it converges then). */
function spread(report: ReturnType<typeof cluster>["report"], at: number, seq: number) {
  report(at, [replicaReport("r1", seq, [["r1", seq]], { issued: [[seq, at]] })]);
  report(at + 100, [replicaReport("r2", 0, [["r1", seq]], { included: [["r1" as never, seq, at + 50]] })]);
  report(at + 300, [replicaReport("r3", 0, [["r1", seq]], { included: [["r1" as never, seq, at + 250]] })]);
}

describe("the live visibility curve in frames and snapshots", () => {
  it("CL-V2: frames carry the curve once a second — 1/3 at once, 2/3 from 50 ms, all from 250 ms (t50 53.8 ms, t90 = t99 = 256 ms) — and the model's curve beside it", () => {
    const { c, report } = cluster();
    spread(report, 1_000, 1);
    spread(report, 1_500, 2);
    const frames: Frame[] = [];
    for (let t = 2_000; t <= 5_000; t += 100) {
      report(t, ["r1", "r2", "r3"].map((id) => replicaReport(id, id === "r1" ? 2 : 0, [["r1", 2]]))); // alive, nothing new
      frames.push(c.tick(t));
    }
    const carrying = frames.filter((f) => f.visibility !== undefined);
    expect(carrying.map((f) => f.timeMs)).toEqual([2_000, 3_000, 4_000, 5_000]); // once a second
    for (const f of carrying) expect(FrameSchema.safeParse(f).success).toBe(true);
    const v = carrying.at(-1)!.visibility!;
    expect(v.updates).toBe(2);
    expect(v.windowMs).toBe(60_000);
    const at = (age: number) => v.points.find(([a]) => a === age)?.[1];
    expect(at(1)).toBe(0.3333);
    expect(at(53.82)).toBe(0.6667);
    expect(at(256)).toBe(1);
    expect([v.t50Ms, v.t90Ms, v.t99Ms]).toEqual([53.82, 256, 256]);
    // The asynchronous model for 3 live replicas under the config in force: rising from 1/3 to ~1.
    const model = v.model!;
    expect(model.points[0]![1]).toBeCloseTo(1 / 3, 1);
    expect(model.points.at(-1)![1]).toBeGreaterThanOrEqual(0.9999);
    expect(model.t50Ms).toBeLessThan(model.t90Ms);
    expect(model.t90Ms).toBeLessThan(model.t99Ms);
    // Updates younger than an age (plus the 1 s report lag) are not counted there: at 2 s none
    // (both younger than 1 s of lag); at 3 s only the first one, up to 500 ms of age.
    expect(carrying[0]!.visibility!.updates).toBe(0);
    const early = carrying[1]!.visibility!;
    expect(early.updates).toBe(1);
    expect(early.points.at(-1)![0]).toBeLessThanOrEqual(500);
    expect(early.t99Ms).toBe(256);
  });

  it("CL-V2: the snapshot carries the curve now; a gossip change starts it afresh (the new config's updates only)", () => {
    const { c, report } = cluster();
    spread(report, 1_000, 1);
    c.tick(3_000);
    const snap = c.snapshot(3_000);
    expect(SnapshotSchema.safeParse(snap).success).toBe(true);
    expect(snap.visibility?.t90Ms).toBe(256);
    expect(c.changeConfig({ gossip: { intervalMs: 200 } }, 3_100, "test").ok).toBe(true);
    const after = c.snapshot(6_000).visibility!;
    expect(after.updates).toBe(0);
    expect(after.points).toEqual([]);
    expect(after.t50Ms).toBeNull();
    // The model follows the config: a shorter interval spreads sooner.
    expect(after.model!.t90Ms).toBeLessThan(snap.visibility!.model!.t90Ms);
  });
});
