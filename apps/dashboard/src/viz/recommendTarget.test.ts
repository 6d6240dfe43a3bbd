import { describe, expect, it } from "vitest";
import { targetOf, targetText } from "./recommendTarget.js";

describe("recommendation target", () => {
  it("p95 under X ms, or under k update periods, with an optional byte budget", () => {
    expect(targetOf({ kind: "ms", value: "2000", budget: "" })).toEqual({ ok: true, target: { p95Ms: 2000 } });
    expect(targetOf({ kind: "periods", value: "2", budget: "500" })).toEqual({ ok: true, target: { p95UpdatePeriods: 2, maxBytesPerSecPerReplica: 500 } });
  });
  it("says which box is wrong", () => {
    expect(targetOf({ kind: "ms", value: "-1", budget: "" })).toMatchObject({ ok: false, reason: /positive number of ms/ });
    expect(targetOf({ kind: "ms", value: "10", budget: "lots" })).toMatchObject({ ok: false, reason: /byte budget/ });
  });
  it("reads the target at an update rate", () => {
    expect(targetText({ p95Ms: 2000 }, 10)).toBe("p95 ≤ 2 s");
    expect(targetText({ p95UpdatePeriods: 2, maxBytesPerSecPerReplica: 500 }, 10)).toBe("p95 ≤ 2 update periods (200 ms at 10 upd/s), ≤ 500 B/s per replica");
  });
});
