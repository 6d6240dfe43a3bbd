import { describe, expect, it } from "vitest";
import { displayGroups, moveToGroup, normalise, splitIntoGroups } from "./partitions.js";

const ids = ["r-1", "r-2", "r-3", "r-4", "r-5", "r-10"];

describe("partition editor", () => {
  it("splits into k near-equal groups in id order, every replica exactly once", () => {
    const g = splitIntoGroups(ids, 4);
    expect(g).toHaveLength(4);
    expect(g.flat().sort()).toEqual([...ids].sort());
    expect(g[0]).toEqual(["r-1"]);
    expect(Math.max(...g.map((x) => x.length)) - Math.min(...g.map((x) => x.length))).toBeLessThanOrEqual(1);
    expect(splitIntoGroups(ids, 1)).toEqual([]);
    expect(splitIntoGroups(ids, 99)).toHaveLength(6);
  });
  it("shows replicas in no group as one more group", () => {
    expect(displayGroups(ids, [["r-1", "r-2"]])).toEqual([["r-1", "r-2"], ["r-3", "r-4", "r-5", "r-10"]]);
    expect(displayGroups(ids, [])).toEqual([ids]);
  });
  it("moving replicas out of a group and into another keeps everyone once", () => {
    const g = moveToGroup([["r-1", "r-2"], ["r-3"]], ["r-2"], 1);
    expect(g).toEqual([["r-1"], ["r-3", "r-2"]]);
    expect(moveToGroup([["r-1"], ["r-3"]], ["r-1"], 1)).toEqual([]); // all together: healed
    expect(moveToGroup([["r-1", "r-2", "r-3"]], ["r-3"], 1)).toEqual([["r-1", "r-2"], ["r-3"]]);
  });
  it("a single group is no partition", () => {
    expect(normalise([["a", "b"], []])).toEqual([]);
  });
});
