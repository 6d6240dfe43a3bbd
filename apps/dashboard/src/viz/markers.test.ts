import { describe, expect, it } from "vitest";
import { forAll, int } from "../testRandom.js";
import { mergedMarkersText, moreText, placeMarkers, type MarkerEvent } from "./markers.js";

describe("placeMarkers", () => {
  it("labels (with their +n) in the same lane never overlap, every visible event keeps its line, and every hidden label is counted in a +n", () => {
    forAll(100, (r) => Array.from({ length: int(r, 0, 40) }, (_, i) => ({
      timeMs: int(r, 0, 60_000), kind: "config" as const, label: `interval ${i} → ${int(r, 10, 9999)} ms`,
    })), (events: MarkerEvent[]) => {
      const width = 800;
      const placed = placeMarkers(events, 0, 60_000, width);
      expect(placed).toHaveLength(events.length);
      for (let lane = 0; lane < 2; lane++) {
        const boxes = placed.filter((m) => m.lane === lane).map((m) => [m.left, m.left + m.boxWidth]);
        for (let i = 1; i < boxes.length; i++) expect(boxes[i]![0]!).toBeGreaterThanOrEqual(boxes[i - 1]![1]!);
      }
      const hidden = placed.filter((m) => m.lane === null).length;
      expect(placed.reduce((n, m) => n + m.more.length, 0)).toBe(hidden);
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
  it("a crowded moment merges the labels that find no room into a '+3' after the last one placed, listed for the caption", () => {
    const labels = ["partition into 2 groups", "crash r3", "heal", "interval 1000 → 51 ms", "restore r3"];
    const events = labels.map((label, i) => ({ timeMs: 1000 + i * 100, kind: "fault" as const, label, when: `0:0${1 + i}` }));
    const placed = placeMarkers(events, 0, 60_000, 600);
    expect(placed.filter((m) => m.lane !== null).map((m) => m.label)).toEqual(["partition into 2 groups", "crash r3"]);
    const host = placed.find((m) => m.more.length > 0)!;
    expect(host.label).toBe("crash r3");
    expect(moreText(host)).toBe("+3");
    expect(host.more.map((e) => e.label)).toEqual(["heal", "interval 1000 → 51 ms", "restore r3"]);
    expect(mergedMarkersText(placed)).toEqual(['+3 after "crash r3": 0:03 heal; 0:04 interval 1000 → 51 ms; 0:05 restore r3']);
  });
  it("near the right edge a label and its +n run left of the line and stay inside the plot", () => {
    const events = ["heal", "crash r1", "crash r2", "crash r3"].map((label, i) => ({ timeMs: 59_000 + i * 10, kind: "fault" as const, label }));
    const placed = placeMarkers(events, 0, 60_000, 600);
    for (const m of placed.filter((p) => p.lane !== null)) expect(m.left + m.boxWidth).toBeLessThanOrEqual(600);
    expect(placed.reduce((n, m) => n + m.more.length, 0)).toBe(2);
  });
});
