import { describe, expect, it } from "vitest";
import { asAgentId, asReplicaId, asRunId, isValidId, LIMITS, parseMessage, ReplicaIdSchema } from "./index.js";

describe("ids", () => {
  it("accepts the id alphabet up to the length limit", () => {
    for (const id of ["r-0", "node.a:7", "A_b-C.9", "x".repeat(LIMITS.idLength)]) {
      expect(isValidId(id), id).toBe(true);
    }
  });

  it("refuses empty, too long, spaced, slashed and non-string ids, saying why", () => {
    const cases: Array<[unknown, string]> = [
      ["", "must not be empty"],
      ["x".repeat(LIMITS.idLength + 1), "longer than 128"],
      ["has space", "may only contain"],
      ["a/b", "may only contain"],
      ["é", "may only contain"],
      [42, "expected string"],
    ];
    for (const [input, reason] of cases) {
      const r = parseMessage(ReplicaIdSchema, input);
      expect(r.ok, String(input)).toBe(false);
      if (!r.ok) expect(r.error.issues?.[0]?.reason).toContain(reason);
    }
  });

  it("refuses Object.prototype names so ids are safe as object keys", () => {
    for (const id of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      const r = parseMessage(ReplicaIdSchema, id);
      expect(r.ok, id).toBe(false);
      if (!r.ok) expect(r.error.issues?.[0]?.reason).toContain("reserved");
    }
  });

  it("asReplicaId/asAgentId/asRunId brand valid strings and throw a TypeError naming the problem", () => {
    expect(asReplicaId("r-1")).toBe("r-1");
    expect(asAgentId("agent:1")).toBe("agent:1");
    expect(asRunId("run.2")).toBe("run.2");
    expect(() => asReplicaId("bad id")).toThrow(TypeError);
    expect(() => asAgentId("")).toThrow(/agent id must not be empty/);
    expect(() => asRunId("constructor")).toThrow(/reserved/);
  });
});
