// The checked loop must say exactly what ReportSchema says: every generated report, valid
// or broken at a random place with a random value, gets the same verdict from both.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ReportSchema } from "./agent.js";
import { LIMITS } from "./limits.js";
import { isValidReport, parseReport } from "./reportCheck.js";

type Json = unknown;

/** A small deterministic PRNG (mulberry32): the fuzz is repeatable per seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const IDS = ["r0", "r1", "a.b:c_d-e", "x".repeat(LIMITS.idLength)];
const KINDS = ["full", "delta", "digest", "request", "ack"];

function validReport(rand: () => number): Record<string, unknown> {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const int = (n: number) => Math.floor(rand() * n);
  const replicas = Array.from({ length: int(4) }, (_, i) => {
    const vv = Array.from({ length: int(5) }, (_, j) => [`o${j}`, int(1000)]);
    const r: Record<string, unknown> = {
      replica: `r${i}`,
      seq: int(100),
      vv,
      sync: { sentMessages: int(9), sentBytes: int(9), receivedMessages: 0, receivedBytes: 0, merges: 1, changedMerges: 0 },
    };
    if (rand() < 0.5) Object.assign(r, { hash: "h+/=_-Z9", bytes: int(99), summary: "count=3" });
    if (rand() < 0.3 && r.hash !== undefined) r.full = true;
    if (rand() < 0.5) r.issued = Array.from({ length: int(4) }, (_, j) => [j + 1, 1_700_000_000_000 + j]);
    if (rand() < 0.5) r.included = Array.from({ length: int(4) }, (_, j) => [pick(IDS), j + 1, 1_700_000_000_000.5]);
    if (rand() < 0.3) r.configVersion = int(5);
    if (rand() < 0.3) r.status = pick(["up", "crashed"]);
    if (rand() < 0.3) r.incarnation = int(3);
    if (rand() < 0.3) (r.sync as Record<string, unknown>).byKind = { delta: { messages: 1, bytes: 2 }, ...(rand() < 0.5 ? { ack: { messages: 0, bytes: 0 } } : {}) };
    return r;
  });
  const report: Record<string, unknown> = { type: "report", agentId: pick(IDS), seq: int(50), timeMs: 1_700_000_000_000.25, replicas };
  if (rand() < 0.3) report.clock = { offsetMs: -3.5, rttMs: 1 };
  if (rand() < 0.3) report.dropped = { reports: 0, events: int(3) };
  if (rand() < 0.5) {
    report.events = Array.from({ length: int(3) }, () => {
      const dir = pick(["sent", "received", "merged"]);
      return { replica: "r0", dir, peer: "r1", kind: pick(KINDS), bytes: int(100), timeMs: 5, ...(dir === "merged" && rand() < 0.5 ? { changed: rand() < 0.5 } : {}) };
    });
  }
  return report;
}

const ODD_VALUES: Json[] = [
  -1, 0, 1, 1.5, -0, 2 ** 31 - 1, 2 ** 31, 2 ** 53, Number.MAX_SAFE_INTEGER, NaN, Infinity, -Infinity, LIMITS.timeMs, LIMITS.timeMs + 1,
  LIMITS.durationMs, -LIMITS.durationMs - 1, "", "r0", "o0", "a b", "constructor", "__proto__", "toString", "é", "x".repeat(LIMITS.idLength + 1),
  "y".repeat(LIMITS.stringLength + 1), "report", "merged", "sent", "delta", "up", "down", null, true, false, [], {}, ["o0", 1], ["o0", 1, 2], [1, 2], undefined,
];

/** A fresh odd value (shared arrays and objects would make the tree cyclic). */
const odd = (rand: () => number): Json => structuredClone(ODD_VALUES[Math.floor(rand() * ODD_VALUES.length)]);

/** Every place in a JSON tree: [parent, key]. */
function places(root: Json, out: Array<[Record<string, unknown> | unknown[], string | number]> = []): typeof out {
  if (Array.isArray(root)) {
    root.forEach((v, i) => {
      out.push([root, i]);
      places(v, out);
    });
  } else if (typeof root === "object" && root !== null) {
    for (const [k, v] of Object.entries(root)) {
      out.push([root as Record<string, unknown>, k]);
      places(v, out);
    }
  }
  return out;
}

/** Breaks (or keeps valid, by chance) a report at one random place. */
function mutate(report: Record<string, unknown>, rand: () => number): void {
  const all = places(report);
  if (all.length === 0) return;
  const [parent, key] = all[Math.floor(rand() * all.length)]!;
  const roll = rand();
  if (Array.isArray(parent)) {
    const i = key as number;
    if (roll < 0.15) parent.splice(i, 1);
    else if (roll < 0.3) parent.push(structuredClone(parent[i]));
    else if (roll < 0.4) parent.push("extra");
    else parent[i] = odd(rand);
  } else {
    const o = parent;
    if (roll < 0.15) delete o[key as string];
    else if (roll < 0.25) o[["colour", "full", "hash", "changed", "byKind", "clock"][Math.floor(rand() * 6)]!] = rand() < 0.5 ? true : { messages: 1, bytes: 1 };
    else o[key as string] = odd(rand);
  }
}

const zodSays = (input: unknown) => ReportSchema.safeParse(input).success;

