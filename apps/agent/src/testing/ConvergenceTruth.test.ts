import { describe, expect, it } from "vitest";
import { ConvergenceTruth } from "./ConvergenceTruth.js";

describe("ConvergenceTruth", () => {
  const truth = new ConvergenceTruth();
  truth.issued("a", 1, 1000);
  truth.included("a", "a", 1, 1, 1000);
  truth.included("b", "a", 1, 1, 1040);
  truth.included("c", "a", 1, 1, 1090);
  truth.included("c", "a", 1, 1, 1500); // a later inclusion of the same dot does not count

  it("a dot converges when the last replica includes it", () => {
    expect(truth.convergedAt("a", 1, ["a", "b", "c"])).toBe(1090);
    expect(truth.convergedAt("a", 1, ["a", "b", "c", "d"])).toBeUndefined();
  });

  it("samples within the tolerance pass, others are named", () => {
    expect(truth.compare([["a", 1, 1002, 88]], ["a", "b", "c"], 10)).toEqual({ compared: 1, problems: [] });
    const off = truth.compare([["a", 1, 1000, 300], ["a", 2, 1000, 5]], ["a", "b", "c"], 10);
    expect(off.compared).toBe(1);
    expect(off.problems).toEqual(["sample a#1: converged in 300 ms, the test measured 90 ms", "sample a#2: the test saw it never issued"]);
  });
});
