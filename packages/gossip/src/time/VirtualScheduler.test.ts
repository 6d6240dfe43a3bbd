import { describe, expect, it } from "vitest";
import { RealScheduler } from "./RealScheduler.js";
import { Rng } from "./Rng.js";
import { VirtualScheduler } from "./VirtualScheduler.js";

describe("VirtualScheduler", () => {
  it("G-S1: runs callbacks in time order, ties in insertion order, and advances now()", () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.setTimeout(() => log.push(`b@${s.now()}`), 20);
    s.setTimeout(() => log.push(`a@${s.now()}`), 10);
    s.setTimeout(() => log.push(`c@${s.now()}`), 20);
    s.runUntil(15);
    expect(log).toEqual(["a@10"]);
    expect(s.now()).toBe(15);
    s.runUntil(100);
    expect(log).toEqual(["a@10", "b@20", "c@20"]);
    expect(s.now()).toBe(100);
  });

  it("G-S2: an event scheduled for the current instant runs after those already queued for it", () => {
    const s = new VirtualScheduler();
    const log: string[] = [];
    s.setTimeout(() => {
      log.push("tick1");
      s.setTimeout(() => log.push("delivery"), 0);
      s.defer(() => log.push("deferred"));
    }, 10);
    s.setTimeout(() => log.push("tick2"), 10);
    s.runFor(10);
    expect(log).toEqual(["tick1", "tick2", "delivery", "deferred"]);
  });

  it("G-S3: intervals repeat until cleared; cleared timers never run and are not pending", () => {
    const s = new VirtualScheduler();
    let ticks = 0;
    const t = s.setInterval(() => ticks++, 100);
    const once = s.setTimeout(() => ticks += 1000, 50);
    s.clearTimer(once);
    expect(s.pendingTimers).toBe(1);
    s.runUntil(1000);
    expect(ticks).toBe(10);
    s.clearTimer(t);
    s.clearTimer(t);
    expect(s.pendingTimers).toBe(0);
    s.runUntil(2000);
    expect(ticks).toBe(10);
    expect(s.step()).toBe(false);
  });

  it("G-S4: runUntilTrue stops at the first event after which the predicate holds", () => {
    const s = new VirtualScheduler();
    let n = 0;
    s.setInterval(() => n++, 7);
    expect(s.runUntilTrue(() => n === 3, 1000)).toBe(true);
    expect(s.now()).toBe(21);
    expect(s.runUntilTrue(() => n === -1, 100)).toBe(false);
    expect(s.now()).toBe(100);
  });
});

describe("Rng", () => {
  it("G-RNG1: is a pure function of the seed", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 8 }, () => a.nextUint32());
    expect(Array.from({ length: 8 }, () => b.nextUint32())).toEqual(sa);
    expect(Array.from({ length: 8 }, () => c.nextUint32())).not.toEqual(sa);
  });

  it("G-RNG2: draws uniformly enough for peer choice (chi-square over 16 buckets)", () => {
    const r = new Rng(7);
    const buckets = new Array<number>(16).fill(0);
    const n = 64_000;
    for (let i = 0; i < n; i++) buckets[r.int(16)]!++;
    const expected = n / 16;
    const chi2 = buckets.reduce((s, b) => s + (b - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(37.7); // p = 0.001 for 15 degrees of freedom
    for (let i = 0; i < 1000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });

  it("G-RNG3: fork gives a different stream, itself reproducible", () => {
    const a = new Rng(1).fork();
    const b = new Rng(1).fork();
    const parent = new Rng(1);
    expect(a.nextUint32()).toBe(b.nextUint32());
    expect(a.nextUint32()).not.toBe(parent.nextUint32());
  });
});

describe("RealScheduler", () => {
  it("G-S5: fires timeouts, not cleared ones, and counts what is pending", async () => {
    const s = new RealScheduler({ unref: true });
    const log: string[] = [];
    s.setTimeout(() => log.push("a"), 1);
    const t = s.setTimeout(() => log.push("never"), 2);
    s.clearTimer(t);
    const i = s.setInterval(() => log.push("i"), 1);
    s.defer(() => log.push("d"));
    expect(s.pendingTimers).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 30));
    s.clearTimer(i);
    expect(log).toContain("a");
    expect(log).toContain("d");
    expect(log).toContain("i");
    expect(log).not.toContain("never");
    expect(s.pendingTimers).toBe(0);
    expect(Math.abs(s.now() - Date.now())).toBeLessThan(1000);
  });
});
