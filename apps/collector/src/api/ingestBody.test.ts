// The sliced ingest parser says what the protocol's parseIngestBody says: the same
// accepted messages and line numbers, the same rejections, the same whole-body errors.
import { LIMITS, parseIngestBody } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../../test/harness.js";
import { TimeSlice } from "../ingest/timeSlice.js";
import { parseIngestBodyInSlices } from "./ingestBody.js";

const hello = JSON.stringify(helloMsg("py-1", ["r1", "r2"]));
const report = (seq: number) => JSON.stringify(reportMsg("py-1", seq, [replicaReport("r1", seq, [["r1", seq]])]));
const bigReport = JSON.stringify(reportMsg("py-1", 9, [replicaReport("r1", 3, Array.from({ length: 6000 }, (_, j) => [`o${j}`, j + 1] as [string, number]))]));

const bodies: Array<[name: string, body: string]> = [
  ["NDJSON with good and bad lines, blank lines and CRLF", [hello, "", report(1) + "\r", "{bad", '{"type":"ping","id":1,"agentTimeMs":1}', "42", report(2)].join("\n")],
  ["NDJSON with a large report", [hello, bigReport].join("\n")],
  ["a JSON array", `  [${hello}, ${report(1)} ,{"type":"bye","agentId":"py-1"}]  `],
  ["an empty array", "[]"],
  ["an empty body", ""],
  ["an array with a bad element", `[${hello}, {"type":"report"}, 5]`],
  ["an array with a large report", `[${bigReport}]`],
  ["a malformed array (unterminated)", `[${hello}, ${report(1)}`],
  ["a malformed array (trailing comma)", `[${hello},]`],
  ["a malformed array (text after it)", `[${hello}] x`],
  ["a malformed array (brace closes it)", `[${hello}}`],
  ["an array nested too deep", `[${"[".repeat(40)}${"]".repeat(40)}]`],
  ["a line nested too deep", `{"type":"report","x":${"[".repeat(100)}${"]".repeat(100)}}`],
  ["too many lines", Array.from({ length: LIMITS.ingestMessages + 1 }, () => "{}").join("\n")],
];

describe("ingest bodies parsed in slices", () => {
  it.each(bodies)("%s: same verdict as parseIngestBody", async (_name, body) => {
    const sliced = await parseIngestBodyInSlices(body, new TimeSlice(1));
    const whole = parseIngestBody(body);
    expect(sliced.ok).toBe(whole.ok);
    if (!sliced.ok || !whole.ok) {
      expect(sliced.ok ? undefined : sliced.error.code).toBe(whole.ok ? undefined : whole.error.code);
      return;
    }
    expect(sliced.messages).toEqual(whole.messages);
    expect(sliced.rejected.map((r) => [r.line, r.code, r.issues[0]?.path])).toEqual(whole.rejected.map((r) => [r.line, r.code, r.issues[0]?.path]));
  });

  it("refuses what the protocol's parser lets zod enumerate: binary-like bulk and lone surrogates", async () => {
    const wide = `{"type":"hello",${Array.from({ length: 50_000 }, (_, i) => `"k${i}":0`).join(",")}}`;
    const lone = JSON.stringify(helloMsg("py-2", ["r9"], { node: { name: "bad \ud800 name" } }));
    const result = await parseIngestBodyInSlices([wide, lone].join("\n"), new TimeSlice());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.messages).toEqual([]);
    expect(result.rejected.map((r) => [r.line, r.issues.length])).toEqual([
      [1, 1],
      [2, 1],
    ]);
    expect(result.rejected[1]!.issues[0]).toMatchObject({ path: "node.name", reason: expect.stringMatching(/lone surrogate/) });
  });
});
