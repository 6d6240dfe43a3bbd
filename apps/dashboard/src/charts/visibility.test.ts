import { DEFAULT_CLUSTER_CONFIG, VisibilitySchema, type Visibility } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { buildChartSvg } from "../viz/chartSvg.js";
import { xyToSvgSpec } from "./experiments.js";
import { visibilityCaption, visibilityChart, visibilityCsv, visibilityDomain, visibilityReadout } from "./visibility.js";

/** 4 live replicas: 1/4 at once, half by 64 ms, all by 512 ms; the model a little faster. */
const v: Visibility = VisibilitySchema.parse({
  windowMs: 60_000,
  lagMs: 1_000,
  updates: 40,
  points: [
    [1, 0.25, 40],
    [16, 0.25, 40],
    [64, 0.5, 40],
    [128, 0.75, 39],
    [256, 0.95, 38],
    [512, 1, 37],
    [8192, 1, 20],
  ],
  t50Ms: 64,
  t90Ms: 256,
  t99Ms: 512,
  model: { points: [[1, 0.25], [16, 0.3], [64, 0.6], [128, 0.9], [256, 0.9999]], t50Ms: 50, t90Ms: 128, t99Ms: 200 },
});

describe("the visibility chart", () => {
  it("spans from before the curves rise to after both reach 100 %, on a log axis of ages, y in % of live replicas", () => {
    expect(visibilityDomain(v)).toEqual([1, 1024]); // rises at 16 ms (model) → from 1 ms; full at 512 ms (measured) → ×2
    const c = visibilityChart(v);
    expect(c.x.log).toBe(true);
    expect(c.x.label).toBe("Age of the update since it was issued (log scale)");
    expect(c.panels[0]!.y.domain).toEqual([0, 100]);
    expect(c.panels[0]!.y.label).toBe("Live replicas holding it (%)");
    const lines = c.panels[0]!.layers.filter((l) => l.kind === "line");
    const measured = lines.find((l) => l.colour === "#2563eb")!;
    // The flat tail past the domain is cut; values in %.
    expect(Array.from(measured.points.xs as number[])).toEqual([1, 16, 64, 128, 256, 512]);
    expect(Array.from(measured.points.ys as number[])).toEqual([25, 25, 50, 75, 95, 100]);
    expect(c.legend.map((l) => l.label)).toEqual(["measured (mean over 40 traced updates)", "expected (asynchronous model, not measured)"]);
  });

  it("marks t50, t90 and t99 on the measured curve, and says them with the model's", () => {
    const marks = visibilityChart(v).panels[0]!.layers.find((l) => l.kind === "marks");
    expect(marks?.kind === "marks" && marks.marks).toEqual([
      { x: 64, y: 50, label: "t50" },
      { x: 256, y: 95, label: "t90" },
      { x: 512, y: 100, label: "t99" },
    ]);
    expect(visibilityReadout(v)).toBe("t50 64 ms · t90 256 ms · t99 512 ms (model: 50 ms · 128 ms · 200 ms)");
    expect(visibilityReadout({ ...v, t99Ms: null, model: null })).toBe("t50 64 ms · t90 256 ms · t99 not reached");
  });

  it("hovering a point reads its age, its share, how many updates it averages, and the model there", () => {
    const h = visibilityChart(v).hover.find((m) => m.x === 128)!;
    expect(h.lines).toEqual(["128 ms after the write", "75 % of live replicas hold it (mean over 39 updates)", "model: 90 %"]);
  });

  it("exports: CSV one row per age with measured and model shares; SVG with axes, legend and a caption naming the window and config", () => {
    const csv = visibilityCsv(v).trim().split("\r\n");
    expect(csv[0]).toBe("age_ms,measured_share,updates_averaged,model_share");
    expect(csv).toContain("64,0.5,40,0.6");
    expect(csv).toContain("8192,1,20,");
    expect(csv).toHaveLength(1 + 7);
    const caption = visibilityCaption(v, DEFAULT_CLUSTER_CONFIG, 4, new Date("2026-12-02T04:00:00Z"));
    expect(caption[0]).toContain("mean over 40 traced updates issued in the last 1 min");
    expect(caption[0]).toContain("once it is a + 1 s old");
    expect(caption[2]).toMatch(/^Config v\d+: N = 4 live replicas, gossip interval/);
    const svg = buildChartSvg(xyToSvgSpec(visibilityChart(v, 300), { title: "Visibility after a write", caption, width: 880 }));
    for (const text of ["Age of the update since it was issued (log scale)", "Live replicas holding it (%)", "expected (asynchronous model, not measured)", "t50", "99 %", "100 ms", "50 %"]) expect(svg).toContain(text);
  });
});
