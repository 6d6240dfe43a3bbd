import { describe, expect, it } from "vitest";
import { nearestPoint } from "./nearest.js";

describe("nearest point", () => {
  const pts = [{ x: 10, y: 10 }, { x: 30, y: 10 }];
  it("finds the closest point within reach, none beyond it", () => {
    expect(nearestPoint(pts, 27, 12)).toBe(1);
    expect(nearestPoint(pts, 12, 9)).toBe(0);
    expect(nearestPoint(pts, 100, 100)).toBe(-1);
    expect(nearestPoint([], 0, 0)).toBe(-1);
  });
});
