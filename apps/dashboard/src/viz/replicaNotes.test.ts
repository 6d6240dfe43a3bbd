import { describe, expect, it } from "vitest";
import { replicaNotes } from "./replicaNotes.js";

describe("replica notes", () => {
  it("a replica that never restarted has none", () => {
    expect(replicaNotes(undefined)).toEqual([]);
    expect(replicaNotes({ incarnation: 0 })).toEqual([]);
  });
  it("an incarnation above 0 says it restarted without its state", () => {
    expect(replicaNotes({ incarnation: 2 })).toEqual([{ key: "incarnation", short: "inc 2", text: "restarted without its state: incarnation 2" }]);
  });
  it("dot reuse is a warning naming the reused ids and how many replicas hold them", () => {
    const [, reuse] = replicaNotes({ incarnation: 1, dotReuse: { fromSeq: 1, toSeq: 45, holders: 14 } });
    expect(reuse).toMatchObject({ key: "dot-reuse", tone: "warn" });
    expect(reuse!.text).toBe("restarted empty and reuses update ids 1–45 that 14 replicas already hold: its updates' figures are not exact from then on");
  });
});
