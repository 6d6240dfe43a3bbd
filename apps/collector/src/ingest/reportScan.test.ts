import { AGENT_NAMESPACE, LIMITS, type ReplicaReport, type Report } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { replicaReport, reportMsg } from "../../test/harness.js";
import { IdTable } from "../metrics/idTable.js";
import { PACKED, packedOf, vvLength, vvPairs } from "../metrics/packedVv.js";
import { decodeReportPacket } from "./reportDecoder.js";
import { ReportScanner } from "./reportScan.js";

/** What the scanner's object means: its packed vectors written back as pairs (the packing itself left out). */
function unpacked(report: object): unknown {
  const r = report as Report;
  return { ...r, replicas: r.replicas.map((e) => ({ ...Object.fromEntries(Object.entries(e)), vv: vvPairs(e) })) };
}

const ORIGINS = Array.from({ length: 40 }, (_, i) => `r${i}`);

function setup(known = ORIGINS) {
  const ids = new IdTable();
  for (const o of known) ids.intern(o);
  return { ids, scanner: new ReportScanner(ids) };
}

/** A report text as socket.io-client writes it: `2/agent,<ack id>["report",{...}]`. */
const packet = (report: unknown, ack = 7) => `2${AGENT_NAMESPACE},${ack}${JSON.stringify(["report", report])}`;

