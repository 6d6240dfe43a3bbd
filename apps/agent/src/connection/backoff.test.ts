import { describe, expect, it } from "vitest";
import { createBackoff } from "./backoff.js";
import { seeded } from "../random.js";

describe("backoff", () => {
  it("grows exponentially up to the cap when there is no jitter", () => {
    const b = createBackoff({ initialMs: 100, maxMs: 1000, factor: 2, jitter: 0 });
    expect([b.next(), b.next(), b.next(), b.next(), b.next(), b.next()]).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(b.attempts).toBe(6);
  });

  it("starts over after a reset (a successful connection)", () => {
    const b = createBackoff({ initialMs: 100, maxMs: 1000, jitter: 0 });
    b.next();
    b.next();
    b.reset();
    expect(b.attempts).toBe(0);
    expect(b.next()).toBe(100);
  });

  it("jitter spreads delays between (1 - jitter) × ceiling and the ceiling", () => {
    const b = createBackoff({ initialMs: 1000, maxMs: 1000, jitter: 0.5, random: seeded(7) });
    const delays = Array.from({ length: 200 }, () => b.next());
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(500);
    expect(Math.max(...delays)).toBeLessThanOrEqual(1000);
    // Agents cut off together must not all retry at the same instant.
    expect(new Set(delays).size).toBeGreaterThan(50);
  });

  it("never overflows during a very long outage", () => {
    const b = createBackoff({ initialMs: 250, maxMs: 10_000, jitter: 0 });
    for (let i = 0; i < 10_000; i++) b.next();
    expect(b.next()).toBe(10_000);
  });
});