describe("the report checked loop agrees with ReportSchema", () => {
  it("accepts every generated valid report, as zod does", () => {
    const rand = prng(1);
    for (let n = 0; n < 2000; n++) {
      const report = validReport(rand);
      expect(zodSays(report)).toBe(true);
      expect(isValidReport(report)).toBe(true);
    }
  });

  it("gives zod's verdict on 12,000 reports broken at random places (one to three edits)", () => {
    const rand = prng(42);
    let refused = 0;
    for (let n = 0; n < 12_000; n++) {
      const report = validReport(rand);
      const edits = 1 + Math.floor(rand() * 3);
      for (let e = 0; e < edits; e++) mutate(report, rand);
      const zod = zodSays(report);
      if (isValidReport(report) !== zod) expect.fail(`verdicts differ (zod: ${zod}) on ${JSON.stringify(report)}`);
      if (!zod) refused++;
    }
    expect(refused).toBeGreaterThan(6_000); // the fuzz really breaks most of them
  });

  it("agrees on reports fast-check builds from the schema's own ranges", () => {
    const id = fc.oneof(fc.stringMatching(/^[A-Za-z0-9._:-]{1,8}$/), fc.constantFrom("", "constructor", "a b", "x".repeat(129)));
    const num = fc.oneof(fc.integer({ min: -2, max: 2 ** 31 }), fc.double(), fc.constantFrom(2 ** 53, LIMITS.timeMs + 1));
    const replica = fc.record(
      {
        replica: id,
        seq: num,
        full: fc.boolean(),
        vv: fc.array(fc.tuple(id, num), { maxLength: 4 }),
        hash: fc.constantFrom("h1", "", "bad hash"),
        bytes: num,
        summary: fc.string({ maxLength: 4 }),
        issued: fc.array(fc.tuple(num, num), { maxLength: 3 }),
        included: fc.array(fc.tuple(id, num, num), { maxLength: 3 }),
        sync: fc.record({ sentMessages: num, sentBytes: fc.nat(), receivedMessages: fc.nat(), receivedBytes: fc.nat(), merges: fc.nat(), changedMerges: fc.nat() }),
        status: fc.constantFrom("up", "crashed", "gone"),
      },
      { requiredKeys: ["replica", "seq", "vv", "sync"] },
    );
    const report = fc.record({ type: fc.constantFrom("report", "hello"), agentId: id, seq: num, timeMs: num, replicas: fc.array(replica, { maxLength: 3 }) });
    fc.assert(fc.property(report, (r) => isValidReport(r) === zodSays(r)), { numRuns: 5000 });
  });

  it("agrees at the limits: a vector of exactly vvEntries, one more, and a report one entry over the total", () => {
    const sync = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };
    const vv = (n: number, from = 0) => Array.from({ length: n }, (_, j) => [`o${from + j}`, 1]);
    const at = { type: "report", agentId: "a", seq: 1, timeMs: 1, replicas: [{ replica: "r", seq: 1, vv: vv(LIMITS.vvEntries), sync }] };
    const over = { ...at, replicas: [{ replica: "r", seq: 1, vv: vv(LIMITS.vvEntries + 1), sync }] };
    const perReport = LIMITS.entriesPerReport / LIMITS.vvEntries;
    const total = { ...at, replicas: Array.from({ length: perReport + 1 }, (_, i) => ({ replica: `r${i}`, seq: 1, vv: vv(i === perReport ? 1 : LIMITS.vvEntries), sync })) };
    for (const input of [at, over, total]) expect(isValidReport(input)).toBe(zodSays(input));
    expect(isValidReport(at)).toBe(true);
    expect(isValidReport(total)).toBe(false);
  });

  it("remembers nothing that changes a verdict: an origin twice in one vector is refused after many reports had it once, and bad ids stay bad past the id cache's and the numbering's bounds", () => {
    const sync = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };
    const report = (vvs: Array<Array<[string, number]>>) => ({ type: "report", agentId: "a", seq: 1, timeMs: 1, replicas: vvs.map((vv, i) => ({ replica: `r${i}`, seq: 1, vv, sync })) });
    const once: Array<[string, number]> = [["o1", 1], ["o2", 2]];
    for (let k = 0; k < 50; k++) expect(isValidReport(report([once, once]))).toBe(true); // the same origins in two vectors: fine
    expect(isValidReport(report([once, [["o1", 1], ["o2", 2], ["o1", 3]]]))).toBe(false);
    expect(isValidReport(report([[["o1", 1], ["o1", 1]]]))).toBe(false);
    // Fill the id cache past its bound with valid ids, then ask about ids the pattern refuses.
    for (let k = 0; k < 20; k++) expect(isValidReport(report([Array.from({ length: 1000 }, (_, j) => [`n${k}-${j}`, 1] as [string, number])]))).toBe(true);
    // 20,000 origins: past the bound of the origins' numbering, which started again; repeats are still told apart.
    expect(isValidReport(report([[["n0-1", 1], ["o9", 1], ["n0-1", 2]]]))).toBe(false);
    expect(isValidReport(report([[["n19-999", 1], ["o9", 1]], [["n19-999", 1], ["n0-1", 1]]]))).toBe(true);
    for (const bad of ["", "a b", "toString", "x".repeat(LIMITS.idLength + 1)]) {
      const input = report([[["o1", 1], [bad, 1]]]);
      expect(isValidReport(input)).toBe(false);
      expect(zodSays(input)).toBe(false);
    }
  });

  it("parseReport returns the report itself when valid and zod's clear refusal when not", () => {
    const rand = prng(7);
    const report = validReport(rand);
    const ok = parseReport(report);
    expect(ok).toEqual({ ok: true, value: report });
    const bad = { ...report, seq: -1 };
    const refused = parseReport(bad);
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(refused.error.message).toMatch(/^invalid report: seq: /);
  });
});
