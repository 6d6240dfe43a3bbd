import { describe, expect, it } from "vitest";
import { Rng } from "../time/Rng.js";
import { Membership, StaticView, samplePeers } from "./Membership.js";

describe("membership", () => {
  it("G-M1: join and leave keep a deterministic order", () => {
    const m = new Membership(["a", "b", "c"]);
    expect(m.join("b")).toBe(false);
    expect(m.join("d")).toBe(true);
    expect(m.leave("b")).toBe(true);
    expect(m.leave("zz")).toBe(false);
    expect(m.members()).toEqual(["a", "c", "d"]);
    expect(m.has("b")).toBe(false);
    m.leave("a");
    expect(m.members()).toEqual(["c", "d"]);
    expect(m.size).toBe(2);
  });

  it("G-M2: samples distinct peers, never self, uniformly (both sampling strategies)", () => {
    const members = new StaticView(Array.from({ length: 10 }, (_, i) => `r${i}`));
    const rng = new Rng(5);
    const out: string[] = [];
    for (const fanout of [2, 6]) {
      const counts = new Map<string, number>();
      const trials = 20_000;
      for (let t = 0; t < trials; t++) {
        samplePeers(members, "r0", fanout, rng, out);
        if (out.length !== fanout || new Set(out).size !== fanout || out.includes("r0")) throw new Error(`bad sample ${out.join()}`);
        for (const p of out) counts.set(p, (counts.get(p) ?? 0) + 1);
      }
      const expected = (trials * fanout) / 9;
      for (const c of counts.values()) expect(Math.abs(c / expected - 1)).toBeLessThan(0.05);
    }
  });

  it("G-M3: a fanout larger than the view takes everyone else; an empty view takes no one", () => {
    const rng = new Rng(1);
    expect(samplePeers(new StaticView(["a", "b", "c"]), "a", 5, rng, []).sort()).toEqual(["b", "c"]);
    expect(samplePeers(new StaticView(["a"]), "a", 3, rng, [])).toEqual([]);
    expect(samplePeers(new StaticView(["b", "c"]), "a", 1, rng, [])).toHaveLength(1);
  });
});
