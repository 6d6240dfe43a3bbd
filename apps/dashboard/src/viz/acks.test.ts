import { describe, expect, it } from "vitest";
import { ackSummary, replicaAcks } from "./acks.js";

describe("acknowledgements per replica", () => {
  const info = new Map([["a", { applies: ["gossip" as const] }], ["b", { applies: ["gossip" as const] }], ["c", {}]]);
  it("lists live replicas and whether each runs the version (or a later one)", () => {
    const acks = replicaAcks(["a", "b", "c", "d"], { status: [0, 0, 0, 2], configVersion: [7, 6, 8, 0] }, 7, info, "gossip");
    expect(acks).toEqual([
      { id: "a", acked: true, applies: true },
      { id: "b", acked: false, applies: true },
      { id: "c", acked: true, applies: false },
    ]);
    expect(ackSummary(acks, 7)).toEqual({ text: "2/3 live replicas acknowledged v7 (1 does not apply the section)", done: false });
  });
  it("is done when every live replica acknowledged", () => {
    const acks = replicaAcks(["a", "b"], { status: [0, 0], configVersion: [7, 7] }, 7, info, "gossip");
    expect(ackSummary(acks, 7)).toEqual({ text: "✓ 2/2 live replicas acknowledged v7", done: true });
    expect(replicaAcks(["a"], null, 7, info, "gossip")).toEqual([]);
  });
});
