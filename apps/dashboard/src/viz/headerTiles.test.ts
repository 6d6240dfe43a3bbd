import type { Kpis } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { headerTiles, type TileSpec } from "./headerTiles.js";

const KPIS: Kpis = {
  live: 16,
  unreachable: 0,
  crashed: 0,
  total: 16,
  convergedShare: 0.0625,
  distinctStates: 9,
  missingUpdatesTotal: 200,
  maxStalenessMs: 900,
  meanMissingUpdates: 12.5,
  inFlight: 48,
  oldestInFlightMs: 900,
  lostUpdates: 0,
  convergenceP50Ms: 67,
  convergenceP95Ms: 120,
  convergenceP99Ms: 143,
  convergenceMaxMs: 400,
  convergenceSamples: 900,
  convergenceAtLeast: { p50: false, p95: false, p99: false, max: false },
  updatesPerSec: 32,
  messagesPerSec: 160,
  bytesPerSec: 48_000,
  deliveriesPerSec: 480,
  bytesPerUpdate: 100,
  configVersion: 3,
  ackedReplicas: 16,
};

const figure = (tiles: TileSpec[], testId: string) => tiles.flatMap((t) => t.figures).find((f) => f.testId === testId);

describe("header tiles", () => {
  it("under continuous load they say how far apart the replicas are: mean missing per live replica, updates in flight and the oldest's age", () => {
    const tiles = headerTiles(KPIS, { windowMs: 30_000, configVersion: 3 });
    expect(figure(tiles, "kpi-mean-missing")?.text).toBe("13");
    expect(figure(tiles, "kpi-in-flight")?.text).toBe("48");
    expect(figure(tiles, "kpi-oldest-in-flight")?.text).toBe("900 ms");
    expect(figure(tiles, "kpi-converged-share")?.text).toBe("6.3 %");
    expect(tiles.map((t) => t.key)).not.toContain("lost");
  });
  it("during a partition p99 reads ≥ the oldest age, with the reason in its title; p50 stays exact", () => {
    const k = { ...KPIS, inFlight: 480, oldestInFlightMs: 15_000, convergenceP99Ms: 15_000, convergenceMaxMs: 15_000, convergenceAtLeast: { p50: false, p95: false, p99: true, max: true } };
    const tiles = headerTiles(k, { windowMs: 30_000, configVersion: 3 });
    const p99 = figure(tiles, "kpi-convergence-p99")!;
    expect(p99.text).toBe("≥ 15 s");
    expect(p99.title).toContain("lower bound: 480 updates still in flight count as at least their age");
    expect(figure(tiles, "kpi-convergence-p50")?.text).toBe("67 ms");
    const tile = tiles.find((t) => t.key === "convergence")!;
    expect(p99.atLeast).toBe(true);
    expect(figure(tiles, "kpi-convergence-p50")?.atLeast).toBe(false);
    expect(tile.title).toContain("Max ≥ 15 s");
  });
  it("lost updates appear only when there are some", () => {
    const tiles = headerTiles({ ...KPIS, lostUpdates: 45 }, { windowMs: 30_000, configVersion: 3 });
    expect(tiles.find((t) => t.key === "lost")).toMatchObject({ tone: "warn", figures: [{ testId: "kpi-lost-updates", text: "45" }] });
  });
  it("before the first frame every figure is a dash, and nothing reads '≥'", () => {
    const tiles = headerTiles(null, { windowMs: 0, configVersion: undefined });
    for (const f of tiles.flatMap((t) => t.figures)) expect(f.text).toBe("–");
  });
  it("with nothing in flight the oldest age says none", () => {
    expect(figure(headerTiles({ ...KPIS, inFlight: 0, oldestInFlightMs: 0 }, { windowMs: 30_000, configVersion: 3 }), "kpi-oldest-in-flight")?.text).toBe("none");
  });

  it("say when the collector sheds load, and by how much, only while it does", () => {
    const calm = headerTiles(KPIS, { windowMs: 30_000, configVersion: 3, ingest: { shedding: false, coalescedReports: 0, droppedTimes: 0, slowdown: 1 } });
    expect(calm.find((t) => t.key === "shedding")).toBeUndefined();
    const tiles = headerTiles(KPIS, { windowMs: 30_000, configVersion: 3, ingest: { shedding: true, coalescedReports: 1234, droppedTimes: 5, slowdown: 4 } });
    const shedding = tiles.find((t) => t.key === "shedding");
    expect(shedding?.tone).toBe("warn");
    expect(figure(tiles, "kpi-ingest-slowdown")?.text).toBe("4×");
    expect(figure(tiles, "kpi-ingest-coalesced")?.text).toBe(figure(headerTiles({ ...KPIS, inFlight: 1234 }, { windowMs: 30_000, configVersion: 3 }), "kpi-in-flight")?.text);
    expect(shedding?.title).toMatch(/5 issue\/inclusion times dropped/);
    expect(shedding?.title).toMatch(/docs\/metrics\.md#under-overload/);
    expect(figure(tiles, "kpi-ingest-paced")).toBeUndefined();
  });

  it("say when the collector's acknowledgements pace agents (saturated, nothing shed), and how far apart reports came", () => {
    const tiles = headerTiles(KPIS, { windowMs: 30_000, configVersion: 3, ingest: { shedding: false, coalescedReports: 0, droppedTimes: 0, slowdown: 1, paced: 2.64 } });
    const saturated = tiles.find((t) => t.key === "shedding");
    expect(saturated?.label).toBe("Collector saturated");
    expect(saturated?.figures.map((f) => f.testId)).toEqual(["kpi-ingest-paced"]);
    expect(figure(tiles, "kpi-ingest-paced")?.text).toBe("2.6×");
    expect(saturated?.title).toMatch(/further apart than asked/);
    const both = headerTiles(KPIS, { windowMs: 30_000, configVersion: 3, ingest: { shedding: true, coalescedReports: 3, droppedTimes: 0, slowdown: 2, paced: 1.8 } });
    expect(both.find((t) => t.key === "shedding")?.label).toBe("Collector shedding");
    expect(figure(both, "kpi-ingest-paced")?.text).toBe("1.8×");
    expect(both.find((t) => t.key === "shedding")?.title).toMatch(/were merged.*further apart than asked/s);
    expect(saturated?.title).not.toMatch(/were merged/);
  });
});
