import { describe, expect, it } from "vitest";
import { heatmapScaleMax, heatmapSummary } from "./heatmapSummary.js";

const frame = (missing: number[], staleness: number[], status: number[]) => ({ columns: { missingUpdates: missing, stalenessMs: staleness, status } }) as never;

describe("heatmap summary", () => {
  it("says how many live replicas are behind, the worst one, and who is down", () => {
    const ids = ["r0", "r1", "r2", "r3", "r4"];
    expect(heatmapSummary(frame([0, 12, 40, 0, 0], [0, 300, 1200, 0, 0], [0, 0, 0, 2, 1]), ids)).toBe(
      "Now: 2 of 3 live replicas behind · worst r2: 40 missing, 1.2 s stale · 1 crashed · 1 unreachable",
    );
    expect(heatmapSummary(frame([0, 0], [0, 0], [0, 0]), ["a", "b"])).toBe("Now: all 2 live replicas caught up");
    expect(heatmapSummary(null, [])).toBe("No replicas yet.");
  });
});

describe("heatmap colour scale", () => {
  it("follows the largest value in view both ways (no ratchet), unless locked", () => {
    expect(heatmapScaleMax(780, null)).toBe(800);
    expect(heatmapScaleMax(37, null)).toBe(40); // the big values left the window: the scale comes down with them
    expect(heatmapScaleMax(0, null)).toBe(1);
    expect(heatmapScaleMax(37, 800)).toBe(800);
  });
});
