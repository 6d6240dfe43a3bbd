// Malformed and hostile messages: each must be refused with an error that names
// the field (path) and the reason, and the error itself must be a valid message.
import { describe, expect, it } from "vitest";
import * as f from "../test/fixtures.js";
import {
  AgentToCollectorSchema,
  ErrorMessageSchema,
  LIMITS,
  parseAgentEvent,
  parseDashboardEvent,
  parseIngestLine,
  parseMessage,
  type ParseResult,
  PROTOCOL_VERSION,
} from "./index.js";

type Mutable = Record<string, unknown>;

/** A report whose first replica entry is replaced by `change(entry)`. */
function reportWith(change: (replica: Mutable) => void): Mutable {
  const r = f.report() as unknown as { replicas: Mutable[] };
  change(r.replicas[0]!);
  return r as unknown as Mutable;
}

const agent = (m: unknown) => parseMessage(AgentToCollectorSchema, m);
const ev = (event: string) => (m: unknown) => parseAgentEvent(event, m);

interface Case {
  name: string;
  run: () => ParseResult<unknown>;
  code?: string;
  path: string;
  reason: RegExp;
}

const cases: Case[] = [
  // hello
  { name: "hello without agentId", run: () => agent({ ...f.hello(), agentId: undefined }), path: "agentId", reason: /required field is missing/ },
  { name: "hello with a numeric agentId", run: () => agent({ ...f.hello(), agentId: 7 }), path: "agentId", reason: /expected string, got 7/ },
  { name: "hello with a future protocol version", run: () => ev("hello")({ ...f.hello(), protocol: PROTOCOL_VERSION + 1 }), code: "PROTOCOL_VERSION", path: "protocol", reason: /unsupported protocol version/ },
  { name: "hello with protocol as a string", run: () => ev("hello")({ ...f.hello(), protocol: "1" }), path: "protocol", reason: /expected number, got "1"/ },
  { name: "hello hosting one replica twice", run: () => agent({ ...f.hello(), replicas: [{ id: "r-0", crdtType: "awset" }, { id: "r-0", crdtType: "awset" }] }), path: "replicas[1].id", reason: /listed twice/ },
  { name: "hello hosting too many replicas", run: () => agent({ ...f.hello(), replicas: Array.from({ length: LIMITS.replicasPerAgent + 1 }, (_, i) => ({ id: `r-${i}`, crdtType: "awset" })) }), path: "replicas", reason: /too many items \(max 4096\)/ },
  { name: "hello with an empty node name", run: () => agent({ ...f.hello(), node: { name: "" } }), path: "node.name", reason: /must not be empty/ },
  { name: "hello with an extra top-level field", run: () => agent({ ...f.hello(), admin: true }), path: "admin", reason: /unknown field/ },
  { name: "hello with an oversized token", run: () => agent({ ...f.hello(), token: "t".repeat(LIMITS.tokenLength + 1) }), path: "token", reason: /too long/ },
  { name: "hello claiming an unknown capability", run: () => agent({ ...f.hello(), capabilities: ["root"] }), path: "capabilities[0]", reason: /expected "config" or "gossip" or "workload" or "faults"/ },
  // ping
  { name: "ping with a negative id", run: () => agent({ ...f.ping(), id: -1 }), path: "id", reason: /must be >= 0/ },
  { name: "ping with a fractional id", run: () => agent({ ...f.ping(), id: 1.5 }), path: "id", reason: /expected an integer, got 1.5/ },
  { name: "ping with NaN time", run: () => agent({ ...f.ping(), agentTimeMs: Number.NaN }), path: "agentTimeMs", reason: /got NaN/ },
  { name: "ping with Infinity time", run: () => agent({ ...f.ping(), agentTimeMs: Number.POSITIVE_INFINITY }), path: "agentTimeMs", reason: /got Infinity/ },
  { name: "ping with -Infinity time", run: () => agent({ ...f.ping(), agentTimeMs: Number.NEGATIVE_INFINITY }), path: "agentTimeMs", reason: /got -Infinity/ },
  // report
  { name: "report with a negative seq", run: () => agent({ ...f.report(), seq: -3 }), path: "seq", reason: /must be >= 0/ },
  { name: "report with a non-integer seq", run: () => agent({ ...f.report(), seq: 2.5 }), path: "seq", reason: /expected an integer/ },
  { name: "report with a seq beyond safe integers", run: () => agent({ ...f.report(), seq: 2 ** 60 }), path: "seq", reason: /<= 9007199254740991/ },
  { name: "report with a string time", run: () => agent({ ...f.report(), timeMs: "now" }), path: "timeMs", reason: /expected number, got "now"/ },
  { name: "report with a time in the year 3000+", run: () => agent({ ...f.report(), timeMs: 4e13 }), path: "timeMs", reason: /must be <=/ },
  { name: "report without replicas", run: () => agent({ ...f.report(), replicas: undefined }), path: "replicas", reason: /required field is missing \(expected array\)/ },
  { name: "report with replicas as an object", run: () => agent({ ...f.report(), replicas: { "r-0": {} } }), path: "replicas", reason: /expected array, got an object/ },
  { name: "replica id with a space", run: () => agent(reportWith((r) => (r.replica = "r 0"))), path: "replicas[0].replica", reason: /may only contain/ },
  { name: "vv entry with three elements", run: () => agent(reportWith((r) => (r.vv = [["r-0", 1, 2]]))), path: "replicas[0].vv[0]", reason: /too many items \(max 2\)/ },
  { name: "vv entry with a negative seq", run: () => agent(reportWith((r) => (r.vv = [["r-0", -1]]))), path: "replicas[0].vv[0][1]", reason: /must be >= 0/ },
  { name: "vv entry for origin __proto__", run: () => agent(reportWith((r) => (r.vv = [["__proto__", 1]]))), path: "replicas[0].vv[0][0]", reason: /reserved name/ },
  { name: "vv as an object keyed by replica", run: () => agent(reportWith((r) => (r.vv = { "r-0": 1 }))), path: "replicas[0].vv", reason: /expected array, got an object/ },
  { name: "oversized vv", run: () => agent(reportWith((r) => (r.vv = Array.from({ length: LIMITS.vvEntries + 1 }, (_, i) => [`o${i}`, 1])))), path: "replicas[0].vv", reason: /too many items \(max 16384\)/ },
  { name: "empty hash", run: () => agent(reportWith((r) => (r.hash = ""))), path: "replicas[0].hash", reason: /hash must not be empty/ },
  { name: "oversized summary", run: () => agent(reportWith((r) => (r.summary = "x".repeat(LIMITS.stringLength + 1)))), path: "replicas[0].summary", reason: /too long \(max 256 characters\)/ },
  { name: "negative state size", run: () => agent(reportWith((r) => (r.bytes = -1))), path: "replicas[0].bytes", reason: /must be >= 0/ },
  { name: "hash without size and summary", run: () => agent(reportWith((r) => (delete r.bytes, delete r.summary))), path: "replicas[0].hash", reason: /come together/ },
  { name: "full entry without hash, size and summary", run: () => agent(reportWith((r) => (r.full = true, delete r.hash, delete r.bytes, delete r.summary))), path: "replicas[0].hash", reason: /a full entry carries/ },
  { name: "missing sync counters", run: () => agent(reportWith((r) => delete r.sync)), path: "replicas[0].sync", reason: /required field is missing/ },
  { name: "extra field in sync counters", run: () => agent(reportWith((r) => (r.sync = { ...f.counters(), extra: 1 }))), path: "replicas[0].sync.extra", reason: /unknown field/ },
  { name: "unknown replica status", run: () => agent(reportWith((r) => (r.status = "zombie"))), path: "replicas[0].status", reason: /expected "up" or "crashed", got "zombie"/ },
  { name: "issued dot with seq 0", run: () => agent(reportWith((r) => (r.issued = [[0, f.T0]]))), path: "replicas[0].issued[0][0]", reason: /must be >= 1/ },
  { name: "deep nesting where a string belongs", run: () => agent(reportWith((r) => (r.summary = [[[[[[[["deep"]]]]]]]]))), path: "replicas[0].summary", reason: /expected string, got an array/ },
  { name: "sync event of an unknown payload kind", run: () => agent({ ...f.report(), events: [{ replica: "r-0", dir: "sent", peer: "r-1", kind: "gossip", bytes: 1, timeMs: f.T0 }] }), path: "events[0].kind", reason: /expected "full" or "delta"/ },
  // prototype pollution attempts, as JSON.parse produces them (own keys)
  { name: "__proto__ own key at top level", run: () => agent(JSON.parse(`{"type":"bye","agentId":"a","__proto__":{"isAdmin":true}}`)), path: "__proto__", reason: /unknown field/ },
  { name: "constructor.prototype own key in a replica", run: () => agent(JSON.parse(JSON.stringify(f.report()).replace('"replica":"r-0"', '"replica":"r-0","constructor":{"prototype":{"x":1}}'))), path: "replicas[0].constructor", reason: /unknown field/ },
  // shape and type
  { name: "unknown message type", run: () => agent({ type: "hack", agentId: "a" }), path: "type", reason: /unknown type "hack"; expected one of: hello, ping, report, config-ack, bye/ },
  { name: "missing message type", run: () => agent({ agentId: "a" }), path: "type", reason: /required field is missing \(expected one of/ },
  { name: "message that is null", run: () => agent(null), path: "", reason: /expected object, got null/ },
  { name: "message that is an array", run: () => agent([f.ping()]), path: "", reason: /got an array/ },
  { name: "collector message sent by an agent", run: () => agent({ type: "welcome" }), path: "type", reason: /unknown type "welcome"/ },
  // config-ack and bye
  { name: "refusing config-ack without an error", run: () => agent({ ...f.configAck(), ok: false }), path: "error", reason: /required when ok is false/ },
  { name: "config-ack for no replicas", run: () => agent({ ...f.configAck(), replicas: [] }), path: "replicas", reason: /too few items \(min 1\)/ },
  { name: "bye with an over-long agent id", run: () => agent({ type: "bye", agentId: "a".repeat(LIMITS.idLength + 1) }), path: "agentId", reason: /longer than 128/ },
  // dashboards
  { name: "config-change with fanout 0", run: () => parseDashboardEvent("config-change", { ...f.configChange(), patch: { gossip: { fanout: 0 } } }), path: "patch.gossip.fanout", reason: /0 peers is too small/ },
  { name: "config-change setting version", run: () => parseDashboardEvent("config-change", { ...f.configChange(), patch: { version: 99 } }), path: "patch.version", reason: /unknown field/ },
  { name: "config-change without requestId", run: () => parseDashboardEvent("config-change", { type: "config-change", patch: {} }), path: "requestId", reason: /required field is missing/ },
  { name: "subscribe with an extra field", run: () => parseDashboardEvent("subscribe", { type: "subscribe", role: "admin" }), path: "role", reason: /unknown field/ },
  { name: "run-control with an unknown action", run: () => parseDashboardEvent("run-control", { type: "run-control", requestId: "q", action: "delete" }), path: "action", reason: /expected "start" or "stop", got "delete"/ },
  // raw lines
  { name: "NaN literal in a JSON line", run: () => parseIngestLine(`{"type":"ping","id":1,"agentTimeMs":NaN}`), code: "BAD_REQUEST", path: "", reason: /invalid JSON/ },
  { name: "a JSON line that is a bare string", run: () => parseIngestLine(`"hello"`), path: "", reason: /expected object, got "hello"/ },
];

describe("malformed and hostile messages", () => {
  it("has at least 30 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(30);
  });

  it.each(cases)("refuses $name", ({ run, code, path, reason }) => {
    const result = run();
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code ?? "VALIDATION");
    const issue = result.error.issues?.find((i) => i.path === path);
    expect(issue, `no issue at "${path}" in ${JSON.stringify(result.error.issues)}`).toBeDefined();
    expect(issue?.reason).toMatch(reason);
    // The message alone (what a log line shows) also names the field.
    if (path !== "") expect(result.error.message).toContain(path);
    expect(ErrorMessageSchema.safeParse(result.error).success).toBe(true);
  });

  it("never lets a hostile message touch Object.prototype", () => {
    for (const c of cases) c.run();
    expect(Object.prototype).not.toHaveProperty("isAdmin");
    expect(Object.prototype).not.toHaveProperty("x");
  });
});
