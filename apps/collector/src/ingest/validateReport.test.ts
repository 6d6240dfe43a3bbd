// The sliced validation of large reports must say what the protocol's parser says: the
// same value for a valid report, a refusal naming the same field for an invalid one.
import { LIMITS, parseAgentEvent, type Report, type ReplicaReport } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { replicaReport, reportMsg } from "../../test/harness.js";
import { validateReport } from "./validateReport.js";

const NOW = 1_700_000_000_000;

function entry(i: number, vvSize: number, extra: Partial<ReplicaReport> = {}): ReplicaReport {
  const vv = Array.from({ length: vvSize }, (_, j) => [`o${j}`, j + 1] as [string, number]);
  return replicaReport(`r${i}`, 5, vv, {
    issued: Array.from({ length: 500 }, (_, j) => [j + 1, NOW + j]) as ReplicaReport["issued"],
    included: Array.from({ length: 1500 }, (_, j) => [`o${j}`, j + 1, NOW + j]) as ReplicaReport["included"],
    ...extra,
  });
}

function big(replicas = 4, vvSize = 4000): Report {
  const events = Array.from({ length: 2000 }, (_, j) => ({ replica: "r0", dir: "sent", peer: "r1", kind: "delta", bytes: j, timeMs: NOW + j }));
  return reportMsg("a", 7, Array.from({ length: replicas }, (_, i) => entry(i, vvSize)), { events: events as Report["events"] });
}

// Edits reach into JSON copies freely; the point is to break them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

/** A deep copy with `edit` applied (the inputs are JSON, as they arrive). */
function edited(report: Report, edit: (r: Json) => void): Record<string, unknown> {
  const copy = JSON.parse(JSON.stringify(report)) as Json;
  edit(copy);
  return copy;
}

async function both(payload: Record<string, unknown>) {
  return { sliced: await validateReport(payload), whole: parseAgentEvent("report", payload) };
}

describe("sliced validation of large reports", () => {
  it("a large valid report gives the same value as the protocol's parser", async () => {
    const payload = JSON.parse(JSON.stringify(big())) as Record<string, unknown>;
    const { sliced, whole } = await both(payload);
    expect(sliced.ok).toBe(true);
    expect(whole.ok).toBe(true);
    if (sliced.ok && whole.ok) expect(sliced.value).toEqual(whole.value);
  });

  it("a valid report, small or large, is decided at once by the checked loop (no promise, no slices)", () => {
    for (const report of [reportMsg("a", 1, [replicaReport("r1", 1, [["r1", 1]])]), big()]) {
      const result = validateReport(JSON.parse(JSON.stringify(report)) as Record<string, unknown>);
      expect(result).not.toBeInstanceOf(Promise);
      expect(result).toMatchObject({ ok: true });
    }
  });

  const cases: Array<[name: string, edit: (r: Json) => void, path: string]> = [
    ["an origin that is not a string deep in a vector", (r) => (r.replicas[2].vv[3000][0] = 7), "replicas[2].vv[3000][0]"],
    ["a negative inclusion seq", (r) => (r.replicas[1].included[1400][1] = -1), "replicas[1].included[1400][1]"],
    ["an issue time past the year 3000", (r) => (r.replicas[3].issued[499][1] = LIMITS.timeMs + 1), "replicas[3].issued[499][1]"],
    ["a replica listed twice", (r) => (r.replicas[3].replica = "r1"), "replicas[3].replica"],
    ["an origin listed twice in one vector", (r) => (r.replicas[0].vv[2500][0] = "o7"), "replicas[0].vv[2500][0]"],
    ["an unknown field in a replica entry", (r) => (r.replicas[1].colour = "red"), "replicas[1].colour"],
    ["a hash without its size and summary", (r) => delete r.replicas[0].bytes, "replicas[0].hash"],
    ["a bad sync event", (r) => (r.events[1500].dir = "sideways"), "events[1500].dir"],
    ["a bad envelope field", (r) => (r.seq = -1), "seq"],
    ["a vector longer than allowed", (r) => (r.replicas[0].vv = Array.from({ length: LIMITS.vvEntries + 1 }, (_, j) => [`o${j}`, 1])), "replicas[0].vv"],
    ["more entries than a report may carry", (r) => r.replicas.push(...Array.from({ length: 14 }, (_, i) => JSON.parse(JSON.stringify(entry(10 + i, 4000))))), "replicas"],
    ["replicas that are not a list", (r) => (r.replicas = { r0: 1 }), "replicas"],
    ["a replica entry that is not an object", (r) => (r.replicas[2] = "r2"), "replicas[2]"],
  ];

  it.each(cases)("%s: refused like the protocol's parser, naming the field", async (_name, edit, path) => {
    const { sliced, whole } = await both(edited(big(), edit));
    expect(whole.ok).toBe(false);
    expect(sliced.ok).toBe(false);
    if (sliced.ok || whole.ok) return;
    expect(sliced.error.code).toBe(whole.error.code);
    expect(whole.error.issues?.map((i) => i.path)).toContain(path);
    expect(sliced.error.issues?.[0]?.path).toBe(path);
    expect(sliced.error.message).toMatch(/^invalid report: /);
  });

  it("a report wrong in bulk is refused at its first failing chunk, not item by item", async () => {
    const payload = edited(big(4, 16_000), (r) => {
      for (const rep of r.replicas) for (const e of rep.vv) e[0] = 1;
    });
    const result = await validateReport(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues!.length).toBeLessThanOrEqual(LIMITS.issuesPerError);
  });
});
