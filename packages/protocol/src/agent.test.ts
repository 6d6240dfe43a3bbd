import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as f from "../test/fixtures.js";
import {
  AgentToCollectorSchema,
  checkHello,
  clockOffset,
  CollectorToAgentSchema,
  DEFAULT_CLUSTER_CONFIG,
  isTraced,
  LIMITS,
  parseMessage,
  PROTOCOL_VERSION,
  reportEntryCount,
  ReportSchema,
} from "./index.js";

function issuesOf(result: { ok: boolean; error?: { issues?: Array<{ path: string; reason: string }> } }) {
  expect(result.ok).toBe(false);
  return result.error?.issues ?? [];
}

describe("agent → collector messages", () => {
  it("accepts the valid examples and survives a JSON round trip unchanged", () => {
    for (const message of [f.hello(), f.ping(), f.report(), f.configAck(), { type: "bye", agentId: "node-a" }]) {
      const parsed = parseMessage(AgentToCollectorSchema, message);
      expect(parsed.ok, message.type).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.value).toEqual(message);
      expect(parseMessage(AgentToCollectorSchema, JSON.parse(JSON.stringify(parsed.value)))).toEqual(parsed);
    }
  });

  it("refuses a replica listed twice in one report, and an origin listed twice in one vv", () => {
    const r = f.report();
    r.replicas[1]!.replica = "r-0";
    r.replicas[0]!.vv.push(["r-1", 3]);
    expect(issuesOf(parseMessage(ReportSchema, r))).toEqual([
      { path: "replicas[0].vv[2][0]", reason: '"r-1" listed twice' },
      { path: "replicas[1].replica", reason: '"r-0" listed twice' },
    ]);
  });

  it("bounds the total of vv, issued and included entries in one report, telling the agent to split it", () => {
    const perReplica = LIMITS.vvEntries;
    const replicas = Math.floor(LIMITS.entriesPerReport / perReplica) + 1;
    const vv = Array.from({ length: perReplica }, (_, i) => [`o-${i}`, i] as [string, number]);
    const r = { ...f.report(), replicas: Array.from({ length: replicas }, (_, i) => ({ ...f.report().replicas[0], replica: `r-${i}`, vv })) };
    expect(reportEntryCount(r as never)).toBeGreaterThan(LIMITS.entriesPerReport);
    const issues = issuesOf(parseMessage(ReportSchema, r));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ path: "replicas", reason: expect.stringMatching(/split it/) });
  });

  it("requires an error on a refusing config-ack", () => {
    expect(issuesOf(parseMessage(AgentToCollectorSchema, { ...f.configAck(), ok: false }))).toEqual([
      { path: "error", reason: "required when ok is false" },
    ]);
    const refused = { ...f.configAck(), ok: false, error: { code: "BAD_REQUEST", message: "fanout larger than peers" } };
    expect(parseMessage(AgentToCollectorSchema, refused).ok).toBe(true);
  });

  it("keeps `changed` to merged sync events", () => {
    const r = f.report();
    (r.events[0] as { dir: string }).dir = "received";
    expect(issuesOf(parseMessage(ReportSchema, r))).toEqual([{ path: "events[0].changed", reason: 'only "merged" events carry changed' }]);
  });

  it("P-R1: any report built within the limits parses and round-trips through JSON", () => {
    const id = fc.stringMatching(/^[a-z][a-z0-9.-]{0,11}$/);
    const replicaArb = fc.record({
      replica: id,
      seq: fc.nat(),
      vv: fc.uniqueArray(fc.tuple(id, fc.nat()), { maxLength: 8, selector: (e) => e[0] }),
      hash: fc.stringMatching(/^[0-9a-f]{16}$/),
      bytes: fc.nat(),
      summary: fc.string({ maxLength: 64 }),
      issued: fc.array(fc.tuple(fc.integer({ min: 1 }), fc.double({ min: 0, max: 4e12, noNaN: true })), { maxLength: 4 }),
      sync: fc.record({
        sentMessages: fc.nat(),
        sentBytes: fc.nat(),
        receivedMessages: fc.nat(),
        receivedBytes: fc.nat(),
        merges: fc.nat(),
        changedMerges: fc.nat(),
      }),
      // Hash, size and summary travel together, or not at all (unchanged since the previous entry).
      stateUnchanged: fc.boolean(),
    }).map(({ stateUnchanged, hash, bytes, summary, ...rest }) => (stateUnchanged ? rest : { ...rest, hash, bytes, summary }));
    const reportArb = fc.record({
      type: fc.constant("report" as const),
      agentId: id,
      seq: fc.nat(),
      timeMs: fc.double({ min: 0, max: 4e12, noNaN: true }),
      replicas: fc.uniqueArray(replicaArb, { maxLength: 6, selector: (r) => r.replica }),
    });
    fc.assert(
      fc.property(reportArb, (report) => {
        const parsed = parseMessage(ReportSchema, report);
        expect(parsed.ok).toBe(true);
        expect(parseMessage(ReportSchema, JSON.parse(JSON.stringify(report)))).toEqual(parsed);
      }),
      { numRuns: 150 },
    );
  });
});

describe("collector → agent messages", () => {
  it("accepts welcome, pong, config, request-full and error", () => {
    const messages = [
      { type: "welcome", protocol: PROTOCOL_VERSION, agentId: "node-a", collectorTimeMs: f.T0, reportIntervalMs: 500, config: DEFAULT_CLUSTER_CONFIG, runId: null },
      { type: "pong", id: 1, agentTimeMs: f.T0, collectorTimeMs: f.T0 + 5 },
      { type: "config", config: DEFAULT_CLUSTER_CONFIG },
      { type: "request-full" },
      { type: "request-full", replicas: ["r-0"] },
      { type: "error", code: "UNAUTHORIZED", message: "token required" },
    ];
    for (const m of messages) expect(parseMessage(CollectorToAgentSchema, m).ok, m.type).toBe(true);
  });
});

describe("checkHello", () => {
  it("accepts the current protocol version", () => {
    expect(checkHello(f.hello())).toMatchObject({ ok: true, value: { agentId: "node-a" } });
  });

  it("refuses any other version with code PROTOCOL_VERSION naming the field", () => {
    for (const protocol of [0, PROTOCOL_VERSION + 1, 99]) {
      const r = checkHello({ ...f.hello(), protocol });
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.error.code).toBe("PROTOCOL_VERSION");
      expect(r.error.issues?.[0]).toEqual({ path: "protocol", reason: expect.stringContaining(`version ${protocol}`) });
    }
  });

  it("reports schema problems as VALIDATION before looking at the version", () => {
    const r = checkHello({ ...f.hello(), protocol: 2, agentId: "" });
    expect(!r.ok && r.error.code).toBe("VALIDATION");
  });
});

describe("helpers", () => {
  it("isTraced follows seq % k === 0 and never traces seq 0", () => {
    expect([1, 2, 3, 4, 5, 6].filter((s) => isTraced(s, 3))).toEqual([3, 6]);
    expect(isTraced(7, 1)).toBe(true);
    expect(isTraced(0, 1)).toBe(false);
  });

  it("clockOffset assumes symmetric delay: the midpoint of the exchange maps to collectorTimeMs", () => {
    // Agent clock runs 1000 ms behind; 40 ms round trip, 20 ms each way.
    const pong = { type: "pong" as const, id: 1, agentTimeMs: 5000, collectorTimeMs: 6020 };
    expect(clockOffset(pong, 5040)).toEqual({ offsetMs: 1000, rttMs: 40 });
  });
});
