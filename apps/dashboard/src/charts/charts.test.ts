import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { ClusterModel } from "../store/clusterModel.js";
import { configCaption, elapsedAxis, networkInForce, partitionsInForce } from "./common.js";
import { convergenceChart } from "./convergence.js";
import { exportCsv, exportRunJson, exportSvg } from "./exports.js";
import { heatmapRows, heatmapView } from "./heatmapView.js";
import { legendOf, readoutRows } from "./plot.js";
import { divergenceChart, ratesChart } from "./timeSeries.js";

const START = Date.UTC(2026, 10, 20, 22, 0, 0);

/** An SVG's text as one line of words (wrapped caption lines joined again, entities read). */
const svgWords = (svg: string) =>
  [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!.replace(/&quot;/g, '"').replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&")).join(" ");

function model(seconds = 60, replicas = 12) {
  const m = new ClusterModel({ fineFrames: 2000, sampleCapacity: 20_000 });
  const c = new FakeCluster({ replicas, startMs: START });
  m.applySnapshot(c.snapshot());
  for (let t = START + 100; t <= START + seconds * 1000; t += 100) {
    if (t === START + 30_000) c.change("x", { gossip: { intervalMs: 500 } });
    m.ingestFrame(c.step(t));
  }
  return { m, c };
}

describe("chart data", () => {
  const { m, c } = model();
  const domain: [number, number] = [START, START + 60_000];

  it("the x axis reads as time since the run start", () => {
    const x = elapsedAxis(domain, START, 800);
    expect(x.format(START + 30_000)).toBe("0:30");
    expect(x.label).toBe("Time since run start (m:ss)");
  });
  it("convergence: samples, three percentile lines and the theory as steps that move at the config change", () => {
    const chart = convergenceChart(m, domain, 800, 300);
    const p = chart.panels[0]!;
    expect(p.scatters[0]!.points.length).toBeGreaterThan(50);
    expect(p.lines.map((l) => l.key)).toEqual(["p99", "p95", "p50"]);
    const expected = p.steps.find((s) => s.key === "expected")!;
    expect(expected.segments.length).toBeGreaterThanOrEqual(2);
    expect(expected.segments[0]!.y).toBeGreaterThan(expected.segments[expected.segments.length - 1]!.y);
    expect(p.y.domain[1]).toBeGreaterThanOrEqual(expected.segments[0]!.y);
    expect(chart.markers.map((mk) => mk.label)).toEqual(["interval 1000 → 500 ms"]);
    expect(legendOf(chart).map((l) => l.label)).toEqual(expect.arrayContaining(["expected: asynchronous gossip model (mean)", "E·T (synchronous rounds)"]));
  });
  it("the y axis of the sawtooth covers the slowest sample in view", () => {
    const chart = convergenceChart(m, domain, 800, 300);
    const pts = chart.panels[0]!.scatters[0]!.points;
    const max = Math.max(...Array.from({ length: pts.length }, (_, i) => pts.ys[i]!));
    expect(chart.panels[0]!.y.domain[1]).toBeGreaterThanOrEqual(max);
  });
  it("divergence: mean ≤ max, and a selected replica gets its own line", () => {
    const chart = divergenceChart(m, domain, 800, 150, [c.ids[3]!]);
    const [missing, staleness] = chart.panels;
    expect(missing!.lines.map((l) => l.label)).toEqual(["in flight (not yet at every live replica)", "max over live replicas", "mean over live replicas", c.ids[3]]);
    const inFlight = missing!.lines[0]!.parts.at(-1)!;
    const max = missing!.lines[1]!.parts.at(-1)!;
    const mean = missing!.lines[2]!.parts.at(-1)!;
    for (let i = 0; i < mean.length; i++) if (!Number.isNaN(mean.ys[i]!)) expect(mean.ys[i]!).toBeLessThanOrEqual(max.ys[i]! + 1e-9);
    // No replica can miss more updates than are in flight.
    for (let i = 0; i < max.length; i++) expect(max.ys[i]!).toBeLessThanOrEqual(inFlight.ys[i]! + 1e-9);
    expect(staleness!.y.label).toBe("Staleness");
  });
  it("the convergence chart's hover readout gives the header's percentiles at that time, with ≥ where they were lower bounds", () => {
    const { m: split, c: cluster } = model(20, 8);
    cluster.change("p", { network: { partitions: [cluster.ids.slice(0, 4), cluster.ids.slice(4)] } });
    for (let t = START + 20_100; t <= START + 32_000; t += 100) split.ingestFrame(cluster.step(t));
    const chart = convergenceChart(split, [START, START + 32_000], 800, 300);
    const rows = readoutRows(chart, START + 31_950);
    const header = rows.find((r) => r.key === "readout-collector-percentiles")!;
    expect(header.text).toMatch(/ \/ ≥ \d+(\.\d+)? s$/); // p99 ≥ the partition's age
    expect(header.title).toMatch(/^lower bound: \d+ updates still in flight/);
    const before = readoutRows(chart, START + 15_000).find((r) => r.key === "readout-collector-percentiles")!;
    expect(before.text).not.toContain("≥");
    // Rolling percentiles over issue times whose updates are still in flight say they are partial.
    expect(rows.find((r) => r.key === "convergence-p99")!.text).toMatch(/–|\(partial\)$/);
    expect(readoutRows(chart, START + 10_000).find((r) => r.key === "convergence-p99")!.text).not.toContain("partial");
  });
  it("rates: three panels, each rate on its own axis", () => {
    const chart = ratesChart(m, domain, 800, 150);
    expect(chart.panels.map((p) => p.lines.map((l) => l.label))).toEqual([["updates/s"], ["messages/s"], ["bytes/s"]]);
  });
  it("heatmap: one row per replica in id order (or worst first), binned to the pixels", () => {
    const v = heatmapView(m, "missing", domain, 300, 200);
    expect(v.ids).toEqual([...c.ids].sort());
    expect(v.grid.width).toBe(300);
    expect(v.grid.height).toBe(12);
    const worst = heatmapRows(m, "missing", "value");
    const col = m.latest!.columns.missingUpdates;
    const firstIdx = m.order.indexOf(worst.ids[0]!);
    expect(col[firstIdx]).toBe(Math.max(...col));
  });
  it("the caption states the config, N and the time range; a view across a change names every config in it", () => {
    const lines = configCaption(m, domain, new Date(START + 70_000));
    expect(lines[0]).toBe("Spans 2 configs (v1–v2): v1 until 0:29; v2 at 0:29: interval 1000 → 500 ms.");
    expect(lines[1]).toContain("Config v2 (in force at the end of the view): N = 12 replicas");
    expect(lines[1]).toContain("gossip interval 500 ms");
    expect(lines.at(-1)).toContain("0:00–1:00");
    const after = configCaption(m, [START + 31_000, START + 60_000], new Date(START + 70_000));
    expect(after[0]).toMatch(/^Config v2: N = 12 replicas/);
  });
});

describe("exports", () => {
  const { m } = model(40, 8);
  const ctx = { domain: [START, START + 40_000] as [number, number], selected: [], at: new Date(START + 41_000) };

  it("every chart exports an SVG named after chart, run, interval and fanout — or 'multiple-configs' when the view spans an interval change", () => {
    const after = { ...ctx, domain: [START + 31_000, START + 40_000] as [number, number] };
    const before = { ...ctx, domain: [START, START + 29_000] as [number, number] };
    for (const kind of ["convergence", "divergence", "rates", "heatmap"] as const) {
      const f = exportSvg(kind, m, after);
      expect(f.name).toMatch(new RegExp(`^driftscope-${kind}(-missing)?-run-1-interval500ms-fanout2-\\d{4}-\\d\\d-\\d\\dT\\d{4}\\.svg$`));
      expect(f.text).toContain("<svg");
      expect(f.text).toContain("Config v");
      // Before the change: the interval then, though the config now is another.
      expect(exportSvg(kind, m, before).name).toContain("-interval1000ms-fanout2-");
      const across = exportSvg(kind, m, ctx);
      expect(across.name).toMatch(new RegExp(`^driftscope-${kind}(-missing)?-run-1-multiple-configs-\\d{4}`));
      expect(svgWords(across.text)).toContain("Spans 2 configs (v1–v2): v1 until 0:29; v2 at 0:29: interval 1000 → 500 ms.");
      expect(exportCsv(kind, m, ctx).name).toContain("-multiple-configs-");
    }
  });
  it("markers read in words on the charts, and an export lists the ones merged into '+n' in its caption", () => {
    const { m: crowded, c } = model(20, 8);
    for (const [k, patch] of [
      [0, { network: { partitions: [["r-00", "r-01", "r-02", "r-03"]] } }],
      [1, { network: { crashed: ["r-03"] } }],
      [2, { network: { crashed: [] } }],
      [3, { network: { partitions: [] } }],
      [4, { gossip: { intervalMs: 51 } }],
    ] as const) {
      c.change(`m${k}`, patch);
      crowded.ingestFrame(c.step(START + 20_100 + k * 100));
    }
    const labels = convergenceChart(crowded, [START, START + 21_000], 700, 300).markers.map((mk) => mk.label);
    expect(labels).toEqual(["partition into 2 groups", "crash r-03", "restore r-03", "heal", "interval 1000 → 51 ms"]);
    const svg = exportSvg("convergence", crowded, { ...ctx, domain: [START, START + 21_000] }).text;
    expect(svg).toMatch(/>\+3</);
    expect(svgWords(svg)).toContain('Markers merged above: +3 after "crash r-03": 0:20 restore r-03; 0:20 heal; 0:20 interval 1000 → 51 ms.');
  });
  it("convergence CSV lists the visible samples with origin ids", () => {
    const f = exportCsv("convergence", m, ctx);
    const lines = f.text.trim().split("\r\n");
    expect(lines[0]).toBe("issued_at_ms,issued_since_start_s,origin,seq,convergence_ms");
    expect(lines.length - 1).toBe(m.samples.length);
    expect(lines[1]).toMatch(/^\d+,[\d.]+,r-\d\d,\d+,\d+/);
  });
  it("heatmap CSV has one column per replica; replica CSV one row per replica", () => {
    const h = exportCsv("heatmap", m, ctx).text.split("\r\n");
    expect(h[0]!.split(",")).toHaveLength(2 + 8);
    const r = exportCsv("replicas", m, ctx).text.trim().split("\r\n");
    expect(r).toHaveLength(9);
  });
  it("the whole-run JSON parses back and holds samples and series", () => {
    const f = exportRunJson(m, ctx.at);
    const doc = JSON.parse(f.text);
    expect(doc.samples.rows.length).toBe(m.samples.length);
    expect(doc.kpis[0].timeMs.length).toBeGreaterThan(100);
    expect(f.name).toMatch(/^driftscope-run-run-1-/);
  });
});

describe("plot layout", () => {
  it("stacks panels, maps the domain onto the plot and keeps room for axes", async () => {
    const { layoutPlot, PLOT_MARGIN } = await import("./plot.js");
    const chart = {
      x: { label: "t", domain: [0, 100] as [number, number], ticks: [], format: String },
      panels: [
        { id: "a", y: { label: "a", domain: [0, 10] as [number, number], ticks: [], format: String }, height: 100, lines: [], steps: [], scatters: [] },
        { id: "b", y: { label: "b", domain: [0, 1] as [number, number], ticks: [], format: String }, height: 50, lines: [], steps: [], scatters: [] },
      ],
      markers: [],
    };
    const l = layoutPlot(chart, 500);
    expect(l.x(0)).toBe(PLOT_MARGIN.left);
    expect(l.x(100)).toBe(500 - PLOT_MARGIN.right);
    expect(l.panels[0]!.y(10)).toBe(PLOT_MARGIN.top);
    expect(l.panels[1]!.top).toBe(PLOT_MARGIN.top + 100 + PLOT_MARGIN.gap);
    expect(l.panels[1]!.y(0)).toBe(l.panels[1]!.top + 50);
    expect(l.height).toBe(l.panels[1]!.top + 50 + PLOT_MARGIN.bottom);
  });
});

describe("overlay", () => {
  it("one colour per run, p50 and p95 lines each, legend by config; CSV in long format", async () => {
    const { overlayChart, overlayCsv } = await import("./overlay.js");
    const run = (id: string, base: number) => {
      const xs = Float64Array.from({ length: 300 }, (_, i) => i * 200);
      const ys = Float64Array.from({ length: 300 }, (_, i) => base + (i % 10) * 50);
      return { id, label: `${id} · T=${base} ms`, xs, ys, length: 300 };
    };
    const chart = overlayChart([run("a", 500), run("b", 2000)], 600, 300);
    const p = chart.panels[0]!;
    expect(p.scatters).toHaveLength(2);
    expect(p.lines.map((l) => l.label)).toEqual(["a · T=500 ms: p50", "a · T=500 ms: p95", "b · T=2000 ms: p50", "b · T=2000 ms: p95"]);
    expect(p.lines[0]!.colour).not.toBe(p.lines[2]!.colour);
    const p50a = p.lines[0]!.parts[0]!.ys;
    const p50b = p.lines[2]!.parts[0]!.ys;
    const last = p50a.length - 1;
    expect(p50b[last]!).toBeGreaterThan(p50a[last]!);
    const csv = overlayCsv([run("a", 500)]).split("\r\n");
    expect(csv[0]).toBe("run,config,issued_since_start_s,convergence_ms");
    expect(csv).toHaveLength(302);
  });
});

describe("topology picture", () => {
  it("one node per replica, groups only when partitioned, edges only for the last 0.7 s of exchanges", async () => {
    const { picture } = await import("./topologyPicture.js");
    const { m, c } = model(5, 8);
    const nodes = m.order.map((id, k) => ({ id, k, x: k * 10, y: 5 }));
    const p = picture(m, nodes, 400, [m.order[0]!]);
    expect(p.nodes).toHaveLength(8);
    expect(p.nodes[0]!.selected).toBe(true);
    expect(p.groups).toEqual([]);
    expect(p.edges.length).toBeGreaterThan(0);
    m.exchanges.forEach((e) => (e.timeMs -= 10_000));
    expect(picture(m, nodes, 400, []).edges).toEqual([]);
    c.change("p", { network: { partitions: [c.ids.slice(0, 4), c.ids.slice(4)] } });
    m.ingestFrame(c.step(START + 5_100));
    expect(picture(m, nodes, 400, []).groups.map((g) => g.label)).toEqual(["group 1 (4)", "group 2 (4)"]);
  });
});

describe("faults in force (issue 18)", () => {
  it("a configured partition is drawn and captioned only when some live replica applies the network section", () => {
    const { m } = model(5, 4);
    const config = m.config!;
    m.setConfig({ ...config, version: config.version + 1, network: { ...config.network, partitions: [m.order.slice(0, 2), m.order.slice(2)] as typeof config.network.partitions } });
    expect(partitionsInForce(m)).toHaveLength(2); // the fake cluster's nodes apply every section
    expect(configCaption(m, [START, START + 5000], new Date(START)).join(" ")).not.toMatch(/Not in force/);
    for (const id of m.order) m.replicaInfo.set(id, { ...m.replicaInfo.get(id)!, applies: ["gossip"] });
    expect(networkInForce(m)).toBe(false);
    expect(partitionsInForce(m)).toEqual([]);
    expect(configCaption(m, [START, START + 5000], new Date(START)).join(" ")).toMatch(/partitioned into 2 groups\. Not in force: no live replica applies the network section\./);
    m.sectionsKnown = false; // a recording: shown as recorded
    expect(partitionsInForce(m)).toHaveLength(2);
  });
});
