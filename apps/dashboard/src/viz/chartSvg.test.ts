import { describe, expect, it } from "vitest";
import { bandPath, buildChartSvg, cellRects, escapeXml, linePath, markSvg, stepPath, wrapText, type ChartSvgSpec } from "./chartSvg.js";
import { linearTicks, logTicks } from "./scales.js";

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

describe("trade-off layers (experiments)", () => {
  it("a band runs along hi and back along lo, split where a value is missing", () => {
    const id = (v: number) => v;
    expect(bandPath([1, 2, 3, 4], [10, 20, Number.NaN, 40], [15, 25, 35, 45], id, id)).toBe("M1 15L2 25L2 20L1 10Z");
    expect(bandPath([1, 2], [1, 2], [3, 4], id, id)).toBe("M1 3L2 4L2 2L1 1Z");
  });
  it("marks are filled, or hollow for a lower bound; a ring circles a point", () => {
    expect(markSvg("dot", 5, 6, 4, "#123456")).toBe('<circle cx="5" cy="6" r="4" fill="#123456" stroke="#ffffff" stroke-width="0.75"/>');
    expect(markSvg("square", 5, 6, 4, "#123456", true)).toContain('fill="#ffffff" stroke="#123456"');
    expect(markSvg("ring", 5, 6, 8, "#000")).toContain('fill="none"');
  });
  it("a log–log chart draws its marks, their labels, bands and notes", () => {
    const svg = buildChartSvg({
      title: "Convergence vs sync interval",
      caption: ["plan"],
      x: { label: "Sync interval (ms, log)", domain: [5, 2000], ticks: logTicks(5, 2000), format: String, log: true },
      panels: [
        {
          y: { label: "Convergence time (ms, log)", domain: [1, 5000], ticks: logTicks(1, 5000), format: String, log: true },
          layers: [
            { kind: "band", xs: [10, 100, 1000], lo: [5, 50, 500], hi: [10, 100, 1000], colour: "#2563eb" },
            { kind: "marks", marks: [{ x: 10, y: 5, label: "10 ms" }, { x: 100, y: 50, label: "100 ms" }, { x: 1000, y: 500, label: "1 s", hollow: true }], colour: "#2563eb" },
            { kind: "texts", items: [{ x: 2000, y: 100, text: "under-synchronised ↑", anchor: "end", dy: -4 }], colour: "#6b7280" },
          ],
        },
      ],
      legend: [{ label: "p50–p95", colour: "#2563eb", shape: "band" }],
    });
    expect(svg.match(/<circle/g)).toHaveLength(3);
    for (const t of ["10 ms", "100 ms", "1 s", "under-synchronised ↑", "p50–p95", "Sync interval (ms, log)"]) expect(svg).toContain(`>${t}</text>`);
    expect(svg).toContain('fill-opacity="0.18"');
  });
});

describe("captions", () => {
  it("a long caption line wraps at spaces within the figure's width", () => {
    expect(wrapText("aa bb cc dd", 5)).toEqual(["aa bb", "cc dd"]);
    expect(wrapText("averyveryverylongword x", 5)).toEqual(["averyveryverylongword", "x"]);
    const svg = buildChartSvg(spec({ caption: ["word ".repeat(100).trim()] }));
    const lines = svg.split("\n").filter((l) => l.includes(">word"));
    expect(lines.length).toBeGreaterThan(2);
    for (const l of lines) expect(/>([^<]*)</.exec(l)![1]!.length).toBeLessThanOrEqual(Math.floor((880 - 32) / 6.16));
  });
});
