import { describe, expect, it } from "vitest";
import { BytesModel } from "./BytesModel.js";

describe("BytesModel", () => {
  it("predicts nothing before a measurement, then bytes in proportion to messages per second", () => {
    const m = new BytesModel();
    expect(m.predict(1, 100)).toBe(0);
    m.observe(1, 100, 10_000);
    expect(m.predict(1, 200)).toBeCloseTo(5_000);
    expect(m.predict(2, 100)).toBeCloseTo(20_000);
  });

  it("learns from two settled configs how bytes follow messages (payload-bound workloads hardly save by a longer interval)", () => {
    const m = new BytesModel();
    m.observe(1, 100, 20_000);
    m.observe(1, 200, 17_000); // half the messages, 15 % fewer bytes
    expect(m.beta).toBeCloseTo(Math.log(17 / 20) / Math.log(0.5));
    expect(m.predict(1, 400)).toBeGreaterThan(14_000);
  });

  it("a new workload forgets what was learned", () => {
    const m = new BytesModel();
    m.observe(1, 100, 20_000);
    m.observe(1, 200, 17_000);
    m.reset();
    expect(m.beta).toBe(1);
    expect(m.predict(1, 100)).toBe(0);
  });
});
