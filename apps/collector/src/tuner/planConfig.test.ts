import { describe, expect, it } from "vitest";
import { modelP95Ms, planConfig, type PlanInput } from "./planConfig.js";

const cluster = { n: 64, mode: "push-pull" as const, network: { latencyMs: 5, jitterMs: 2, lossRate: 0 } };
const input = (extra: Partial<PlanInput> = {}): PlanInput => ({
  cluster,
  aimMs: 450,
  gain: 1,
  intervalMs: { min: 20, max: 5_000 },
  fanout: { min: 1, max: 4 },
  bytesAt: (fanout, intervalMs) => (300_000 * fanout) / intervalMs,
  ...extra,
});

describe("planConfig", () => {
  it("picks the longest interval the model says meets the aim, at the fanout with the fewest messages per second", () => {
    const plan = planConfig(input());
    expect(plan.reach).toBe("met");
    expect(modelP95Ms(cluster, plan.intervalMs, plan.fanout)).toBeLessThanOrEqual(450);
    expect(modelP95Ms(cluster, plan.intervalMs * 1.02, plan.fanout)).toBeGreaterThan(450);
    for (const f of [1, 2, 3, 4]) {
      const other = planConfig(input({ fanout: { min: f, max: f } }));
      expect(plan.fanout / plan.intervalMs).toBeLessThanOrEqual(other.fanout / other.intervalMs);
    }
  });

  it("a measured gain above 1 (the runtime slower than the model) shortens the interval in proportion", () => {
    const base = planConfig(input({ fanout: { min: 1, max: 1 } }));
    const slower = planConfig(input({ fanout: { min: 1, max: 1 }, gain: 1.2 }));
    expect(slower.intervalMs / base.intervalMs).toBeGreaterThan(0.78);
    expect(slower.intervalMs / base.intervalMs).toBeLessThan(0.88);
    expect(slower.predictedP95Ms).toBeLessThanOrEqual(450);
  });

  it("out of range: the range's fastest config, said to be stopped by the range", () => {
    const plan = planConfig(input({ intervalMs: { min: 300, max: 5_000 }, fanout: { min: 1, max: 2 } }));
    expect(plan).toMatchObject({ reach: "range", intervalMs: 300, fanout: 2 });
  });

  it("over the byte budget: the best p95 the budget affords, said to be stopped by the budget", () => {
    const plan = planConfig(input({ maxBytesPerSecPerReplica: 2_000 }));
    expect(plan.reach).toBe("budget");
    expect(plan.predictedBytesPerSec).toBeLessThanOrEqual(2_000);
    expect(plan.predictedBytesPerSec).toBeGreaterThan(1_900);
    expect(plan.predictedP95Ms).toBeGreaterThan(450);
  });

  it("when nothing fits the budget, the cheapest config of the range", () => {
    expect(planConfig(input({ maxBytesPerSecPerReplica: 1 }))).toMatchObject({ reach: "budget", intervalMs: 5_000, fanout: 1 });
  });
});
