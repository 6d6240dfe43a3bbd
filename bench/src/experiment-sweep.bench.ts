// A simulated sweep run through a real collector (issue 16): 64 replicas, 7 intervals
// (10 ms … 10 s) × 3 update rates, 60 simulated seconds per point. Prints the wall time,
// simulated time ÷ wall time (target ≥ 20×), and the frames the collector built per second
// meanwhile (target ≥ 9 of its 10 Hz: the simulation runs in a process of its own).
// `--quick`: 16 replicas, 10 s per point.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { createCollector } from "@driftscope/collector";
import { report, type BenchResult, type BenchRow } from "./report.ts";

const quick = process.argv.includes("--quick");
const REPLICAS = quick ? 16 : 64;
const MEASURE_MS = quick ? 10_000 : 60_000;
const WARMUP_MS = 2_000;

interface Answer {
  id: string;
  status: string;
  error: string | null;
  totalPoints: number;
  results: Array<{ config: { intervalMs: number; updatesPerSecPerReplica: number }; convergence: { p50Ms: number | null; samples: number }; bytesPerSecPerReplica: number }>;
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "driftscope-sweep-"));
  const collector = await createCollector({ host: "127.0.0.1", port: 0, db: join(dir, "sweep.db"), frameHz: 10 });
  const plan = {
    name: `${REPLICAS}-replica interval sweep`,
    engine: "simulated",
    cluster: { replicas: REPLICAS, crdtType: "gcounter" },
    fixed: { fanout: 3, mode: "push-pull", payload: "delta" },
    sweep: { intervalMs: { from: 10, to: 10_000, points: 7 }, updatesPerSecPerReplica: [0.1, 1, 10] },
    warmupMs: WARMUP_MS,
    measure: { durationMs: MEASURE_MS },
  };
  const frameTimes: number[] = [];
  const stop = collector.core.onFrame(() => frameTimes.push(performance.now()));
  const load0 = loadavg()[0]!;
  const cpu0 = childrenCpuSeconds();
  const started = performance.now();
  const res = await fetch(`${collector.url}/api/v1/experiments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(plan) });
  let e = (await res.json()) as Answer;
  while (e.status === "running") {
    await new Promise((r) => setTimeout(r, 200));
    e = (await (await fetch(`${collector.url}/api/v1/experiments/${e.id}`)).json()) as Answer;
  }
  const wallMs = performance.now() - started;
  stop();
  await collector.close();
  const cpu1 = childrenCpuSeconds();
  // The simulator's own CPU time: a figure the other processes on a shared machine inflate far less than the wall time.
  const simulatorCpuS = cpu0 === null || cpu1 === null ? null : cpu1 - cpu0;
  rmSync(dir, { recursive: true, force: true });
  if (e.status !== "done") throw new Error(`the sweep ${e.status}: ${e.error}`);
  // Frames per second in each whole second of the run: the worst second counts.
  const perSecond = new Map<number, number>();
  for (const t of frameTimes) perSecond.set(Math.floor((t - started) / 1000), (perSecond.get(Math.floor((t - started) / 1000)) ?? 0) + 1);
  const seconds = [...perSecond.entries()].filter(([s]) => s < Math.floor(wallMs / 1000)).map(([, n]) => n);
  const meanHz = frameTimes.length / (wallMs / 1000);
  const worstHz = seconds.length > 0 ? Math.min(...seconds) : meanHz;
  const simulatedMs = e.totalPoints * (WARMUP_MS + MEASURE_MS);
  const ratio = simulatedMs / wallMs;
  const rows: BenchRow[] = e.results
    .sort((a, b) => a.config.updatesPerSecPerReplica - b.config.updatesPerSecPerReplica || a.config.intervalMs - b.config.intervalMs)
    .map((r) => ({ "updates/s/replica": r.config.updatesPerSecPerReplica, "interval ms": r.config.intervalMs, "p50 ms": r.convergence.p50Ms ?? "–", samples: r.convergence.samples, "B/s/replica": Math.round(r.bytesPerSecPerReplica) }));
  rows.push({ "updates/s/replica": "total", "interval ms": `${e.totalPoints} points`, "p50 ms": `${(simulatedMs / 1000).toFixed(0)} s simulated`, samples: `${(wallMs / 1000).toFixed(1)} s wall`, "B/s/replica": `${ratio.toFixed(1)}×` });
  return report({
    name: "experiment-sweep",
    title: `Simulated sweep through the collector: ${REPLICAS} replicas, 7 intervals × 3 update rates, ${MEASURE_MS / 1000} s per point (+${WARMUP_MS / 1000} s warm-up)`,
    rows,
    notes: [
      `machine: ${cpus().length} cores, load ${load0.toFixed(2)} at the start, ${loadavg()[0]!.toFixed(2)} at the end; Node ${process.version}`,
      simulatorCpuS === null || simulatorCpuS <= 0
        ? "simulator CPU time: not available here (read from /proc/self/stat)"
        : `simulator CPU time ${simulatorCpuS.toFixed(1)} s: simulated time ÷ simulator CPU time ${(simulatedMs / 1000 / simulatorCpuS).toFixed(1)}× (the wall-time ratio when the simulator has a core to itself)`,
      `frames built by the collector while the sweep ran: mean ${meanHz.toFixed(1)}/s, worst whole second ${worstHz}/s (10 Hz configured; the simulation runs in its own process)`,
    ],
    targets: [
      { description: "simulated time ÷ wall time ≥ 20×", met: ratio >= 20, value: `${ratio.toFixed(1)}×` },
      { description: "collector frames ≥ 9 per second during the sweep (worst second)", met: worstHz >= 9, value: `${worstHz}/s (mean ${meanHz.toFixed(1)})` },
    ],
  });
}

/** CPU seconds (user + system) of this process's children that have exited — the simulator's once it is done — from Linux's /proc; null elsewhere. */
function childrenCpuSeconds(): number | null {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    // Fields after "(comm) ": the 3rd of the line first, so cutime (16th) and cstime (17th) are at 13 and 14.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[13]) + Number(fields[14]);
    return Number.isFinite(ticks) ? ticks / 100 : null; // USER_HZ: 100 on Linux
  } catch {
    return null;
  }
}
