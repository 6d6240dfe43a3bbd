// collector-fold: where a report entry's CPU goes inside the collector, in one process, without
// sockets: JSON.parse of the report text (what raw socket.io's server mostly does), the checked
// loop, the fold into the metrics engine and the frames. The same cluster as collector-ingest
// (1,024 replicas, 8 agents, 160 vv entries per replica report, 2 updates/s, ticks of 20 Hz
// as reports of about 64 KB), in virtual time. The figures are ratios to the parse in this
// run, so they say what the 60 % target of collector-ingest asks of each part. Bounded: about 20 s.
import { loadavg } from "node:os";
import { MetricsEngine, ReportScanner } from "@driftscope/collector";
import { isValidReport, type ReplicaReport } from "@driftscope/protocol";
import { CONNECTIONS, ENTRIES, HZ, MAX_HZ, REPLICAS, REPLICAS_PER_CONNECTION, UPDATES_PER_SEC } from "./ingestCluster.ts";
import { report, type BenchResult } from "./report.ts";

const QUICK = process.argv.includes("--quick");
const AGENTS = CONNECTIONS;
const PER_AGENT = REPLICAS_PER_CONNECTION;
/** Agents at the protocol's fastest rate, as in collector-ingest's saturated phases. */
const TICK_HZ = MAX_HZ;
const FRAME_HZ = HZ;
/** Replica entries per report: about 64 KB, as the agent splits a tick. */
const PER_REPORT = 32;
const SECONDS = QUICK ? 4 : 8;
const START = 1_000_000;

const ids = Array.from({ length: REPLICAS }, (_, i) => `r${String(i).padStart(4, "0")}`);
const offset = ids.map((_, i) => (i * 0.6180339887) % 1);
/** Dots origin `o` has issued by `t`. */
const issuedBy = (o: number, t: number) => Math.max(0, Math.floor(((t - START) * UPDATES_PER_SEC) / 1000 + offset[o]!));

/** Each replica learns ENTRIES − 1 origins a tick (round robin), as they were 0–1.5 s ago. */
class SyntheticCluster {
  private readonly vv = ids.map(() => new Float64Array(REPLICAS));
  private readonly next = ids.map((_, r) => (r * 7) % REPLICAS);
  private readonly reportedOwn = ids.map(() => 0);
  private seed = 12345;

  private random(): number {
    this.seed = (this.seed * 1103515245 + 12345) & 0x7fffffff;
    return this.seed / 0x7fffffff;
  }

  /** One agent's tick as report texts. */
  tick(agent: number, now: number, first: boolean): string[] {
    const parts: string[] = [];
    for (let r = agent * PER_AGENT; r < (agent + 1) * PER_AGENT; r++) parts.push(this.entry(r, now, first));
    const out: string[] = [];
    for (let k = 0; k < parts.length; k += PER_REPORT) {
      out.push(`{"type":"report","agentId":"a${agent}","seq":1,"timeMs":${now},"replicas":[${parts.slice(k, k + PER_REPORT).join(",")}]}`);
    }
    return out;
  }

  private entry(r: number, now: number, first: boolean): string {
    const own = issuedBy(r, now);
    const v = this.vv[r]!;
    v[r] = own;
    const vv = [`["${ids[r]}",${own}]`];
    for (let j = 0; !first && j < ENTRIES - 1; j++) {
      let o = this.next[r]!;
      if (o === r) o = (o + 1) % REPLICAS;
      this.next[r] = (o + 1) % REPLICAS;
      v[o] = Math.max(v[o]!, issuedBy(o, now - this.random() * 1500));
      vv.push(`["${ids[o]}",${v[o]}]`);
    }
    const issued: string[] = [];
    for (let s = this.reportedOwn[r]! + 1; s <= own && issued.length < 64; s++) issued.push(`[${s},${START + ((s - offset[r]!) * 1000) / UPDATES_PER_SEC}]`);
    this.reportedOwn[r] = own;
    const sync = `{"sentMessages":2,"sentBytes":900,"receivedMessages":2,"receivedBytes":900,"merges":1,"changedMerges":1}`;
    return `{"replica":"${ids[r]}","seq":${own},${first ? '"full":true,' : ""}"vv":[${vv.join(",")}],"hash":"h${own}x${r}","bytes":${64 + own * 8},"summary":"count=${own}","issued":[${issued.join(",")}],"sync":${sync},"configVersion":1}`;
  }
}

