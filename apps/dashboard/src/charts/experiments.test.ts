import type { ExperimentPlan } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { testPoint } from "../testPoints.js";
import { buildChartSvg } from "../viz/chartSvg.js";
import { parseReferenceCsv } from "../viz/referencePoints.js";
import {
  convergenceVsCost,
  convergenceVsCostCsv,
  convergenceVsInterval,
  convergenceVsIntervalCsv,
  costVsInterval,
  costVsIntervalCsv,
  experimentCaption,
  planCaption,
  xyToSvgSpec,
  type ChartExperiment,
} from "./experiments.js";

const plan: ExperimentPlan = {
  name: "sync period vs cost",
  engine: "simulated",
  cluster: { replicas: 5, crdtType: "gcounter" },
  fixed: { updatesPerSecPerReplica: 10, fanout: 4, mode: "push", payload: "full", latencyMs: 2 },
  sweep: { intervalMs: [10, 100, 1000] },
  warmupMs: 5000,
  measure: { durationMs: 60_000 },
  repetitions: 1,
  seed: 1,
};
const exp: ChartExperiment = { id: "exp-1", plan, results: [10, 100, 1000].map((ms, i) => testPoint(i, { intervalMs: ms })) };
const marksOf = (chart: ReturnType<typeof convergenceVsInterval>, panel = 0) => chart.panels[panel]!.layers.flatMap((l) => (l.kind === "marks" ? l.marks : []));

describe("convergence vs interval", () => {
  const chart = convergenceVsInterval([exp], []);
  it("has log axes with units, one p50 mark per point and a p50–p95 band", () => {
    expect(chart.x.log && chart.panels[0]!.y.log).toBe(true);
    expect(chart.x.label).toMatch(/Sync interval \(ms, log scale\)/);
    expect(marksOf(chart)).toHaveLength(3);
    const band = chart.panels[0]!.layers.find((l) => l.kind === "band");
    expect(band).toMatchObject({ xs: [10, 100, 1000], lo: [5, 50, 500], hi: [10, 100, 1000] });
    expect(chart.legend.map((l) => l.label)).toEqual([
      "10 upd/s: p50",
      "10 upd/s: p50–p95 band",
      "expected (asynchronous model)",
      "E·T (synchronous rounds)",
      "convergence = update period (1 / updates/s per replica)",
    ]);
  });
  it("draws the asynchronous model's expected time and E·T as references, in the series' colours when they differ", () => {
    const lines = chart.panels[0]!.layers.filter((l) => l.kind === "line");
    expect(lines.map((l) => (l.kind === "line" ? Array.from(l.points.ys as number[]) : []))).toContainEqual([8, 80, 800]); // expected = 0.8 T here
    const two = convergenceVsInterval([exp, { ...exp, id: "exp-2", results: exp.results.map((p) => ({ ...p, config: { ...p.config, fanout: 1 }, theory: { ...p.theory, syncExpectedMs: p.theory.syncExpectedMs! * 2 } })) }], []);
    const sync = two.legend.filter((l) => l.label.startsWith("E·T"));
    expect(sync.map((l) => l.label)).toEqual(["E·T (synchronous rounds), exp-1: 10 upd/s", "E·T (synchronous rounds), exp-2: 10 upd/s"]);
    expect(sync[0]!.colour).not.toBe(sync[1]!.colour);
  });
  it("draws the update period (100 ms at 10 updates/s) across the plot, with which side is which", () => {
    const period = chart.panels[0]!.layers.find((l) => l.kind === "line" && l.points.ys[0] === 100 && l.points.ys[1] === 100);
    expect(period).toBeDefined();
    const texts = chart.panels[0]!.layers.flatMap((l) => (l.kind === "texts" ? l.items.map((t) => t.text) : []));
    expect(texts).toEqual(["update period at 10 upd/s: 100 ms", "under-synchronised ↑", "over-synchronised ↓"]);
  });
  it("a compared experiment draws squares and dashed lines, its legend prefixed with its id", () => {
    const two = convergenceVsInterval([exp, { ...exp, id: "exp-2" }], []);
    const shapes = two.panels[0]!.layers.flatMap((l) => (l.kind === "marks" ? [l.shape] : []));
    expect(shapes).toEqual(["dot", "square"]);
    expect(two.legend.some((l) => l.label.startsWith("exp-2: "))).toBe(true);
  });
  it("reference points from a CSV are hollow squares beside the measured ones", () => {
    const refs = [parseReferenceCsv("thesis.csv", "interval_ms,mean_ms\n100,180\n1000,1540\n")];
    const c = convergenceVsInterval([exp], refs);
    const ref = c.panels[0]!.layers.find((l) => l.kind === "marks" && l.shape === "square");
    expect(ref).toMatchObject({ marks: [{ x: 100, y: 180, hollow: true }, { x: 1000, y: 1540, hollow: true }] });
    expect(c.legend.some((l) => l.label === "reference: thesis.csv (mean)")).toBe(true);
  });
  it("its CSV has one row per point", () => {
    const lines = convergenceVsIntervalCsv([exp], []).trim().split("\r\n");
    expect(lines[0]).toBe("experiment,index,repetition,interval_ms,updates_per_sec_per_replica,fanout,mode,payload,loss_rate,latency_ms,p50_ms,p95_ms,p50_lower_bound,p95_lower_bound,sync_expected_ms,update_period_ms");
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines[1]).toBe("exp-1,0,0,10,10,4,push,full,0,2,5,10,false,false,19,100");
  });
  it("exports as an SVG with axes, units, legend and the plan in its caption", () => {
    const svg = buildChartSvg(xyToSvgSpec(chart, { title: "Convergence vs sync interval", caption: experimentCaption([exp], ["band: p50 to p95"], new Date(0)) }));
    for (const t of ["Sync interval (ms, log scale)", "Convergence time (log scale)", "10 upd/s: p50", "100 ms", "1 s"]) expect(svg).toContain(`>${t}</text>`);
    expect(svg).toContain("swept intervalMs 10/100/1000");
  });
});

