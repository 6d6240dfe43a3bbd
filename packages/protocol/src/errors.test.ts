import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  ERROR_CODES,
  ErrorMessageSchema,
  formatIssues,
  formatPath,
  HTTP_STATUS_BY_CODE,
  LIMITS,
  parseMessage,
  protocolError,
} from "./index.js";

describe("formatPath", () => {
  it("writes paths the way a JavaScript reader would", () => {
    expect(formatPath(["replicas", 3, "vv", 0, 1])).toBe("replicas[3].vv[0][1]");
    expect(formatPath([])).toBe("");
    expect(formatPath([0, "type"])).toBe("[0].type");
    expect(formatPath(["byKind", "config-ack", "bytes"])).toBe('byKind["config-ack"].bytes');
  });
});

describe("formatIssues", () => {
  it("lists each unknown key as its own path", () => {
    const schema = z.strictObject({ a: z.strictObject({ b: z.number() }) });
    const r = schema.safeParse({ a: { b: 1, c: 2, d: 3 } });
    expect(r.success).toBe(false);
    if (!r.success) {
      expect(formatIssues(r.error)).toEqual([
        { path: "a.c", reason: "unknown field" },
        { path: "a.d", reason: "unknown field" },
      ]);
    }
  });

  it("accepts a plain issue array as well as a ZodError", () => {
    const r = z.number().safeParse("x");
    if (r.success) throw new Error("unreachable");
    expect(formatIssues(r.error.issues)).toEqual(formatIssues(r.error));
    expect(formatIssues(r.error)[0]?.reason).toMatch(/expected number/);
  });
});

describe("parseMessage", () => {
  const schema = z.strictObject({ type: z.literal("x"), n: z.int().min(0), s: z.string().max(3), list: z.array(z.int()).max(2) });

  it("returns the parsed value when valid", () => {
    expect(parseMessage(schema, { type: "x", n: 1, s: "ab", list: [] })).toEqual({
      ok: true,
      value: { type: "x", n: 1, s: "ab", list: [] },
    });
  });

  it("returns a VALIDATION error whose message names the first field and counts the rest", () => {
    const r = parseMessage(schema, { type: "x", n: -1, s: "abcd", list: [1, 2, 3] }, { ref: "x#1" });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe("VALIDATION");
    expect(r.error.ref).toBe("x#1");
    expect(r.error.message).toBe("invalid message: n: must be >= 0 (and 2 more problems)");
    expect(r.error.issues).toEqual([
      { path: "n", reason: "must be >= 0" },
      { path: "s", reason: "too long (max 3 characters)" },
      { path: "list", reason: "too many items (max 2)" },
    ]);
    expect(ErrorMessageSchema.safeParse(r.error).success).toBe(true);
  });

  it("never throws, whatever the input", () => {
    for (const input of [undefined, null, 0, "", [], () => 1, Symbol("s"), new Map(), Object.create(null)]) {
      expect(parseMessage(schema, input).ok).toBe(false);
    }
  });
});

describe("protocolError", () => {
  it("clips the message and the issue list to the limits, so the error itself is valid", () => {
    const issues = Array.from({ length: 200 }, (_, i) => ({ path: `p${i}`, reason: "r" }));
    const e = protocolError("INTERNAL", "m".repeat(10_000), { issues, ref: "r".repeat(1000) });
    expect(e.message.length).toBe(LIMITS.messageLength);
    expect(e.issues).toHaveLength(LIMITS.issuesPerError);
    expect(ErrorMessageSchema.safeParse(e).success).toBe(true);
  });

  it("maps every code to an HTTP error status", () => {
    for (const code of ERROR_CODES) expect(HTTP_STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
  });
});