export function run(): Promise<BenchResult> {
  const cluster = new SyntheticCluster();
  // Two engines fed the same reports: one as socket.io's default decoder gives them (JSON.parse),
  // one as the collector's socket decoder does (vectors scanned into engine numbers).
  const engine = new MetricsEngine({});
  const scanned = new MetricsEngine({});
  for (const e of [engine, scanned]) {
    for (let a = 0; a < AGENTS; a++) {
      e.registerAgent(`a${a}`, 1000 / TICK_HZ, START);
      for (let r = a * PER_AGENT; r < (a + 1) * PER_AGENT; r++) e.addReplica(ids[r]!, `a${a}`, "gcounter", START);
    }
  }
  const scanner = new ReportScanner(scanned.idNumbers);
  const ms = { parse: 0, count: 0, check: 0, fold: 0, frame: 0, scan: 0, scanCheck: 0, scanFold: 0 };
  let fallbacks = 0;
  let entries = 0;
  let frames = 0;
  const load0 = loadavg()[0]!;
  const ticks = SECONDS * TICK_HZ;
  for (let tick = 0; tick < ticks; tick++) {
    const now = START + 2000 + (tick * 1000) / TICK_HZ;
    for (let a = 0; a < AGENTS; a++) {
      for (const text of cluster.tick(a, now, tick === 0)) {
        let t0 = performance.now();
        const payload = JSON.parse(text) as { agentId: string; replicas: Array<{ vv: unknown[] }> };
        let t1 = performance.now();
        ms.parse += t1 - t0;
        // What the raw server does besides the parse: count the entries.
        let n = 0;
        for (const r of payload.replicas) n += r.vv.length;
        t0 = performance.now();
        ms.count += t0 - t1;
        if (!isValidReport(payload)) throw new Error("the synthetic report is invalid");
        t1 = performance.now();
        ms.check += t1 - t0;
        const folded = engine.ingestReport(payload.agentId, now, payload.replicas as ReplicaReport[], now);
        ms.fold += performance.now() - t1;
        if (folded !== n) throw new Error(`folded ${folded} of ${n} entries`);
        entries += folded;
        t0 = performance.now();
        let read = scanner.scan(text, 0, text.length) as typeof payload | undefined;
        if (read === undefined) {
          fallbacks++;
          read = JSON.parse(text) as typeof payload;
        }
        t1 = performance.now();
        ms.scan += t1 - t0;
        if (!isValidReport(read)) throw new Error("the scanned report is invalid");
        t0 = performance.now();
        ms.scanCheck += t0 - t1;
        if (scanned.ingestReport(read.agentId, now, read.replicas as ReplicaReport[], now) !== n) throw new Error("the scanned report folded otherwise");
        ms.scanFold += performance.now() - t0;
      }
    }
    if ((tick * FRAME_HZ) % TICK_HZ === 0) {
      const t0 = performance.now();
      engine.frame(now);
      ms.frame += performance.now() - t0;
      frames++;
    }
  }
  const us = (x: number) => (x * 1000) / entries;
  const parse = us(ms.parse);
  const raw = us(ms.parse + ms.count);
  const own = us(ms.check + ms.fold + ms.frame);
  const frameMs = ms.frame / frames;
  const scannedTotal = us(ms.scan + ms.scanCheck + ms.scanFold + ms.frame);
  const row = (part: string, perEntry: number, note = "") => ({ part, "µs per entry": perEntry, "÷ parse": perEntry / parse, note });
  // The 60 % target: the collector's whole cost per entry at most raw ÷ 0.6, so what it adds at most 2/3 of raw's.
  const allowed = raw / 0.6 - raw;
  return Promise.resolve(
    report({
      name: "collector-fold",
      title: `Collector fold in one process: ${REPLICAS} replicas, ${ENTRIES} vv entries per replica report, ${SECONDS} s of ${TICK_HZ} Hz ticks (${entries.toLocaleString("en-US")} entries), frames at ${FRAME_HZ} Hz`,
      rows: [
        row("JSON.parse of the report text", parse, "raw socket.io's server: this and the count"),
        row("raw: parse + count the entries", raw),
        row("checked loop (isValidReport)", us(ms.check)),
        row("fold (MetricsEngine.ingestReport)", us(ms.fold)),
        row("frames", us(ms.frame), `${frameMs.toFixed(1)} ms a frame; at ${FRAME_HZ} Hz ${((frameMs * FRAME_HZ) / 10).toFixed(1)} % of a core whatever the ingest rate`),
        row("collector beyond the parse", own, `allowed by the 60 % target: ${allowed.toFixed(3)} µs (${(allowed / parse).toFixed(2)} × parse)`),
        row("scan (the socket decoder: vectors read into engine numbers, the rest JSON.parse)", us(ms.scan), `in place of the parse; ${fallbacks} of the reports fell back to JSON.parse (new origins)`),
        row("checked loop of the scanned report", us(ms.scanCheck)),
        row("fold of packed vectors", us(ms.scanFold)),
        row("collector with the scanner, all of it", scannedTotal, `÷ raw ${(scannedTotal / raw).toFixed(2)} (with JSON.parse ${((parse + own) / raw).toFixed(2)})`),
      ],
      notes: [
        "no sockets, no metrics registry, no recording, one process: the server pays for these too (collector-ingest measures it end to end); the entries are what collector-ingest's fake agents send",
        `collector ÷ raw per entry in this process: ${((parse + own) / raw).toFixed(2)}, i.e. capacity at most ${((100 * raw) / (parse + own)).toFixed(0)} % of raw per CPU second before the server's own overheads; with the scanner ${(scannedTotal / raw).toFixed(2)}, at most ${((100 * raw) / scannedTotal).toFixed(0)} % (the frames counted once for both)`,
        `machine: 1-min load average ${load0.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end (shared machine); ratios are to the parse in this run`,
      ],
    }),
  );
}
