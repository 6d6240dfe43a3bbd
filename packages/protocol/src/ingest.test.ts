import { describe, expect, it } from "vitest";
import * as f from "../test/fixtures.js";
import {
  DEFAULT_CLUSTER_CONFIG,
  ingestAnswer,
  IngestAnswerSchema,
  ingestStatus,
  LIMITS,
  parseIngestBody,
  parseIngestLine,
  PROTOCOL_VERSION,
} from "./index.js";

const line = (m: unknown) => JSON.stringify(m);

describe("parseIngestBody (NDJSON)", () => {
  it("accepts good lines and rejects bad ones with their 1-based line number, code and field", () => {
    const body = [
      line(f.hello()),
      "",
      line(f.report()),
      "{not json",
      line({ ...f.report(), seq: -1 }),
      line(f.ping()),
      line({ ...f.hello(), protocol: PROTOCOL_VERSION + 1 }),
      line(f.configAck()),
      "   ",
      line({ type: "bye", agentId: "node-a" }),
    ].join("\r\n");
    const r = parseIngestBody(body);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messages.map((m) => [m.line, m.message.type])).toEqual([
      [1, "hello"],
      [3, "report"],
      [8, "config-ack"],
      [10, "bye"],
    ]);
    expect(r.rejected).toEqual([
      { line: 4, code: "BAD_REQUEST", issues: [{ path: "", reason: expect.stringMatching(/^invalid JSON/) }] },
      { line: 5, code: "VALIDATION", issues: [{ path: "seq", reason: "must be >= 0" }] },
      { line: 6, code: "VALIDATION", issues: [{ path: "type", reason: expect.stringMatching(/unknown type "ping"; expected one of: hello, report, config-ack, bye/) }] },
      { line: 7, code: "PROTOCOL_VERSION", issues: [{ path: "protocol", reason: expect.stringMatching(/unsupported protocol version/) }] },
    ]);
  });

  it("accepts an empty body as nothing to do", () => {
    expect(parseIngestBody("")).toEqual({ ok: true, messages: [], rejected: [] });
    expect(parseIngestBody("\n\n")).toEqual({ ok: true, messages: [], rejected: [] });
  });

  it("refuses the whole body when it has too many lines or characters", () => {
    const many = Array.from({ length: LIMITS.ingestMessages + 1 }, () => "{}").join("\n");
    const r = parseIngestBody(many);
    expect(!r.ok && r.error.code).toBe("PAYLOAD_TOO_LARGE");
    const huge = parseIngestBody(" ".repeat(LIMITS.ingestBodyBytes + 1));
    expect(!huge.ok && huge.error.code).toBe("PAYLOAD_TOO_LARGE");
  });

  it("refuses a single over-long line without parsing it", () => {
    const r = parseIngestLine(`{"type":"bye","agentId":"${"a".repeat(LIMITS.messageBytes)}"}`);
    expect(!r.ok && r.error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("parseIngestBody (JSON array)", () => {
  it("numbers elements from 1 like lines", () => {
    const r = parseIngestBody(`  [${line(f.hello())}, {"type":"report"}, ${line(f.report())}]`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messages.map((m) => m.line)).toEqual([1, 3]);
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]).toMatchObject({ line: 2, code: "VALIDATION" });
    expect(r.rejected[0]?.issues.map((i) => i.path)).toEqual(["agentId", "seq", "timeMs", "replicas"]);
  });

  it("refuses a malformed array as a whole (nothing accepted)", () => {
    const r = parseIngestBody(`[${line(f.hello())},`);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringMatching(/invalid JSON array/) });
  });
});

describe("hostile ingest input", () => {
  it("refuses absurdly deep nesting before building it", () => {
    const deep = `{"type":"bye","agentId":${"[".repeat(100_000)}${"]".repeat(100_000)}}`;
    const r = parseIngestLine(deep);
    expect(!r.ok && r.error.issues).toEqual([{ path: "", reason: `JSON nested deeper than ${LIMITS.jsonDepth} levels` }]);
    const arrayBody = parseIngestBody(`[${"[".repeat(50)}${"]".repeat(50)}]`);
    expect(!arrayBody.ok && arrayBody.error.code).toBe("BAD_REQUEST");
  });

  it("names the field when moderate nesting hides where a value belongs", () => {
    const r = parseIngestLine(`{"type":"bye","agentId":[[[["x"]]]]}`);
    expect(!r.ok && r.error.issues).toEqual([{ path: "agentId", reason: "expected string, got an array" }]);
  });

  it("brackets inside strings do not count as nesting", () => {
    const r = parseIngestLine(line({ type: "bye", agentId: "node-a", reason: "[".repeat(200) + '\\"{' }));
    expect(r.ok).toBe(true);
  });

  it("JSON.parse-produced __proto__ keys are rejected and never reach Object.prototype", () => {
    const hostile = [
      `{"type":"bye","agentId":"a","__proto__":{"polluted":"yes"}}`,
      line(f.report()).replace('"replica":"r-0"', '"__proto__":{"polluted":"yes"},"replica":"r-0"'),
      line(f.report()).replace('"sentMessages"', '"constructor":{"prototype":{"polluted":"yes"}},"sentMessages"'),
    ].join("\n");
    const r = parseIngestBody(hostile);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.messages).toEqual([]);
    expect(r.rejected.map((x) => x.issues)).toEqual([
      [{ path: "__proto__", reason: "unknown field" }],
      [{ path: "replicas[0].__proto__", reason: "unknown field" }],
      [{ path: "replicas[0].sync.constructor", reason: "unknown field" }],
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it("accepted messages carry no inherited surprises: only the schema's own fields", () => {
    const r = parseIngestLine(line({ type: "bye", agentId: "node-a" }));
    expect(r.ok && Object.keys(r.value)).toEqual(["type", "agentId"]);
    expect(r.ok && Object.getPrototypeOf(r.value)).toBe(Object.prototype);
  });
});

describe("ingest answer", () => {
  it("sorts rejections by line, caps the list and counts the rest", () => {
    const rejected = Array.from({ length: LIMITS.ingestRejections + 5 }, (_, i) => ({
      line: LIMITS.ingestRejections + 5 - i,
      code: "VALIDATION" as const,
      issues: [{ path: "seq", reason: "must be >= 0" }],
    }));
    const answer = ingestAnswer({ accepted: 2, rejected, collectorTimeMs: f.T0, config: DEFAULT_CLUSTER_CONFIG });
    expect(answer.rejected).toHaveLength(LIMITS.ingestRejections);
    expect(answer.rejected[0]?.line).toBe(1);
    expect(answer.truncated).toBe(5);
    expect(IngestAnswerSchema.safeParse(answer).success).toBe(true);
  });

  it("answers 200 when anything was accepted or nothing was sent, 400 when every line was refused", () => {
    const bad = { line: 1, code: "VALIDATION" as const, issues: [] };
    expect(ingestStatus({ accepted: 1, rejected: [bad] })).toBe(200);
    expect(ingestStatus({ accepted: 0, rejected: [] })).toBe(200);
    expect(ingestStatus({ accepted: 0, rejected: [bad] })).toBe(400);
  });
});
