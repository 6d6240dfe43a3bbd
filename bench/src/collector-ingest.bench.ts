// collector-ingest: 1,024 replicas reporting through real socket.io from one agents process
// over 8 connections, a dashboard client in another, the server in a third.
// In one run: (1) a raw socket.io baseline — the same payloads to a server that only counts
// entries, offered up to 60 Hz — and the collector at 20 Hz, both offered more than they can
// take (agents not slowing down), which gives the raw throughput and the collector's
// capacity; (2) the collector at 50 %, 100 %, 200 % and 400 % of that capacity (the report
// rate set from it; past 20 Hz, more vv entries per report), agents following the interval it asks for. Each phase starts a fresh
// server; the raw and saturated phases run twice, alternating (once with --quick). Bounded:
// about 2.5 min.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { CONNECTIONS, ENTRIES, HZ, MAX_HZ, REPLICAS, REPLICAS_PER_CONNECTION, UPDATES_PER_SEC } from "./ingestCluster.ts";
import { report, type BenchResult, type BenchRow } from "./report.ts";
import { waitForLine } from "./process.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COLLECTOR = join(REPO, "apps", "collector");
const QUICK = process.argv.includes("--quick");
/**
 * The raw server's offer: it does not hold agents to the protocol's floor, and at 20 Hz it
 * took everything the agents sent, so its figure was the agents' ceiling, not its capacity.
 */
const RAW_HZ = 60;
const LOAD_MS = QUICK ? 10_000 : 15_000;
/** As long as the load points: a shorter window catches the server's first seconds (JIT, heap growth). */
const SATURATE_MS = LOAD_MS;
/** Left out of every measurement (connections, first whole vectors, the collector's first steps). */
const WARMUP_MS = 4_000;
const LOADS = [0.5, 1, 2, 4];
/** Raw-then-collector rounds for the share. */
const ROUNDS = QUICK ? 1 : 2;
/** Reports of about this size, as the agent splits a tick (its 64 KB); 0: one report per tick. */
const REPORT_BYTES = Number(process.env.COLLECTOR_BENCH_REPORT_BYTES ?? 64 * 1024);

function node(script: string, args: string[], env: Record<string, string> = {}, flags: string[] = []): ChildProcess {
  const tsx = import.meta.resolve("tsx");
  return spawn(process.execPath, [...flags, "--conditions=@driftscope/source", "--import", tsx, script, ...args], {
    cwd: COLLECTOR,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The last JSON line a helper prints before exiting. */
function jsonResult<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolveJson, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.stderr!.on("data", (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => reject(new Error(`helper did not finish within ${timeoutMs} ms`)), timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const line = out.trim().split("\n").at(-1) ?? "";
      try {
        resolveJson(JSON.parse(line) as T);
      } catch {
        reject(new Error(`helper exited ${code} without a JSON result; stderr: ${err.slice(-800)}`));
      }
    });
  });
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? "0");
  return kb / 1024;
}

/** CPU seconds a process has used (user + system). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function availableCores(): number {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").split("\n").filter((l) => l.startsWith("processor")).length;
  } catch {
    return 0;
  }
}

async function metric(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) if (line.startsWith(name) && !line.startsWith("#")) sum += Number(line.split(" ").at(-1));
  return sum;
}

async function shedCounts(url: string) {
  return {
    coalescedReports: await metric(url, "driftscope_ingest_coalesced_reports_total"),
    collapsedEntries: await metric(url, "driftscope_ingest_coalesced_entries_total"),
    droppedTimes: await metric(url, "driftscope_ingest_dropped_times_total"),
    slowdown: await metric(url, "driftscope_ingest_report_slowdown"),
    stretch: await metric(url, "driftscope_ingest_report_stretch"),
    held: await metric(url, "driftscope_rate_limited_total"),
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface AgentsResult { intervalMs: number; sentReports: number; skippedTicks: number; sentVvEntries: number; errors: number; firstError: string[] }
interface ProbeResult { countedMs: number; frames: number; p50: number | null; p99: number | null; max: number | null; measured: number; lastFrameAgeMs: number | null; samples: number }

interface Phase {
  server: "collector" | "raw";
  hz: number;
  follow: boolean;
  durationMs: number;
  /** vv entries per replica report (ENTRIES unless an overload point needs more than the fastest rate gives). */
  entries?: number;
}

