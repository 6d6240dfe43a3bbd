import { describe, expect, it } from "vitest";
import { seeded } from "../testRandom.js";
import { SampleBuffer } from "./samples.js";

describe("SampleBuffer", () => {
  it("keeps samples sorted by issue time when they arrive out of order", () => {
    const b = new SampleBuffer(100);
    const rand = seeded(3);
    for (let i = 0; i < 80; i++) b.add(0, i, i * 100 + rand() * 500, rand() * 1000);
    const { xs, length } = b.points();
    expect(length).toBe(80);
    for (let i = 1; i < length; i++) expect(xs[i]!).toBeGreaterThanOrEqual(xs[i - 1]!);
  });
  it("when full, thins the older half and keeps the recent half exact", () => {
    const b = new SampleBuffer(100);
    for (let i = 0; i < 1000; i++) b.add(0, i, i, i);
    expect(b.length).toBeLessThanOrEqual(100);
    expect(b.received).toBe(1000);
    const { xs, length } = b.points();
    // the newest 50 samples are all there
    expect(Array.from(xs.subarray(length - 50))).toEqual(Array.from({ length: 50 }, (_, i) => 950 + i));
    // the oldest is still the first ever issued: the whole run stays visible
    expect(xs[0]).toBe(0);
    expect(b.thinnedBeforeMs).toBeGreaterThan(0);
  });
});
