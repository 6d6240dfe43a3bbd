import { LIMITS } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { replicaReport, reportMsg } from "../../test/harness.js";
import { jsonTextProblem, MAX_FIELDS, shapeProblem } from "./inputShape.js";

describe("shape check before the schemas", () => {
  it("lets a valid report through untouched", () => {
    expect(shapeProblem(reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]])]))).toBeUndefined();
  });

  it("refuses binary payloads at once, at the root or nested, naming the place", () => {
    const root = shapeProblem(Buffer.alloc(4 << 20));
    expect(root).toMatchObject({ code: "VALIDATION", message: expect.stringMatching(/binary data \(Buffer\)/) });
    const nested = shapeProblem({ type: "hello", node: new Uint8Array(1 << 20) });
    expect(nested?.issues?.[0]).toMatchObject({ path: "node", reason: expect.stringMatching(/binary data \(Uint8Array\)/) });
    expect(shapeProblem({ type: "ping", id: new ArrayBuffer(8) })?.issues?.[0]?.path).toBe("id");
  });

  // One issue, not one per key or item: the time of a refusal is covered by the hostile suite.
  it("stops at the first problem of a value the wrong shape in bulk", () => {
    const wideValue: Record<string, unknown> = JSON.parse(`{"type":"ping",${Array.from({ length: 300_000 }, (_, i) => `"k${i}":0`).join(",")}}`);
    const wide = shapeProblem(wideValue);
    expect(wide?.message).toMatch(/300001 fields/);
    expect(wide?.issues).toHaveLength(1);
    const longValue = { type: "report", replicas: new Array(2_000_000).fill(0) };
    const long = shapeProblem(longValue);
    expect(long?.issues?.[0]).toMatchObject({ path: "replicas", reason: expect.stringMatching(/too many items/) });
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = [deep];
    expect(shapeProblem({ type: "report", x: deep })?.message).toMatch(/nested deeper than 16 levels/);
    const manyValue = { type: "report", replicas: Array.from({ length: 60 }, () => new Array(LIMITS.vvEntries).fill(1)) };
    const nodes = shapeProblem(manyValue);
    expect(nodes?.message).toMatch(/JSON values in one message/);
  });

  it("refuses text that is not valid Unicode (a lone surrogate), in values and in field names", () => {
    expect(shapeProblem({ type: "hello", node: { name: "ok \ud83d\ude00" } })).toBeUndefined();
    expect(shapeProblem({ type: "hello", node: { name: "bad \ud800" } })?.issues?.[0]).toMatchObject({ path: "node.name", reason: expect.stringMatching(/lone surrogate/) });
    expect(shapeProblem({ type: "hello", node: { name: "\udc00 low first" } })?.issues?.[0]?.path).toBe("node.name");
    expect(shapeProblem({ type: "hello", ["x\ud800"]: 1 })?.message).toMatch(/field name with a lone surrogate/);
  });

  it("refuses what is not a JSON object at the root", () => {
    for (const v of [null, 42, "report", [], undefined]) expect(shapeProblem(v)?.code, String(v)).toBe("VALIDATION");
    expect(shapeProblem(new Map())?.message).toMatch(/non-JSON object/);
  });

  it("reads the same bounds off JSON text before it is parsed", () => {
    const report = JSON.stringify(reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3], ["r2", 1]], { summary: 'has "quotes", {braces} and [brackets]' })]));
    expect(jsonTextProblem(report)).toBeUndefined();
    expect(jsonTextProblem(`2/agents,["report",${report}]`, 0, LIMITS.jsonDepth + 1)).toBeUndefined();
    const wide = `{${Array.from({ length: MAX_FIELDS + 1 }, (_, i) => `"k${i}":0`).join(",")}}`;
    expect(jsonTextProblem(wide)).toMatch(/more than 32 fields/);
    expect(jsonTextProblem(`[${new Array(20_000).fill(0).join(",")}]`)).toMatch(/list of more than/);
    expect(jsonTextProblem(`${"[".repeat(17)}${"]".repeat(17)}`)).toMatch(/nested deeper than 16/);
    expect(jsonTextProblem(`{"s":"${"[".repeat(100)}"}`)).toBeUndefined(); // brackets inside strings do not count
    const many = `[${Array.from({ length: 60 }, () => `[${new Array(16_000).fill(1).join(",")}]`).join(",")}]`;
    expect(jsonTextProblem(many)).toMatch(/JSON values in one message/);
  });
});

