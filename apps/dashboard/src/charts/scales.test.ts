import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { ClusterModel } from "../store/clusterModel.js";
import { convergenceChart } from "./convergence.js";
import { overlayChart } from "./overlay.js";
import { divergenceChart } from "./timeSeries.js";

const START = Date.UTC(2026, 11, 2, 4, 0, 0);

/** Two minutes of a fake cluster with a fanout change at 1:00; samples issued before it took 20 s to converge. */
function regimes() {
  const m = new ClusterModel({ fineFrames: 2000, sampleCapacity: 20_000 });
  const c = new FakeCluster({ replicas: 8, startMs: START });
  m.applySnapshot(c.snapshot());
  for (let t = START + 100; t <= START + 120_000; t += 100) {
    if (t === START + 60_000) c.change("x", { gossip: { fanout: 6 } });
    m.ingestFrame(c.step(t));
  }
  for (let t = START + 1_000; t < START + 55_000; t += 500) (m as unknown as { addSample(o: string, s: number, i: number, c: number): void }).addSample(c.ids[0]!, t, t, 20_000);
  return { m };
}

describe("axes that follow the data", () => {
  it("convergence: after a change the linear axis fits the new regime, and says so; 'show all' fits everything in view", () => {
    const { m } = regimes();
    const domain: [number, number] = [START, START + 120_000];
    const fitted = convergenceChart(m, domain, 800, 300);
    expect(Math.abs(fitted.fits[0]!.fittedFrom! - (START + 60_000))).toBeLessThanOrEqual(200); // the change's marker
    expect(fitted.fits[0]!.offScaleMax).toBeGreaterThanOrEqual(20_000);
    expect(fitted.panels[0]!.y.domain[1]).toBeLessThan(20_000);
    const all = convergenceChart(m, domain, 800, 300, { fitAll: true });
    expect(all.panels[0]!.y.domain[1]).toBeGreaterThanOrEqual(20_000);
    // A view of the new regime alone needs no fit: the window is the regime.
    expect(convergenceChart(m, [START + 61_000, START + 120_000], 800, 300).fits[0]!.fittedFrom).toBeNull();
  });

  it("log axes end at round durations and carry (log) in their label", () => {
    const { m } = regimes();
    const chart = convergenceChart(m, [START, START + 120_000], 800, 300, { log: true });
    const y = chart.panels[0]!.y;
    expect(y.log).toBe(true);
    expect(y.label).toBe("Convergence time (log)");
    expect([1000, 2000, 5000, 10_000, 30_000, 60_000, 120_000]).toContain(y.domain[1]);
    for (const t of y.ticks) expect(y.format(t)).not.toMatch(/\.\d+ min/);
    const div = divergenceChart(m, [START, START + 120_000], 800, 140, [], { log: true });
    expect(div.panels.map((p) => p.y.log)).toEqual([true, true]);
    expect(div.fits).toEqual([null, null]);
  });

  it("overlay: the y-axis follows the zoom, not every sample of every run", () => {
    const xs = Float64Array.from({ length: 600 }, (_, i) => i * 200);
    const ys = Float64Array.from({ length: 600 }, (_, i) => (i < 300 ? 30_000 : 600 + (i % 7) * 20));
    const run = { id: "a", label: "a", xs, ys, length: 600 };
    expect(overlayChart([run], 600, 300).panels[0]!.y.domain[1]).toBeGreaterThanOrEqual(30_000);
    const zoomed = overlayChart([run], 600, 300, { zoom: [70_000, 110_000] });
    expect(zoomed.x.domain).toEqual([70_000, 110_000]);
    expect(zoomed.panels[0]!.y.domain[1]).toBeLessThanOrEqual(2_000);
    expect(overlayChart([run], 600, 300, { log: true }).panels[0]!.y.log).toBe(true);
  });
});
