import { describe, expect, it } from "vitest";
import { logRange, MAX_PLAN_POINTS, parsePlan, planPoints, pointDurationMs, type ExperimentPlan } from "./experiments.js";

const good = {
  name: "interval sweep",
  engine: "simulated",
  cluster: { replicas: 5, crdtType: "gcounter" },
  fixed: { fanout: 4, mode: "push", payload: "full", updatesPerSecPerReplica: 1 },
  sweep: { intervalMs: [10, 100, 1000] },
  warmupMs: 2000,
  measure: { durationMs: 20_000 },
  repetitions: 2,
  seed: 7,
};

const with_ = (patch: Record<string, unknown>) => ({ ...good, ...patch });
const plan = (input: unknown): ExperimentPlan => {
  const r = parsePlan(input);
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe("experiment plans", () => {
  it("P-X1: a good plan parses with its defaults, and its points are the product of the sweep times the repetitions, each with its seed", () => {
    const p = plan(with_({ sweep: { intervalMs: [10, 100], fanout: [1, 2, 4] }, fixed: { mode: "push" } }));
    const points = planPoints(p);
    expect(points).toHaveLength(2 * 3 * 2);
    expect(points.slice(0, 4).map((x) => [x.values, x.repetition, x.seed])).toEqual([
      [{ intervalMs: 10, fanout: 1 }, 0, 7],
      [{ intervalMs: 10, fanout: 1 }, 1, 8],
      [{ intervalMs: 10, fanout: 2 }, 0, 7],
      [{ intervalMs: 10, fanout: 2 }, 1, 8],
    ]);
    expect(plan({ ...good, repetitions: undefined, seed: undefined, fixed: undefined })).toMatchObject({ repetitions: 1, seed: 1, fixed: {} });
  });

  it("P-X2: an interval given as a log range spans it, integer milliseconds, both ends included", () => {
    expect(logRange({ from: 10, to: 10_000, points: 7 }, true)).toEqual([10, 32, 100, 316, 1000, 3162, 10000]);
    const p = plan(with_({ sweep: { intervalMs: { from: 10, to: 10_000, points: 4 } } }));
    expect(planPoints(p).filter((x) => x.repetition === 0).map((x) => x.values.intervalMs)).toEqual([10, 100, 1000, 10000]);
  });

  it("P-X3: a point lasts its warm-up plus its measurement (or its cap)", () => {
    expect(pointDurationMs(plan(good))).toBe(22_000);
    expect(pointDurationMs(plan(with_({ measure: { minConverged: 50, maxRelativeHalfWidth: 0.1, capMs: 60_000 } })))).toBe(62_000);
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ["not an object", 42, "", /expected object/],
    ["no name", with_({ name: "" }), "name", /name must not be empty/],
    ["unknown engine", with_({ engine: "quantum" }), "engine", /"live" or "simulated"/],
    ["nothing swept", with_({ sweep: {} }), "sweep", /nothing varies/],
    ["an empty list", with_({ sweep: { intervalMs: [] } }), "sweep.intervalMs", /at least one value/],
    ["an interval below 10 ms", with_({ sweep: { intervalMs: [5] } }), "sweep.intervalMs[0]", />= 10|at least 10|too small/],
    ["a log range going down", with_({ sweep: { intervalMs: { from: 1000, to: 10, points: 3 } } }), "sweep.intervalMs.to", /to must be greater than from/],
    ["a log range of one point", with_({ sweep: { intervalMs: { from: 10, to: 100, points: 1 } } }), "sweep.intervalMs.points", />= 2/],
    ["a loss rate of 1", with_({ sweep: { lossRate: [0, 1] } }), "sweep.lossRate[1]", /never converges/],
    ["a negative update rate", with_({ sweep: { updatesPerSecPerReplica: [-1] } }), "sweep.updatesPerSecPerReplica[0]", /positive|> 0|too small/],
    ["an unknown mode", with_({ sweep: { mode: ["broadcast"] } }), "sweep.mode[0]", /"push"/],
    ["an unknown setting", with_({ sweep: { colour: ["red"] } }), "sweep.colour", /unknown field/],
    ["a setting both swept and fixed", with_({ fixed: { intervalMs: 100 } }), "fixed.intervalMs", /swept; it cannot also be fixed/],
    ["more than 500 points", with_({ sweep: { intervalMs: Array.from({ length: 30 }, (_, i) => 10 + i), fanout: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, fixed: {}, repetitions: 2 }), "sweep", new RegExp(`540 points .* at most ${MAX_PLAN_POINTS}`)],
    ["a simulated plan without a cluster", with_({ cluster: undefined }), "cluster", /says how many replicas/],
    ["too many replicas", with_({ cluster: { replicas: 5000, crdtType: "gcounter" } }), "cluster.replicas", /1024|too big|<=/],
    ["a measurement shorter than a second", with_({ measure: { durationMs: 10 } }), "measure.durationMs", />= 1000/],
    ["a stop rule that cannot be met before its cap", with_({ sweep: { updatesPerSecPerReplica: [0.01, 1], intervalMs: undefined }, fixed: {}, measure: { minConverged: 200, maxRelativeHalfWidth: 0.1, capMs: 120_000 } }), "measure.capMs", /200 converged updates take about 4000 s, longer than the cap \(120 s\)/],
    ["no repetitions", with_({ repetitions: 0 }), "repetitions", />= 1|at least 1|too small/],
  ];
  it.each(bad)("P-X4: refuses %s, naming the field and the reason", (_name, input, path, reason) => {
    const r = parsePlan(input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("VALIDATION");
    const issue = r.error.issues?.find((i) => i.path === path);
    expect(issue, JSON.stringify(r.error.issues)).toBeDefined();
    expect(issue!.reason).toMatch(reason);
    expect(r.error.message).toMatch(/^invalid experiment plan: /);
  });
});
