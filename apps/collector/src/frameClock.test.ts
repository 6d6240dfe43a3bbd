import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { startClock } from "./frameClock.js";

describe("the frame clock", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("CL-SV3 keeps 10 frames a second when every frame takes 30 ms of a busy loop", () => {
    const now = () => Date.now();
    const start = now();
    let calls = 0;
    const clock = startClock(100, () => {
      calls++;
      vi.setSystemTime(now() + 30); // the work itself, or a loop that was late by that much
    }, now);
    vi.advanceTimersByTime(10_000);
    clock.stop();
    // setInterval, re-armed after each callback, would make 1000 / 130 ≈ 7.7 a second.
    const perSec = calls / ((now() - start) / 1000);
    expect(perSec).toBeGreaterThan(9.8);
    expect(perSec).toBeLessThan(10.2);
  });

  it("CL-SV3 after a stall, builds one frame at once and goes on from then, without a burst of catch-up frames", () => {
    const now = () => Date.now();
    const calls: number[] = [];
    const start = now();
    let stalled = false;
    const clock = startClock(100, () => {
      calls.push(now() - start);
      if (!stalled && now() - start >= 1000) {
        stalled = true;
        vi.setSystemTime(now() + 2000); // a 2 s stall of the event loop
      }
    }, now);
    vi.advanceTimersByTime(5000);
    clock.stop();
    const afterStall = calls.filter((t) => t > 1000);
    expect(afterStall[0]).toBeGreaterThanOrEqual(3000);
    expect(afterStall[0]).toBeLessThan(3010);
    // No two frames closer than a period after the stall (no make-up burst).
    for (let i = 1; i < afterStall.length; i++) expect(afterStall[i]! - afterStall[i - 1]!).toBeGreaterThanOrEqual(100);
    // 7 s of clock with 2 s stalled: about 50 frames; making the missed 20 up would give 70.
    expect(calls.length).toBeLessThanOrEqual(52);
  });

  it("CL-SV3 stops calling once stopped", () => {
    const fn = vi.fn();
    const clock = startClock(100, fn, () => Date.now());
    vi.advanceTimersByTime(350);
    clock.stop();
    vi.advanceTimersByTime(1000);
    expect(fn).toHaveBeenCalledTimes(3);
  });
});