describe("cost vs interval", () => {
  it("two panels, bytes/s and messages/s per replica, one mark per point each", () => {
    const chart = costVsInterval([exp], []);
    expect(chart.panels.map((p) => p.y.label)).toEqual(["Bytes/s per replica (log)", "Messages/s per replica (log)"]);
    expect(marksOf(chart, 0).map((m) => m.y)).toEqual([27_000, 2700, 270]);
    expect(marksOf(chart, 1).map((m) => m.y)).toEqual([400, 40, 4]);
    expect(costVsIntervalCsv([exp], []).trim().split("\r\n")).toHaveLength(4);
  });
});

describe("convergence vs cost", () => {
  it("labels every point with its config, draws the Pareto front and rings the recommended point", () => {
    const chart = convergenceVsCost([exp], [{ experimentId: "exp-1", index: 2 }]);
    const layers = chart.panels[0]!.layers;
    const marks = layers.filter((l) => l.kind === "marks");
    expect(marks[0]).toMatchObject({ shape: "ring", group: "recommended", marks: [{ x: 270, y: 1000, label: "recommended: 1 s" }] });
    expect(marks[1]!.kind === "marks" && marks[1]!.marks.map((m) => m.label)).toEqual(["10 ms", "100 ms", undefined]);
    const front = layers.find((l) => l.kind === "line");
    expect(front?.kind === "line" && Array.from(front.points.xs as number[])).toEqual([270, 2700, 27_000]);
    expect(chart.legend.map((l) => l.label)).toEqual(["10 upd/s", "Pareto front (per update rate)", "recommended"]);
    const csv = convergenceVsCostCsv([exp], [{ experimentId: "exp-1", index: 2 }], "p95").trim().split("\r\n");
    expect(csv[0]!.endsWith("bytes_per_sec_per_replica,p50_ms,p95_ms,pareto_front_p95,recommended,label")).toBe(true);
    expect(csv[3]!.endsWith(",true,true,1 s")).toBe(true);
  });
  it("a point whose figure is only a lower bound is hollow", () => {
    const e = { ...exp, results: [testPoint(0, { intervalMs: 10 }, { p95AtLeast: true })] };
    const marks = convergenceVsCost([e], []).panels[0]!.layers.flatMap((l) => (l.kind === "marks" ? l.marks : []));
    expect(marks[0]?.hollow).toBe(true);
  });
});

describe("plan caption", () => {
  it("says what was swept and fixed, on which cluster, how long each point ran", () => {
    expect(planCaption(exp)).toBe(
      "exp-1 “sync period vs cost”: simulated, 5 × gcounter; swept intervalMs 10/100/1000; fixed updatesPerSecPerReplica 10, fanout 4, mode push, payload full, latencyMs 2; warm-up 5 s, measured 1 min per point; 1 repetition from seed 1.",
    );
  });
});

describe("legend tooltips", () => {
  it("every legend entry of the three charts says what it is, its window, unit and docs section", () => {
    const refs = [parseReferenceCsv("thesis.csv", "interval_ms,mean_ms,bytes_per_sec\n100,90,500\n")];
    const entries = [...convergenceVsInterval([exp], refs).legend, ...costVsInterval([exp], refs).legend, ...convergenceVsCost([exp], [{ experimentId: "exp-1", index: 2 }]).legend];
    expect(entries.length).toBeGreaterThan(8);
    for (const e of entries) expect(e.title, e.label).toMatch(/^.+\nWindow: .+\nUnit: .+\nMore: docs\/\S+\.md#\S+$/);
    // Lines that mean different things do not share one explanation.
    const byLabel = new Map(entries.map((e) => [e.label, e.title]));
    expect(byLabel.get("expected (asynchronous model)")).not.toBe(byLabel.get("E·T (synchronous rounds)"));
  });
});
