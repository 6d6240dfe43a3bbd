import { parsePlan } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { defaultDraft, draftToPlan, estimatePlan, fieldOfIssue, issuesByField, parseNumber, splitValues, type PlanDraft } from "./planDraft.js";

const draft = (edit: (d: PlanDraft) => void = () => {}): PlanDraft => {
  const d = defaultDraft();
  edit(d);
  return d;
};

describe("plan form", () => {
  it("the default form is a valid simulated plan: 5 replicas, intervals 10, 100, 1000 ms", () => {
    const { plan, issues } = draftToPlan(defaultDraft());
    expect(issues).toEqual([]);
    const parsed = parsePlan(plan);
    expect(parsed.ok).toBe(true);
    expect(plan).toMatchObject({ engine: "simulated", cluster: { replicas: 5, crdtType: "gcounter" }, sweep: { intervalMs: [10, 100, 1000] }, warmupMs: 5000, measure: { durationMs: 60_000 } });
  });

  it("a setting left to the cluster config is not in the plan; fixed ones are, in the plan's units", () => {
    const { plan } = draftToPlan(
      draft((d) => {
        d.settings.lossRate = { use: "fixed", value: "5", values: "" };
        d.settings.jitterMs = { use: "cluster", value: "3", values: "" };
      }),
    );
    expect(plan.fixed).toEqual({ updatesPerSecPerReplica: 10, fanout: 4, mode: "push", payload: "full", lossRate: 0.05, latencyMs: 2 });
  });

  it("sweeps lists of numbers and of choices, and the interval as a log range", () => {
    const { plan } = draftToPlan(
      draft((d) => {
        d.settings.updatesPerSecPerReplica = { use: "swept", value: "", values: "0.1; 10" };
        d.settings.mode = { use: "swept", value: "", values: "push, push-pull" };
        d.intervalAs = "range";
        d.intervalRange = { from: "10", to: "10000", points: "4" };
      }),
    );
    expect(plan.sweep).toEqual({ intervalMs: { from: 10, to: 10000, points: 4 }, updatesPerSecPerReplica: [0.1, 10], mode: ["push", "push-pull"] });
  });

  it("the stop rule by converged updates is in counts, a share and ms", () => {
    const { plan } = draftToPlan(
      draft((d) => {
        d.stop = "converged";
        d.minConverged = "200";
        d.halfWidthPct = "10";
        d.capS = "120";
      }),
    );
    expect(plan.measure).toEqual({ minConverged: 200, maxRelativeHalfWidth: 0.1, capMs: 120_000 });
  });

  it("a box that holds no number is named, with its reason, before anything is sent", () => {
    const { issues } = draftToPlan(
      draft((d) => {
        d.replicas = "five";
        d.settings.intervalMs.values = "10, x";
      }),
    );
    expect(issues).toEqual([
      { path: "sweep.intervalMs[1]", reason: '"x" is not a number' },
      { path: "cluster.replicas", reason: '"five" is not a number' },
    ]);
  });

  it("reads lists and decimal commas as a person types them", () => {
    expect(splitValues(" 10, 100  1000;")).toEqual(["10", "100", "1000"]);
    expect(parseNumber("1,5")).toBe(1.5);
    expect(parseNumber("")).toBeNaN();
  });
});

describe("duration estimate", () => {
  it("is points × (warm-up + duration), in simulated time for a simulated plan", () => {
    const e = estimatePlan(defaultDraft());
    expect(e).toEqual({ ok: true, estimate: { points: 3, perPointMs: 65_000, totalMs: 195_000, atMost: false, clock: "simulated" } });
  });

  it("counts every combination and repetition, and uses the cap (at most) for a converged-updates stop rule", () => {
    const e = estimatePlan(
      draft((d) => {
        d.settings.updatesPerSecPerReplica = { use: "swept", value: "", values: "1, 10" };
        d.repetitions = "2";
        d.stop = "converged";
        d.capS = "30";
        d.minConverged = "50";
        d.engine = "live";
      }),
    );
    expect(e).toEqual({ ok: true, estimate: { points: 12, perPointMs: 35_000, totalMs: 420_000, atMost: true, clock: "real" } });
  });

  it("says why there is no estimate: the same checks as the API", () => {
    expect(estimatePlan(draft((d) => (d.settings.intervalMs.use = "fixed")))).toMatchObject({ ok: false, issue: { path: "sweep" } });
    expect(estimatePlan(draft((d) => (d.replicas = "1")))).toMatchObject({ ok: false, issue: { path: "cluster.replicas" } });
  });
});

describe("issues next to their fields", () => {
  it("an API issue's path names the form field it belongs to", () => {
    expect(fieldOfIssue("sweep.intervalMs[2]")).toBe("sweep.intervalMs");
    expect(fieldOfIssue("sweep.intervalMs.to")).toBe("sweep.intervalMs");
    expect(fieldOfIssue("fixed.fanout")).toBe("fixed.fanout");
    expect(fieldOfIssue("cluster.replicas")).toBe("cluster.replicas");
    expect(fieldOfIssue("measure.capMs")).toBe("measure.capMs");
    expect(fieldOfIssue("engine")).toBe("engine");
    expect(fieldOfIssue("sweep")).toBe("sweep");
    expect(fieldOfIssue("")).toBe("plan");
  });

  it("groups them, keeping the exact element in the text", () => {
    expect(
      issuesByField([
        { path: "sweep.intervalMs[2]", reason: "must be at most 60000" },
        { path: "engine", reason: "the live engine is not available" },
      ]),
    ).toEqual({ "sweep.intervalMs": ["sweep.intervalMs[2]: must be at most 60000"], engine: ["the live engine is not available"] });
  });
});
