import { describe, expect, it } from "vitest";
import { exchangeAlpha, groupCells, groupCentres, nodeColour, nodeRadius, partitionGroups, topologySvg } from "./topology.js";

describe("topology", () => {
  it("replicas in no listed group form one more group", () => {
    const { group, count } = partitionGroups(["a", "b", "c", "d"], [["a"], ["c"]]);
    expect(Array.from(group)).toEqual([0, 2, 1, 2]);
    expect(count).toBe(3);
    expect(partitionGroups(["a", "b"], []).count).toBe(1);
  });
  it("group centres are distinct and inside the area", () => {
    const cs = groupCentres(4, 400, 300);
    expect(new Set(cs.map((c) => `${Math.round(c.x)},${Math.round(c.y)}`)).size).toBe(4);
    for (const c of cs) {
      expect(c.x).toBeGreaterThan(0);
      expect(c.x).toBeLessThan(400);
      expect(c.y).toBeGreaterThan(0);
      expect(c.y).toBeLessThan(300);
    }
  });
  it("two groups in a wide card sit side by side, each cell inside the area with room for its label", () => {
    const cells = groupCells(2, 600, 340);
    expect(cells.map((c) => Math.round(c.x0))).toEqual([0, 300]);
    for (const c of cells) expect(c.y1 - c.y0).toBeGreaterThan(300);
    const five = groupCells(5, 600, 340);
    for (const c of five) {
      expect(c.x0).toBeGreaterThanOrEqual(0);
      expect(c.x1).toBeLessThanOrEqual(600 + 1e-9);
      expect(c.y1).toBeLessThanOrEqual(340 + 1e-9);
    }
  });
  it("nodes shrink as the cluster grows, within 2–9 px", () => {
    expect(nodeRadius(8, 600, 400)).toBe(9);
    expect(nodeRadius(1024, 600, 400)).toBeLessThan(nodeRadius(32, 600, 400));
    expect(nodeRadius(100_000, 600, 400)).toBe(2);
  });
  it("exchanges fade out", () => {
    expect(exchangeAlpha(0)).toBe(1);
    expect(exchangeAlpha(350)).toBeCloseTo(0.5);
    expect(exchangeAlpha(5000)).toBe(0);
  });
  it("crashed and caught-up replicas are told apart by colour", () => {
    expect(nodeColour(2, 5, 10)).not.toBe(nodeColour(0, 0, 10));
    expect(nodeColour(0, 10, 10)).not.toBe(nodeColour(0, 1, 10));
  });
  it("the export names every replica", () => {
    const svg = topologySvg({
      title: "Topology", caption: ["N = 2"], width: 300, height: 200,
      nodes: [{ id: "r-1", x: 10, y: 10, r: 5, fill: "#000", selected: true }, { id: "r-2", x: 50, y: 10, r: 5, fill: "#000", selected: false }],
      edges: [{ x1: 10, y1: 10, x2: 50, y2: 10, alpha: 1 }], groups: [], legend: [{ label: "caught up", fill: "#3b82f6" }],
    });
    expect(svg).toContain("<title>r-1</title>");
    expect(svg).toContain("caught up");
  });
});
