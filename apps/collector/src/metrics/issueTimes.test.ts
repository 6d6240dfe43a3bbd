import { describe, expect, it } from "vitest";
import { IssueTimes } from "./issueTimes.js";

describe("IssueTimes", () => {
  it("interpolates dots issued between two reports and keeps the report time for the last one", () => {
    const it_ = new IssueTimes(64);
    it_.advance(2, 1000);
    it_.advance(6, 2000);
    expect(it_.get(6)).toBe(2000);
    expect(it_.get(3)).toBe(1250);
    expect(it_.get(5)).toBe(1750);
    expect(it_.isExact(3)).toBe(false);
    expect(it_.get(7)).toBeUndefined();
  });

  it("uses exact issue times where given and re-estimates the rest between them", () => {
    const t = new IssueTimes(64);
    t.advance(0, 0);
    t.advance(4, 400, [[2, 120]]);
    expect(t.get(2)).toBe(120);
    expect(t.isExact(2)).toBe(true);
    expect(t.get(1)).toBe(60);
    expect(t.get(3)).toBe(260);
    expect(t.get(4)).toBe(400);
  });

  it("an exact time reported later overwrites a provisional estimate", () => {
    const t = new IssueTimes(64);
    t.advance(3, 900); // seen first in a peer's version vector
    t.advance(3, 1000, [[3, 850]]);
    expect(t.get(3)).toBe(850);
  });

  it("keeps only the newest seqs once the cap is reached", () => {
    const t = new IssueTimes(8);
    for (let s = 1; s <= 20; s++) t.advance(s, s * 10);
    expect(t.lowest).toBe(13);
    expect(t.get(12)).toBeUndefined();
    expect(t.getOrOldest(2)).toBe(130);
    expect(t.get(20)).toBe(200);
    // a huge jump does not allocate beyond the cap
    t.advance(1e12, 5000);
    expect(t.lowest).toBe(1e12 - 7);
    expect(t.get(1e12)).toBe(5000);
  });

  it("rejects a capacity that is not a power of two", () => {
    expect(() => new IssueTimes(100)).toThrow(RangeError);
  });
});
