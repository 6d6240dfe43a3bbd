import { describe, expect, it } from "vitest";
import { placeLabels } from "./labels.js";

const bounds = { left: 0, top: 0, right: 400, bottom: 300 };

describe("point labels", () => {
  it("a lone label goes to the right of its point", () => {
    expect(placeLabels([{ x: 100, y: 100, text: "100 ms", radius: 4 }], bounds)).toEqual([{ x: 107, y: 103.5, anchor: "start" }]);
  });
  it("near the right edge it goes to the left; near the left edge too, it goes above", () => {
    expect(placeLabels([{ x: 395, y: 100, text: "1 s · f4", radius: 4 }], bounds)[0]?.anchor).toBe("end");
    expect(placeLabels([{ x: 20, y: 100, text: "a long label for a narrow plot..........................................................", radius: 4 }], { ...bounds, right: 60 })).toEqual([null]);
  });
  it("never overlaps another label or another point; a label with no free place is left out", () => {
    const items = [
      { x: 100, y: 100, text: "first", radius: 4 },
      { x: 100, y: 104, text: "second", radius: 4 },
    ];
    const [a, b] = placeLabels(items, bounds);
    expect(a?.anchor).toBe("start");
    expect(b).not.toBeNull();
    expect(b?.anchor).toBe("end"); // right is taken by the first label
    const crowd = Array.from({ length: 12 }, (_, i) => ({ x: 100, y: 100 + i, text: `label ${i}`, radius: 4 }));
    const placed = placeLabels(crowd, bounds);
    expect(placed.filter((p) => p === null).length).toBeGreaterThan(0);
    expect(placed[0]).not.toBeNull(); // the first (most important) always gets its place
  });
});
