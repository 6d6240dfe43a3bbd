// Text on the wire is valid Unicode: a lone UTF-16 surrogate cannot be written as UTF-8
// (exports, SQLite, clients in other languages), so the schemas refuse it, naming the field.
import { describe, expect, it } from "vitest";
import * as f from "../test/fixtures.js";
import { checkHello, LongTextSchema, loneSurrogateAt, parseDashboardEvent, ShortTextSchema, TokenSchema } from "./index.js";

describe("valid Unicode in text", () => {
  it("refuses a hello whose node name holds a lone surrogate, naming node.name and the place", () => {
    const result = checkHello({ ...f.hello(), node: { name: "node \ud800a" } });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe("VALIDATION");
    expect(result.error.issues).toContainEqual({ path: "node.name", reason: "text with a lone surrogate at character 5 (not valid Unicode) refused" });
    expect(result.error.message).toContain("node.name");
  });

  it("refuses a low surrogate without its high half and a high one at the end", () => {
    expect(loneSurrogateAt("ab\udc00")).toBe(2);
    expect(loneSurrogateAt("ab\ud83d")).toBe(2);
    expect(ShortTextSchema.safeParse("x\udc00y").success).toBe(false);
    expect(LongTextSchema.safeParse("\ud800").success).toBe(false);
    expect(TokenSchema.safeParse("tok\udfff").success).toBe(false);
  });

  it("accepts text with well-formed pairs (emoji, CJK extension B) and no surrogate at all", () => {
    for (const text of ["node 😀", "𠀀𠀁", "plain", "", "é ü ß"]) {
      expect(loneSurrogateAt(text)).toBe(-1);
      expect(ShortTextSchema.safeParse(text).success).toBe(true);
    }
    expect(checkHello({ ...f.hello(), node: { name: "node 😀" } }).ok).toBe(true);
  });

  it("refuses a run-control whose run name holds a lone surrogate", () => {
    const result = parseDashboardEvent("run-control", { type: "run-control", requestId: "q1", action: "start", name: "run \udc01" });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues?.[0]?.path).toBe("name");
  });
});
