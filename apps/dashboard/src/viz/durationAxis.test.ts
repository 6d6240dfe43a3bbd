import { describe, expect, it } from "vitest";
import { durationLinear, durationLogDomain, durationLogTicks, roundDurationAbove } from "./durationAxis.js";
import { formatDurationTick } from "./format.js";

const labels = (ticks: number[]) => ticks.map(formatDurationTick);

describe("duration axes", () => {
  it("end at round durations: a log axis up to 72 s ends at 2 min, never '1.7 min'", () => {
    const [lo, hi] = durationLogDomain(40, 72_000);
    expect([lo, hi]).toEqual([10, 120_000]);
    expect(labels(durationLogTicks(lo, hi))).toEqual(["10 ms", "100 ms", "1 s", "10 s", "1 min"]);
    expect(labels(durationLogTicks(100, 10_000))).toEqual(["100 ms", "200 ms", "500 ms", "1 s", "2 s", "5 s", "10 s"]);
    expect(roundDurationAbove(100_000)).toBe(120_000);
  });

  it("step linearly in round durations and label minutes with their seconds", () => {
    expect(labels(durationLinear(75_000).ticks)).toEqual(["0", "15 s", "30 s", "45 s", "1 min", "1 min 15 s"]);
    expect(labels(durationLinear(2_600).ticks)).toEqual(["0", "1 s", "2 s", "3 s"]);
    expect(durationLinear(0).domain).toEqual([0, 1]);
    expect(formatDurationTick(100_000)).toBe("1 min 40 s");
    expect(formatDurationTick(5_400_000)).toBe("1 h 30 min");
  });
});