/** A deterministic pseudo-random source (the same cases every run). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function sampleReport(rand: () => number, seq: number): Report {
  const replicas = Array.from({ length: 1 + Math.floor(rand() * 5) }, (_, i) => {
    const n = Math.floor(rand() * 12);
    const origins = [...ORIGINS].sort(() => rand() - 0.5).slice(0, n);
    const extra: Partial<ReplicaReport> = {};
    if (rand() < 0.3) extra.full = true;
    if (rand() < 0.4) extra.issued = [[1, 1000.5], [2, 1001]];
    if (rand() < 0.3) extra.included = [["r3", 1, 999]] as ReplicaReport["included"];
    if (rand() < 0.3) extra.summary = 'count="7" \\ é 中 \u2028';
    return replicaReport(`r${i}`, Math.floor(rand() * 1e6), origins.map((o) => [o, Math.floor(rand() * 2 ** 40)] as [string, number]), extra);
  });
  return reportMsg("agent-1", seq, replicas, rand() < 0.3 ? { events: [{ replica: "r0", dir: "sent", peer: "r1", kind: "delta", bytes: 10, timeMs: 5 }] as Report["events"] } : {});
}

describe("report scanner", () => {
  it("CL-PK1: a report's text reads as JSON.parse reads it, its vectors numbered by the engine's own ids, with the acknowledgement id", () => {
    const { ids, scanner } = setup();
    const rand = random(1);
    for (let k = 0; k < 300; k++) {
      const report = sampleReport(rand, k);
      const text = packet(report, k);
      const decoded = decodeReportPacket(text, scanner);
      expect(decoded, text).toBeDefined();
      expect(decoded!.id).toBe(k);
      expect(decoded!.nsp).toBe(AGENT_NAMESPACE);
      expect(decoded!.data[0]).toBe("report");
      expect(unpacked(decoded!.data[1])).toEqual(JSON.parse(JSON.stringify(report)));
      const first = (decoded!.data[1] as Report).replicas[0]!;
      const p = packedOf(first);
      expect(first.vv).toEqual([]);
      expect(vvLength(first)).toBe(report.replicas[0]!.vv.length);
      for (let i = p!.from; i < p!.to; i++) expect(ids.name(p!.ids[i]!)).toBe(report.replicas[0]!.vv[i - p!.from]![0]);
    }
    // No acknowledgement asked: no id.
    expect(decodeReportPacket(packet(sampleReport(rand, 1)).replace(",7[", ",["), scanner)?.id).toBeUndefined();
  });

  it("CL-PK2: whatever JSON.parse would read otherwise, or refuse, or the engine has not numbered yet, is left to socket.io's decoder", () => {
    const { scanner } = setup();
    const ok = (vv: string) => `2${AGENT_NAMESPACE},["report",{"type":"report","agentId":"a","seq":1,"timeMs":5,"replicas":[{"replica":"r0","seq":1,"vv":${vv},"sync":{}}]}]`;
    expect(decodeReportPacket(ok('[["r1",3],["r2",0]]'), scanner)).toBeDefined();
    for (const vv of [
      '[["r\\u0031",3]]', // an escape
      '[["r99",3]]', // an origin the engine does not know yet
      '[["r1",3],["r1",4]]', // listed twice
      '[["r1",03]]', // a leading zero (JSON.parse refuses it)
      '[["r1",3.0]]', // a fraction JSON.parse reads as 3
      '[["r1",3e2]]',
      '[["r1",-3]]',
      '[["r1",9007199254740992]]', // past 2^53 − 1
      '[["r1", 3]]', // whitespace
      '[["r1",3],]',
      '[["r1",3,4]]',
      '[["",3]]',
    ]) {
      expect(decodeReportPacket(ok(vv), scanner), vv).toBeUndefined();
    }
    const dup = `2${AGENT_NAMESPACE},["report",{"type":"report","agentId":"a","seq":1,"timeMs":5,"replicas":[{"replica":"r0","seq":1,"vv":[["r1",3]],"vv":[["r2",3]],"sync":{}}]}]`;
    expect(decodeReportPacket(dup, scanner)).toBeUndefined();
    expect(decodeReportPacket(ok('[["r1",3]]').replace('"replicas":', '"replicas":[],"replicas":'), scanner)).toBeUndefined();
    expect(decodeReportPacket(ok('[["r1",3]]').replace('"type"', '"ty\\u0070e"'), scanner)).toBeUndefined(); // an escaped key
    expect(decodeReportPacket(ok('[["r1",3]]').replace('"sync":{}', '"sync":{'), scanner)).toBeUndefined(); // not JSON
    expect(decodeReportPacket(ok('[["r1",3]]') + " ", scanner)).toBeUndefined();
    expect(new ReportScanner(setup().ids).scan('{"type":"report","replicas":5}', 0, 30)).toBeUndefined(); // not a list: the checks refuse it
    expect(decodeReportPacket(ok('[["r1",3]]').replace("/agent", "/dashboard"), scanner)).toBeUndefined();
    expect(decodeReportPacket(ok('[["r1",3]]').replace('["report"', '["hello"'), scanner)).toBeUndefined();
  });

  it("CL-PK2: more vv, issued and included entries than a report may hold are left to the decoder, so the refusal says so as before", () => {
    const { ids, scanner } = setup([]);
    const origins = Array.from({ length: 9000 }, (_, i) => `o${i}`);
    for (const o of origins) ids.intern(o);
    const replicas = Array.from({ length: 8 }, (_, i) => replicaReport(`x${i}`, 1, origins.map((o) => [o, 1] as [string, number])));
    const over = reportMsg("a", 1, replicas);
    expect(replicas.length * origins.length).toBeGreaterThan(LIMITS.entriesPerReport);
    expect(decodeReportPacket(packet(over), scanner)).toBeUndefined();
    const under = reportMsg("a", 1, replicas.slice(0, 7));
    expect(vvLength((decodeReportPacket(packet(under), scanner)!.data[1] as Report).replicas[6]!)).toBe(9000);
  });

  it("CL-PK3: a text changed anywhere is read as JSON.parse reads it, or left to the decoder — never read otherwise", () => {
    const { scanner } = setup();
    const rand = random(7);
    const alphabet = '[]{}",:0123456789.e-r \\';
    let taken = 0;
    for (let k = 0; k < 3000; k++) {
      const text = packet(sampleReport(rand, k));
      const at = Math.floor(rand() * text.length);
      const c = alphabet[Math.floor(rand() * alphabet.length)]!;
      const mutated = rand() < 0.5 ? text.slice(0, at) + text.slice(at + 1) : text.slice(0, at) + c + text.slice(at);
      const decoded = decodeReportPacket(mutated, scanner);
      if (decoded === undefined) continue;
      taken++;
      const json = mutated.slice(mutated.indexOf("["));
      let expected: unknown;
      try {
        expected = JSON.parse(json);
      } catch {
        expect.fail(`the scanner took a text JSON.parse refuses: ${mutated}`);
      }
      expect([decoded.data[0], unpacked(decoded.data[1])], mutated).toEqual(expected);
    }
    expect(taken).toBeGreaterThan(300); // most changes land in a string or number, and stay JSON
  });

  it("CL-PK1: the packed form is invisible to the shape checks (a symbol key), and copies keep it", () => {
    const { scanner } = setup();
    const decoded = decodeReportPacket(packet(reportMsg("a", 1, [replicaReport("r0", 1, [["r1", 2]])])), scanner)!;
    const entry = (decoded.data[1] as Report).replicas[0]!;
    expect(Object.keys(entry)).not.toContain(String(PACKED));
    expect(vvPairs({ ...entry })).toEqual([["r1", 2]]);
  });
});