interface PhaseResult {
  /** vv entries/s the server took in over the measured part (the collector: folded in after coalescing). */
  entriesPerSec: number;
  offeredPerSec: number;
  measuredS: number;
  probe: ProbeResult | null;
  agents: AgentsResult;
  coalescedReports: number;
  collapsedEntries: number;
  droppedTimes: number;
  slowdown: number;
  /** How many times further apart than asked the agents' ticks came in the measured window's last second (the collector's gauge). */
  stretch: number;
  /** Times the collector's byte and message budgets held a connection unread (all agents share one address here). */
  held: number;
  cpuShare: number;
  /** The agents process's CPU seconds per second over the same window. */
  agentsCpu: number;
  peakRssMb: number;
  load: [number, number];
}

/**
 * Entries per CPU second of the server: compares the two servers without depending on how
 * the cores were split between the server and the agents in each phase.
 */
const perCore = (r: PhaseResult) => r.entriesPerSec / Math.max(r.cpuShare, 0.01);

async function runPhase(phase: Phase, dir: string): Promise<PhaseResult> {
  const children: ChildProcess[] = [];
  try {
    const isCollector = phase.server === "collector";
    const server = isCollector
      ? node(join(COLLECTOR, "src", "cli.ts"), ["serve", "--port", "0", "--db", join(dir, `bench-${Date.now()}.db`), "--frame-hz", String(HZ), "--report-interval", String(1000 / HZ)], { DRIFTSCOPE_LOG_LEVEL: "error" }, (process.env.COLLECTOR_NODE_FLAGS ?? "").split(" ").filter((f) => f !== ""))
      : node(join(COLLECTOR, "bench", "rawServer.ts"), []);
    children.push(server);
    const url = await waitForLine(server, /listening on (http:\/\/\S+)/, 60_000);
    const load0 = loadavg()[0]!;
    const startMs = Date.now();
    const agents = node(join(COLLECTOR, "bench", "fakeAgents.ts"), [
      JSON.stringify({ url, connections: CONNECTIONS, replicasPerConnection: REPLICAS_PER_CONNECTION, hz: phase.hz, durationMs: phase.durationMs, entriesPerReplica: phase.entries ?? ENTRIES, updatesPerSec: UPDATES_PER_SEC, startMs, follow: phase.follow, reportBytes: REPORT_BYTES }),
    ]);
    children.push(agents);
    const agentsResult = jsonResult<AgentsResult>(agents, phase.durationMs + 60_000);
    // The machine may be slow to start a process: the clock starts when the agents are connected.
    await waitForLine(agents, /agents connected: (\d+)/, 60_000);
    const connectedMs = Date.now();
    const probe = isCollector ? node(join(COLLECTOR, "bench", "dashboardProbe.ts"), [JSON.stringify({ url, durationMs: phase.durationMs, startMs, measureFromMs: connectedMs + WARMUP_MS })]) : undefined;
    if (probe !== undefined) children.push(probe);
    const probeResult = probe === undefined ? Promise.resolve(null) : jsonResult<ProbeResult>(probe, phase.durationMs + 60_000);
    let peakRss = rssMb(server.pid!);
    const rssTimer = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, rssMb(server.pid!));
      } catch {
        // exited; reported below
      }
    }, 250);
    const entries = async () => (isCollector ? metric(url, "driftscope_ingest_vv_entries_total") : ((await (await fetch(`${url}/count`)).json()) as { entries: number }).entries);
    await sleep(WARMUP_MS);
    const e0 = await entries();
    const shed0 = isCollector ? await shedCounts(url) : undefined;
    const cpu0 = cpuSeconds(server.pid!);
    const agentsCpu0 = agents.exitCode === null ? cpuSeconds(agents.pid!) : NaN;
    const t0 = performance.now();
    await sleep(phase.durationMs - WARMUP_MS - 500);
    // CPU first: an overloaded collector may take a while to answer /metrics.
    const cpu1 = cpuSeconds(server.pid!);
    const agentsCpu1 = agents.exitCode === null ? cpuSeconds(agents.pid!) : NaN; // gone: its own error is reported below
    const t1 = performance.now();
    const e1 = await entries();
    // What was shed in the measured window (the warm-up's start-up transient left out, like the latencies).
    const shed1 = isCollector ? await shedCounts(url) : undefined;
    const shed =
      shed0 !== undefined && shed1 !== undefined
        ? { coalescedReports: shed1.coalescedReports - shed0.coalescedReports, collapsedEntries: shed1.collapsedEntries - shed0.collapsedEntries, droppedTimes: shed1.droppedTimes - shed0.droppedTimes, slowdown: shed1.slowdown, stretch: shed1.stretch, held: shed1.held - shed0.held }
        : { coalescedReports: 0, collapsedEntries: 0, droppedTimes: 0, slowdown: 1, stretch: 1, held: 0 };
    const sent = await agentsResult;
    const seen = await probeResult;
    clearInterval(rssTimer);
    const measuredS = (t1 - t0) / 1000;
    return {
      entriesPerSec: (e1 - e0) / measuredS,
      offeredPerSec: (sent.sentVvEntries * 1000) / phase.durationMs,
      measuredS,
      probe: seen,
      agents: sent,
      ...shed,
      cpuShare: (cpu1 - cpu0) / measuredS,
      agentsCpu: (agentsCpu1 - agentsCpu0) / measuredS,
      peakRssMb: peakRss,
      load: [load0, loadavg()[0]!],
    };
  } finally {
    // SIGTERM first: a server run with COLLECTOR_NODE_FLAGS="--cpu-prof" writes its profile as it exits.
    const running = children.filter((c) => c.exitCode === null && c.signalCode === null);
    for (const child of running) child.kill("SIGTERM");
    await Promise.race([Promise.all(running.map((c) => new Promise((r) => c.once("exit", r)))), new Promise((r) => setTimeout(r, 5000))]);
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  }
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "driftscope-bench-"));
  try {
    const saturate = { follow: false, durationMs: SATURATE_MS };
    // The machine's own speed drifts by a third within minutes: each share is taken between
    // neighbouring phases, raw then collector, and the rounds' shares are averaged.
    const rounds: Array<[raw: PhaseResult, collector: PhaseResult]> = [];
    const rows: BenchRow[] = [];
    for (let k = 1; k <= ROUNDS; k++) {
      const r = await runPhase({ server: "raw", hz: RAW_HZ, ...saturate }, dir);
      const c = await runPhase({ server: "collector", hz: MAX_HZ, ...saturate }, dir);
      rounds.push([r, c]);
      const round = ROUNDS > 1 ? `, round ${k}` : "";
      rows.push(phaseRow(`raw socket.io, saturated (${RAW_HZ} Hz${round})`, r, r.entriesPerSec));
      rows.push(phaseRow(`collector, saturated (agents not slowing${round})`, c, r.entriesPerSec));
    }
    const mean = (f: (round: [PhaseResult, PhaseResult]) => number) => rounds.reduce((sum, round) => sum + f(round), 0) / rounds.length;
    const rawPerSec = mean(([r]) => r.entriesPerSec);
    const capacity = mean(([, c]) => c.entriesPerSec);
    const points: Array<[number, PhaseResult]> = [];
    const capped: number[] = [];
    for (const share of LOADS) {
      // The load is set by the report rate; past the protocol's fastest (20 Hz) more of each
      // vector changes per report instead, as when the cluster's updates come faster.
      const wanted = (share * capacity) / (REPLICAS * ENTRIES);
      const hz = Math.min(MAX_HZ, Math.max(0.5, wanted));
      const entries = Math.min(REPLICAS, Math.round((ENTRIES * wanted) / hz));
      const result = await runPhase({ server: "collector", hz, entries, follow: true, durationMs: LOAD_MS }, dir);
      points.push([share, result]);
      const perReport = entries === ENTRIES ? "" : `, ${entries} vv entries a report`;
      // Say when the agents could not offer the share asked: the row is then not that load.
      const offered = hz * entries >= 0.97 * wanted * ENTRIES;
      if (!offered) capped.push(share * 100);
      rows.push(phaseRow(`collector at ${share * 100} % of capacity (${hz.toFixed(1)} Hz${perReport})${offered ? "" : ", NOT OFFERED"}`, result, rawPerSec));
    }
    const shares = rounds.map(([r, c]) => c.entriesPerSec / r.entriesPerSec);
    const coreShares = rounds.map(([r, c]) => perCore(c) / perCore(r));
    const share = mean(([r, c]) => c.entriesPerSec / r.entriesPerSec);
    const shareOfCore = mean(([r, c]) => perCore(c) / perCore(r));
    const pct = (xs: number[]) => xs.map((x) => `${(x * 100).toFixed(0)} %`).join(" and ");
    const perRound = (f: (round: [PhaseResult, PhaseResult]) => string | number) => rounds.map(f).join(" and ");
    const count = (x: number) => Math.round(x).toLocaleString("en-US");
    // Raw socket.io taking all the agents could send means the agents, not the server, set its figure.
    const rawUnsaturated = rounds.some(([r]) => r.agents.skippedTicks === 0 && r.entriesPerSec >= 0.97 * r.offeredPerSec);
    const fps = (r: PhaseResult) => (r.probe === null ? 0 : (r.probe.frames * 1000) / r.probe.countedMs);
    const all = points.map(([, r]) => r);
    const light = points.filter(([s]) => s <= 1).map(([, r]) => r);
    const worstP99 = Math.max(...all.map((r) => r.probe?.p99 ?? Infinity));
    const lightP99 = Math.max(...light.map((r) => r.probe?.p99 ?? Infinity));
    const lightCoalesced = light.reduce((n, r) => n + r.coalescedReports, 0);
    const minFps = Math.min(...all.map(fps));
    return report({
      name: "collector-ingest",
      title: `Collector ingest: ${REPLICAS} replicas over ${CONNECTIONS} socket.io connections, ${ENTRIES} vv entries per replica report${REPORT_BYTES > 0 ? `, ticks sent as ~${Math.round(REPORT_BYTES / 1024)} KB reports` : ""} — raw baseline, capacity, and 50–400 % of it`,
      rows,
      notes: [
        `saturated (agents ignoring the interval asked): p50/p99 ${perRound(([, c]) => `${c.probe?.p50 ?? "n/a"}/${c.probe?.p99 ?? "n/a"}`)} ms — what waits there is mostly in the loopback sockets' buffers, before the collector reads it; the targets below are for the load points, where agents follow`,
        `capacity (${ROUNDS > 1 ? `means of ${ROUNDS} rounds` : "one round"}): the collector folds ${count(capacity)} vv entries/s when offered ${count(mean(([, c]) => c.offeredPerSec))}/s by agents that do not slow down; raw socket.io (same payloads, a server that only counts) takes ${count(rawPerSec)}/s offered ${count(mean(([r]) => r.offeredPerSec))}/s (${RAW_HZ} Hz, ${perRound(([r]) => r.agents.skippedTicks)} ticks skipped), using ${mean(([r]) => r.cpuShare).toFixed(2)} cores; share per round ${pct(shares)}, mean ${(share * 100).toFixed(0)} %; per CPU second of each server ${pct(coreShares)}, mean ${(shareOfCore * 100).toFixed(0)} %`,
        ...(rawUnsaturated
          ? [`raw socket.io took everything the agents sent (${perRound(([r]) => r.agents.skippedTicks)} ticks skipped): its figure is what the agents could offer, a lower bound of its capacity, so ${(share * 100).toFixed(0)} % is an upper bound of the collector's share`]
          : []),
        `offered: vv entries/s the agents sent (saturated: the collector ${MAX_HZ} Hz, the protocol's fastest, raw socket.io ${RAW_HZ} Hz, which it does not refuse; both paced by acknowledgements; the load points set the report rate, and past ${MAX_HZ} Hz (the protocol's fastest) the vv entries per replica report instead, from the same synthetic cluster (more origins learned a tick); every replica entry also carries its issue times, hash and counters; the agents write each report's JSON text themselves and send it as the socket.io packet, so they are cheaper than the server reading it; ${REPORT_BYTES > 0 ? `a tick goes as reports of about ${Math.round(REPORT_BYTES / 1024)} KB (at most 8), as the agent splits it, the last one acknowledged` : "a tick goes as one report"}); accepted: vv entries/s folded into the metrics after coalescing (merged reports' entries of the same origin count once); cpu: CPU seconds per second of the server process and of the agents process`,
        "latency: each replica's configVersion carries its report's send time; the dashboard client takes frame arrival − send time for every replica whose value changed (same machine clock), after the warm-up; frames/s likewise",
        "ticks skipped: report ticks the agents skipped because their last report was not yet acknowledged or their socket held over four reports unsent (as the real agent does, no report is queued behind an unanswered one or a congested socket; docs/protocol.md §3.3); a tick skipped for want of an answer is sent when the answer comes, as the agent sends what it folded meanwhile then; held by budgets: times the collector's per-connection and per-address byte and message budgets held a connection unread in the measured window (every agent here shares one address)",
        `interval: the report interval the agents ran at the end (they start at 1000/Hz of the phase and follow what the collector asks); ticks apart: how many times further apart than asked the agents' ticks reached the collector in the last second measured (its driftscope_ingest_report_stretch: over 1, its acknowledgements paced them); coalesced: reports merged into a later one of the same agent / vv entries that collapsed / issue and inclusion times dropped (the bound), in the measured window; each phase ${LOAD_MS / 1000} s with a ${WARMUP_MS / 1000} s warm-up left out`,
        ...(capped.length === 0
          ? []
          : [`NOT OFFERED: ${capped.map((c) => `${c} %`).join(" and ")} of capacity — the vectors (${REPLICAS} origins) cannot change faster at ${MAX_HZ} Hz, the protocol's fastest`]),
        `machine: ${process.env.COLLECTOR_BENCH_NOTE ?? ""}${availableCores()} cores shared by the server, agents and dashboard processes (and whatever else runs); 1-min load average per phase in the load column`,
      ],
      targets: [
        { description: "capacity ≥ 60 % of the raw socket.io baseline", met: share >= 0.6, value: `${rawUnsaturated ? "≤ " : ""}${(share * 100).toFixed(0)} % (per CPU second ${(shareOfCore * 100).toFixed(0)} %)` },
        { description: "at every offered load: p99 agent send → dashboard frame < 1 s", met: worstP99 < 1000, value: `worst p99 ${worstP99} ms` },
        { description: "at every offered load: frames ≥ 8/s at the dashboard", met: minFps >= 8, value: `lowest ${minFps.toFixed(1)}/s` },
        { description: "at ≤ 100 % of capacity: p99 < 250 ms and nothing coalesced", met: lightP99 < 250 && lightCoalesced === 0, value: `p99 ${lightP99} ms, ${lightCoalesced} reports coalesced` },
      ],
    });

    function phaseRow(name: string, r: PhaseResult, rawPerSec: number): BenchRow {
      return {
        phase: name,
        "offered /s": Math.round(r.offeredPerSec),
        "accepted /s": Math.round(r.entriesPerSec),
        "of raw": `${((100 * r.entriesPerSec) / rawPerSec).toFixed(0)} %`,
        "p50 ms": r.probe?.p50 ?? "–",
        "p99 ms": r.probe?.p99 ?? "–",
        "frames/s": r.probe === null ? "–" : ((r.probe.frames * 1000) / r.probe.countedMs).toFixed(1),
        "interval ms": r.agents.intervalMs,
        "ticks apart ×": r.probe === null ? "–" : r.stretch.toFixed(1),
        "held by budgets": r.probe === null ? "–" : r.held,
        "coalesced rep/entries/times": r.probe === null ? "–" : `${r.coalescedReports}/${r.collapsedEntries}/${r.droppedTimes}`,
        "ticks skipped": r.agents.skippedTicks,
        "cpu server/agents": `${r.cpuShare.toFixed(2)}/${r.agentsCpu.toFixed(2)}`,
        "vv per server CPU-s": Math.round(perCore(r)),
        "RSS MB": Math.round(r.peakRssMb),
        load: `${r.load[0].toFixed(1)}→${r.load[1].toFixed(1)}`,
        errors: r.agents.errors,
      };
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
