import { describe, expect, it } from "vitest";
import { forAll, int } from "../testRandom.js";
import { labelLeft, placeMarkers, type MarkerEvent } from "./markers.js";

describe("placeMarkers", () => {
  it("labels in the same lane never overlap, and every visible event keeps its line", () => {
    forAll(100, (r) => Array.from({ length: int(r, 0, 40) }, (_, i) => ({
      timeMs: int(r, 0, 60_000), kind: "config" as const, label: `interval ${i} → ${int(r, 10, 9999)} ms`,
    })), (events: MarkerEvent[]) => {
      const width = 800;
      const placed = placeMarkers(events, 0, 60_000, width);
      expect(placed).toHaveLength(events.length);
      for (let lane = 0; lane < 2; lane++) {
        const boxes = placed.filter((m) => m.lane === lane).map((m) => [labelLeft(m, width), labelLeft(m, width) + m.labelWidth]);
        for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]!).toBeGreaterThanOrEqual(boxes[i - 1]![1]!);
      }
    });
  });
  it("skips events outside the view and filters by kind", () => {
    const events: MarkerEvent[] = [
      { timeMs: 10, kind: "config", label: "a" },
      { timeMs: 50, kind: "fault", label: "b" },
      { timeMs: 500, kind: "fault", label: "c" },
    ];
    expect(placeMarkers(events, 0, 100, 100).map((m) => m.label)).toEqual(["a", "b"]);
    expect(placeMarkers(events, 0, 100, 100, { kinds: new Set(["fault"]) }).map((m) => m.label)).toEqual(["b"]);
  });
  it("a crowded moment hides labels but not lines", () => {
    const events = Array.from({ length: 5 }, (_, i) => ({ timeMs: 1000 + i, kind: "fault" as const, label: "crash r-1" }));
    const placed = placeMarkers(events, 0, 60_000, 600);
    expect(placed.filter((m) => m.lane === null).length).toBe(3);
  });
});
