import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDurationMs, formatDurationTick, formatShare } from "./format.js";

describe("format", () => {
  it("durations pick the unit a reader expects", () => {
    expect(formatDurationMs(850)).toBe("850 ms");
    expect(formatDurationMs(1250)).toBe("1.25 s");
    expect(formatDurationMs(12_500)).toBe("12.5 s");
    expect(formatDurationMs(125_000)).toBe("2 min 5 s");
    expect(formatDurationMs(2.5)).toBe("2.5 ms");
    expect(formatDurationMs(null)).toBe("–");
    expect(formatDurationMs(Number.NaN)).toBe("–");
  });
  it("tick labels stay short", () => {
    expect(formatDurationTick(0)).toBe("0");
    expect(formatDurationTick(10)).toBe("10 ms");
    expect(formatDurationTick(1000)).toBe("1 s");
    expect(formatDurationTick(1500)).toBe("1.5 s");
    expect(formatDurationTick(120_000)).toBe("2 min");
  });
  it("bytes and counts use SI prefixes", () => {
    expect(formatBytes(999)).toBe("999 B");
    expect(formatBytes(1500)).toBe("1.5 kB");
    expect(formatBytes(2_500_000)).toBe("2.5 MB");
    expect(formatCount(950)).toBe("950");
    expect(formatCount(1234)).toBe("1.2k");
    expect(formatCount(3.25)).toBe("3.3");
  });
  it("shares read as percentages", () => {
    expect(formatShare(1)).toBe("100 %");
    expect(formatShare(0.975)).toBe("97.5 %");
    expect(formatShare(0)).toBe("0 %");
  });
});
