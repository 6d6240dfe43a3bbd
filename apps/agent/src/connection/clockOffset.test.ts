import { describe, expect, it } from "vitest";
import { ClockOffsetEstimator } from "./clockOffset.js";
import { seeded } from "../random.js";

describe("clock offset", () => {
  it("is zero before any exchange", () => {
    const c = new ClockOffsetEstimator();
    expect(c.estimate).toBeUndefined();
    expect(c.toCollectorMs(1000)).toBe(1000);
  });

  it("finds the offset exactly when delays are symmetric", () => {
    const c = new ClockOffsetEstimator();
    // collector runs 5 s ahead; 10 ms each way
    c.add({ agentSendMs: 1000, collectorMs: 6010, agentReceiveMs: 1020 });
    expect(c.offsetMs).toBe(5000);
    expect(c.toCollectorMs(2000)).toBe(7000);
  });

  it("trusts the fastest round trip: asymmetric queueing delays do not skew it", () => {
    const rand = seeded(3);
    const trueOffset = -1234;
    const c = new ClockOffsetEstimator(16);
    let t = 0;
    for (let i = 0; i < 16; i++) {
      t += 1000;
      const up = 1 + rand() * (i === 5 ? 0 : 200); // one quiet exchange, the others congested one way
      const down = 1;
      c.add({ agentSendMs: t, collectorMs: t + up + trueOffset, agentReceiveMs: t + up + down });
    }
    expect(Math.abs(c.offsetMs - trueOffset)).toBeLessThanOrEqual(1);
    expect(c.estimate!.rttMs).toBeLessThanOrEqual(2);
  });

  it("ignores samples whose receive time precedes the send time", () => {
    const c = new ClockOffsetEstimator();
    expect(c.add({ agentSendMs: 100, collectorMs: 500, agentReceiveMs: 90 })).toBe(false);
    expect(c.estimate).toBeUndefined();
  });

  it("forgets old samples beyond the window, so a clock step is followed", () => {
    const c = new ClockOffsetEstimator(2);
    c.add({ agentSendMs: 0, collectorMs: 100, agentReceiveMs: 0 }); // rtt 0, offset 100
    c.add({ agentSendMs: 10, collectorMs: 515, agentReceiveMs: 20 }); // offset 500
    c.add({ agentSendMs: 30, collectorMs: 537, agentReceiveMs: 44 }); // offset 500
    expect(c.offsetMs).toBe(500);
    c.reset();
    expect(c.offsetMs).toBe(0);
  });
});
