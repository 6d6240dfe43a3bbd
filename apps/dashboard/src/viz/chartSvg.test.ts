import { describe, expect, it } from "vitest";
import { buildChartSvg, cellRects, escapeXml, linePath, stepPath, type ChartSvgSpec } from "./chartSvg.js";
import { linearTicks } from "./scales.js";

function spec(extra: Partial<ChartSvgSpec> = {}): ChartSvgSpec {
  const xs = Float64Array.from({ length: 5000 }, (_, i) => i * 10);
  const ys = Float64Array.from({ length: 5000 }, (_, i) => (i % 100) * 3);
  return {
    title: "Convergence time <per update>",
    subtitle: "run 12",
    caption: ["interval 1000 ms, fanout 2, push-pull, delta", "N = 32 replicas"],
    x: { label: "Time since run start (m:ss)", domain: [0, 50_000], ticks: linearTicks(0, 50_000), format: String },
    panels: [{
      y: { label: "Convergence time (ms)", domain: [0, 300], ticks: linearTicks(0, 300), format: String },
      layers: [
        { kind: "points", points: { xs, ys, length: 5000 }, colour: "#2563eb" },
        { kind: "line", points: { xs, ys, length: 5000 }, colour: "#111827" },
        { kind: "steps", segments: [{ from: 0, to: 50_000, y: 120 }], colour: "#059669", dash: "6 4" },
      ],
    }],
    legend: [
      { label: "samples", colour: "#2563eb", shape: "dot" },
      { label: "expected (theory)", colour: "#059669", shape: "dash" },
    ],
    markers: [{ timeMs: 20_000, label: "interval → 500 ms", kind: "config" }],
    ...extra,
  };
}

describe("buildChartSvg", () => {
  it("has the title, axis labels with units, legend and the config caption, escaped", () => {
    const svg = buildChartSvg(spec());
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(svg).toContain("Convergence time &lt;per update&gt;");
    expect(svg).toContain("Time since run start (m:ss)");
    expect(svg).toContain("Convergence time (ms)");
    expect(svg).toContain("expected (theory)");
    expect(svg).toContain("interval 1000 ms, fanout 2, push-pull, delta");
    expect(svg).toContain("interval → 500 ms");
    expect(svg.trim().endsWith("</svg>")).toBe(true);
  });
  it("stays small: 50,000 samples become at most one per pixel cell", () => {
    const n = 50_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i);
    const ys = Float64Array.from({ length: n }, (_, i) => (i % 10) * 30);
    const svg = buildChartSvg(spec({
      x: { label: "t", domain: [0, n], ticks: [], format: String },
      panels: [{ y: { label: "y", domain: [0, 300], ticks: [], format: String }, layers: [{ kind: "points", points: { xs, ys, length: n }, colour: "#2563eb" }] }],
    }));
    const circles = svg.match(/<circle/g)?.length ?? 0;
    expect(circles).toBeLessThan(n / 5);
    expect(svg.length).toBeLessThan(600_000);
  });
  it("stacked panels share one x axis and each has its own y label", () => {
    const base = spec();
    const svg = buildChartSvg({ ...base, panels: [base.panels[0]!, { ...base.panels[0]!, y: { ...base.panels[0]!.y, label: "Bytes per second" } }] });
    expect(svg).toContain("Bytes per second");
    expect(svg.match(/Time since run start/g)).toHaveLength(1);
    expect(svg.match(/<clipPath/g)).toHaveLength(2);
  });
  it("open and close tags balance", () => {
    const svg = buildChartSvg(spec());
    for (const tag of ["g", "svg", "text", "defs", "clipPath"]) {
      const open = (svg.match(new RegExp(`<${tag}[ >]`, "g")) ?? []).length;
      const close = (svg.match(new RegExp(`</${tag}>`, "g")) ?? []).length;
      expect(open, tag).toBe(close);
    }
  });
});

describe("pieces", () => {
  it("a NaN breaks the line into two subpaths", () => {
    const d = linePath({ xs: [0, 1, 2, 3], ys: [1, Number.NaN, 2, 3], length: 4 }, (v) => v, (v) => v);
    expect(d).toBe("M0 1M2 2L3 3");
  });
  it("step lines join adjacent segments with a riser and break where they do not touch", () => {
    const id = (v: number) => v;
    expect(stepPath([{ from: 0, to: 10, y: 5 }, { from: 10, to: 20, y: 7 }, { from: 30, to: 40, y: 7 }], id, id)).toBe("M0 5H10V7H20M30 7H40");
  });
  it("heatmap rows become run-length rects", () => {
    const rgba = new Uint8ClampedArray([1, 1, 1, 255, 1, 1, 1, 255, 2, 2, 2, 255, 0, 0, 0, 0]);
    const svg = cellRects(rgba, 4, 1, { left: 0, top: 0, width: 40, height: 10 });
    expect(svg.match(/<rect/g)).toHaveLength(2); // one run of two, one single, transparent skipped
  });
  it("escapes quotes and ampersands", () => {
    expect(escapeXml(`a"b&c`)).toBe("a&quot;b&amp;c");
  });
});
