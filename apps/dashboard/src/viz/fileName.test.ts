import { describe, expect, it } from "vitest";
import { exportFileName, slug } from "./fileName.js";

describe("exportFileName", () => {
  const at = new Date(2026, 10, 20, 22, 5, 33);
  it("reads like the issue's example", () => {
    expect(exportFileName({ chart: "convergence", runId: "12", intervalMs: 1000, fanout: 2, at, ext: "svg" })).toBe(
      "driftscope-convergence-run12-interval1000ms-fanout2-2026-11-20T2205.svg",
    );
  });
  it("leaves out what is unknown and never doubles the run prefix", () => {
    expect(exportFileName({ chart: "rates", at, ext: "csv" })).toBe("driftscope-rates-2026-11-20T2205.csv");
    expect(exportFileName({ chart: "heatmap", runId: "run-7", at, ext: "png" })).toBe("driftscope-heatmap-run-7-2026-11-20T2205.png");
  });
  it("makes ids safe for every file system", () => {
    expect(slug("Run:2026/11 ..x")).toBe("run-2026-11-x");
    const name = exportFileName({ chart: "Missing Updates", runId: "a:b", tags: ["overlay", "3 runs"], at, ext: "json" });
    expect(name).toBe("driftscope-missing-updates-runa-b-overlay-3-runs-2026-11-20T2205.json");
    expect(name).not.toMatch(/[:/\\ ]/);
  });
  it("a figure spanning several intervals or fanouts says 'multiple-configs' instead of naming one", () => {
    expect(exportFileName({ chart: "convergence", runId: "run-3", intervalMs: 51, fanout: 2, multipleConfigs: true, at, ext: "svg" })).toBe(
      "driftscope-convergence-run-3-multiple-configs-2026-11-20T2205.svg",
    );
  });
});
