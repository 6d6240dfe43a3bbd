import { describe, expect, it } from "vitest";
import { KeyedBuckets, TokenBucket } from "./rateLimit.js";

describe("rate limiting", () => {
  it("a bucket allows its burst at once, then its rate", () => {
    const b = new TokenBucket(10, 5, 0);
    let allowed = 0;
    for (let i = 0; i < 20; i++) if (b.take(0)) allowed++;
    expect(allowed).toBe(5);
    expect(b.take(50)).toBe(false); // 0.5 token
    expect(b.take(100)).toBe(true); // 1 token after 100 ms at 10/s
    expect(b.take(100, 2)).toBe(false);
  });

  it("keyed buckets limit each key separately and stay bounded", () => {
    const k = new KeyedBuckets(1, 1, 2);
    expect(k.take("a", 0)).toBe(true);
    expect(k.take("a", 0)).toBe(false);
    expect(k.take("b", 0)).toBe(true);
    expect(k.take("c", 0)).toBe(true); // evicts, never grows past the cap
    expect(k.take("a", 5000)).toBe(true);
  });

  it("bytes already read go into debt; the debt says how long the sender must wait", () => {
    const b = new TokenBucket(1000, 500, 0);
    expect(b.spend(0, 400)).toBe(0);
    expect(b.spend(0, 600)).toBe(500); // 500 bytes of debt at 1000/s
    expect(b.waitMs(250, 1)).toBeCloseTo(251);
    expect(b.waitMs(1000, 100)).toBe(0);
    const k = new KeyedBuckets(1000, 1000);
    expect(k.spend("10.0.0.1", 0, 3000)).toBe(2000);
    expect(k.waitMs("10.0.0.2", 0, 1000)).toBe(0); // another address has its own budget
  });
});

