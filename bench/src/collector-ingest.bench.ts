// collector-ingest: 1,024 replicas reporting at 10 Hz through real socket.io from a second
// process, a dashboard client in a third, the collector in a fourth (its own RSS).
// Measures sustained ingest (version-vector entries/s, from the collector's own /metrics
// counter over the steady part of the run), p99 latency from agent send to dashboard frame,
// and the collector's resident memory. Bounded: stops by itself after DURATION_MS.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "./report.ts";
import { waitForLine } from "./process.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COLLECTOR = join(REPO, "apps", "collector");
const DURATION_MS = Number(process.env.COLLECTOR_BENCH_MS ?? 20_000);
const WARMUP_MS = 5_000;
const CONNECTIONS = 8;
const REPLICAS_PER_CONNECTION = 128;
const HZ = 10;
const ENTRIES_PER_REPLICA = 24;
const UPDATES_PER_SEC = 2;

function node(script: string, args: string[], env: Record<string, string> = {}): ChildProcess {
  const tsx = import.meta.resolve("tsx");
  return spawn(process.execPath, ["--conditions=@driftscope/source", "--import", tsx, script, ...args], {
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
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
  return kb / 1024;
}

function availableCores(): number {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").split("\n").filter((l) => l.startsWith("processor")).length;
  } catch {
    return 0;
  }
}

async function counter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) if (line.startsWith(name) && !line.startsWith("#")) sum += Number(line.split(" ").at(-1));
  return sum;
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "driftscope-bench-"));
  const children: ChildProcess[] = [];
  try {
    const collector = node(join(COLLECTOR, "src", "cli.ts"), ["serve", "--port", "0", "--db", join(dir, "bench.db"), "--frame-hz", String(HZ), "--report-interval", String(1000 / HZ)], {
      DRIFTSCOPE_LOG_LEVEL: "warn",
    });
    children.push(collector);
    const url = await waitForLine(collector, /listening on (http:\/\/\S+)/, 60_000);
    const baseRss = rssMb(collector.pid!);

    const startMs = Date.now();
    const probe = node(join(COLLECTOR, "bench", "dashboardProbe.ts"), [JSON.stringify({ url, durationMs: DURATION_MS + 3000, startMs })]);
    children.push(probe);
    const probeResult = jsonResult<{ deliveryP50: number | null; deliveryP99: number | null; frames: number; samples: number; maxReplicas: number; measured: number; p50: number | null; p99: number | null; max: number | null }>(probe, DURATION_MS + 60_000);
    const agents = node(join(COLLECTOR, "bench", "fakeAgents.ts"), [
      JSON.stringify({ url, connections: CONNECTIONS, replicasPerConnection: REPLICAS_PER_CONNECTION, hz: HZ, durationMs: DURATION_MS, entriesPerReplica: ENTRIES_PER_REPLICA, updatesPerSec: UPDATES_PER_SEC, startMs }),
    ]);
    children.push(agents);
    const agentResult = jsonResult<{ tickLagP99: number | null; buildP99: number | null; sentReports: number; sentEntries: number; welcomed: number; errors: number; firstError: string[] }>(agents, DURATION_MS + 60_000);

    const loadBefore = loadavg()[0]!;
    let peakRss = baseRss;
    const rssTimer = setInterval(() => {
      try {
        peakRss = Math.max(peakRss, rssMb(collector.pid!));
      } catch {
        // the collector exited; reported below
      }
    }, 250);
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const entries0 = await counter(url, "driftscope_ingest_vv_entries_total");
    const t0 = performance.now();
    await new Promise((r) => setTimeout(r, DURATION_MS - WARMUP_MS - 1000));
    const entries1 = await counter(url, "driftscope_ingest_vv_entries_total");
    const t1 = performance.now();
    const reports = await counter(url, 'driftscope_ingest_messages_total{type="report"');
    const rejected = await counter(url, "driftscope_ingest_rejected_total");
    const rateLimited = await counter(url, "driftscope_rate_limited_total");
    const traceEveryK = ((await (await fetch(`${url}/api/v1/config`)).json()) as { telemetry: { traceEveryK: number } }).telemetry.traceEveryK;
    const sent = await agentResult;
    const seen = await probeResult;
    clearInterval(rssTimer);
    const endRss = rssMb(collector.pid!);
    collector.kill("SIGTERM");
    await new Promise((r) => collector.once("exit", r));

    const entriesPerSec = ((entries1 - entries0) * 1000) / (t1 - t0);
    const rows = [
      { figure: "replicas", value: CONNECTIONS * REPLICAS_PER_CONNECTION, unit: "" },
      { figure: "agent connections (1 process)", value: CONNECTIONS, unit: "" },
      { figure: "report rate per replica", value: HZ, unit: "Hz" },
      { figure: "vv entries per replica report", value: ENTRIES_PER_REPLICA, unit: "" },
      { figure: "sustained ingest", value: Math.round(entriesPerSec), unit: "vv entries/s" },
      { figure: "reports accepted", value: reports, unit: "" },
      { figure: "rejected / rate-limited", value: `${rejected} / ${rateLimited}`, unit: "" },
      { figure: "frames received by the dashboard", value: seen.frames, unit: "" },
      { figure: "latency p50 agent send → dashboard frame", value: seen.p50 ?? "n/a", unit: "ms" },
      { figure: "latency p99 agent send → dashboard frame", value: seen.p99 ?? "n/a", unit: "ms" },
      { figure: "latency max", value: seen.max ?? "n/a", unit: "ms" },
      { figure: "latency measurements", value: seen.measured, unit: "" },
      { figure: "convergence samples streamed", value: seen.samples, unit: "" },
      { figure: "traceEveryK the collector chose", value: traceEveryK, unit: "" },
      { figure: "collector RSS idle / peak / end", value: `${baseRss.toFixed(0)} / ${peakRss.toFixed(0)} / ${endRss.toFixed(0)}`, unit: "MB" },
    ];
    return report({
      name: "collector-ingest",
      title: `Collector ingest: ${CONNECTIONS * REPLICAS_PER_CONNECTION} replicas at ${HZ} Hz over socket.io (${DURATION_MS / 1000} s)`,
      rows,
      notes: [
        `agents: one child process, ${CONNECTIONS} socket.io connections × ${REPLICAS_PER_CONNECTION} replicas, ${ENTRIES_PER_REPLICA} vv entries per replica per report (sparse changes) + issue times; the collector and a dashboard client each in their own process`,
        `ingest measured from the collector's driftscope_ingest_vv_entries_total over ${((t1 - t0) / 1000).toFixed(1)} s after a ${WARMUP_MS / 1000} s warm-up; agents sent ${sent.sentEntries.toLocaleString("en-US")} entries + issue times in ${sent.sentReports} reports (${sent.errors} errors${sent.firstError.length > 0 ? `: ${sent.firstError.join("; ")}` : ""})`,
        "latency: each replica's configVersion carries its report's send time; the dashboard client takes frame arrival − send time for every replica whose value changed (same machine clock)",
        `where the time goes: agent timer lag p99 ${sent.tickLagP99 ?? "n/a"} ms, agent report build+emit p99 ${sent.buildP99 ?? "n/a"} ms, frame built → received by the dashboard p50/p99 ${seen.deliveryP50 ?? "n/a"}/${seen.deliveryP99 ?? "n/a"} ms; frames are computed every ${1000 / HZ} ms, so a report waits up to that long for the next one`,
        `machine: ${process.env.COLLECTOR_BENCH_NOTE ?? ""}1-min load average ${loadBefore.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end on ${availableCores()} cores shared with the agents and dashboard processes (and whatever else runs)`,
      ],
      targets: [
        { description: "sustained ingest ≥ 200,000 vv entries/s", met: entriesPerSec >= 200_000, value: `${Math.round(entriesPerSec).toLocaleString("en-US")}/s` },
        { description: "p99 agent send → dashboard frame < 250 ms", met: seen.p99 !== null && seen.p99 < 250, value: `${seen.p99 ?? "n/a"} ms` },
        { description: "collector RSS < 500 MB", met: peakRss < 500, value: `${peakRss.toFixed(0)} MB peak` },
      ],
    });
  } finally {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
}
