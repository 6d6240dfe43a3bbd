// 1,024 replicas in one process: CPU and memory in real time, speed of virtual time, and how CPU
// grows with N. Workload: 0.1 update/s per replica (GCounter increments), interval 1 s, fanout 3,
// delta payload. CPU = process.cpuUsage over a wall-clock window, in cores (1.0 = one core busy).
import { Cluster, type GossipConfig } from "@driftscope/gossip";
import { collectGarbage } from "./process.ts";
import { report, type BenchResult, type BenchRow } from "./report.ts";

const VIEW = 4;
const RATE = 0.1;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Setup {
  n: number;
  mode: GossipConfig["mode"];
  /** Partial view size, or null for the full view. */
  view: number | null;
}

/** The columns that say which cluster a row measured. */
function rowHead(time: "real" | "virtual", setup: Setup): BenchRow {
  return { time, N: setup.n, mode: setup.mode, view: setup.view ?? "full" };
}

function build(setup: Setup, time: "real" | "virtual"): Cluster {
  const cluster = new Cluster({
    type: "gcounter",
    replicas: setup.n,
    time,
    seed: 1,
    ...(setup.view !== null ? { viewSize: setup.view } : {}),
    config: { intervalMs: 1000, fanout: 3, mode: setup.mode, payload: "delta" },
  });
  cluster.setWorkload({ updatesPerSecPerReplica: RATE });
  return cluster;
}

async function realTime(setup: Setup, warmupMs: number, measureMs: number): Promise<BenchRow> {
  const cluster = build(setup, "real");
  let bytes = 0;
  let updates = 0;
  let fullStates = 0;
  cluster.events.on("send", (e) => {
    bytes += e.bytes;
    if (e.full) fullStates++;
  });
  cluster.events.on("update", () => updates++);
  await sleep(warmupMs);
  collectGarbage();
  bytes = 0;
  updates = 0;
  fullStates = 0;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await sleep(measureMs);
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  const mem = process.memoryUsage();
  await cluster.close();
  return {
    ...rowHead("real", setup),
    "window s": wallS,
    cores: (cpu.user + cpu.system) / 1e6 / wallS,
    "updates/s": updates / wallS,
    "KB sent/s": bytes / wallS / 1000,
    "full states sent": fullStates,
    "rss MB": mem.rss / 1e6,
    "heap MB": mem.heapUsed / 1e6,
  };
}

function virtualTime(setup: Setup, simulatedMs: number, warmupMs = 0): BenchRow & { wallS: number } {
  const cluster = build(setup, "virtual");
  cluster.runFor(warmupMs);
  collectGarbage(); // what earlier rows left on the heap is not this row's work
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  cluster.runFor(simulatedMs);
  const cpu = process.cpuUsage(cpu0);
  const wallS = (performance.now() - t0) / 1000;
  cluster.setWorkload({ updatesPerSecPerReplica: 0 });
  const settleFrom = cluster.scheduler.now();
  const converged = cluster.runUntilConverged(120_000, 250);
  const settleMs = cluster.scheduler.now() - settleFrom;
  void cluster.close();
  return {
    ...rowHead("virtual", setup),
    "simulated s": warmupMs > 0 ? `${warmupMs / 1000}+${simulatedMs / 1000}` : simulatedMs / 1000,
    "wall s": wallS,
    "cpu s / simulated s": (cpu.user + cpu.system) / 1e6 / (simulatedMs / 1000),
    "converged after workload stops": converged,
    "…within ms": settleMs,
    wallS,
  };
}

export async function run(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  // 1. The target cluster in real time.
  const main = await realTime({ n: 1024, mode: "push", view: VIEW }, 5000, 15_000);
  rows.push(main);
  rows.push(await realTime({ n: 1024, mode: "push-pull", view: VIEW }, 5000, 15_000));
  // The default membership: everyone sees everyone (pairs meet rarely: exchanges go vector-first).
  const full = await realTime({ n: 1024, mode: "push", view: null }, 20_000, 15_000);
  rows.push(full);
  // 2. The same clusters in virtual time: 60 simulated seconds (building the replicas is not timed).
  const { wallS: virtualWall, ...virtualRow } = virtualTime({ n: 1024, mode: "push", view: VIEW }, 60_000);
  rows.push(virtualRow);
  const { wallS: virtualFullWall, ...virtualFullRow } = virtualTime({ n: 1024, mode: "push", view: null }, 60_000);
  rows.push(virtualFullRow);
  // 3. Growth with N: real time with partial views; the full view (virtual: 20 s warm-up, then
  // 10 s measured) for comparison.
  for (const n of [128, 256, 512]) rows.push(await realTime({ n, mode: "push", view: VIEW }, 3000, 10_000));
  rows.push({ ...main, note: "(row 1)" });
  for (const n of [128, 256, 512, 1024]) {
    const { wallS: _w, ...row } = virtualTime({ n, mode: "push", view: null }, 10_000, 20_000);
    rows.push(row);
  }
  return report({
    name: "gossip-scale",
    title: "Replicas in one process: GCounter, 0.1 update/s per replica, interval 1 s, fanout 3, delta payload",
    rows,
    notes: [
      `view ${VIEW} = symmetric partial views of ~${VIEW} peers (Cluster option viewSize); "full" = everyone sees everyone.`,
      "With the full view a replica meets a given peer once every N/fanout s: its buffer for that peer has usually fallen out of the",
      "log, so the exchange goes vector-first (N vector entries one way, back only the origins where the peer is behind, then what it",
      "lacks); partial views keep buffers short.",
      "In one process vectors travel by origin number (about 2 bytes an entry); across processes they carry the ids (about 7 bytes).",
      "Delta log: the default 1,024 entries per replica; 'full states sent' counts fallbacks to the whole state in the window.",
      "real-time rows: process.cpuUsage over the window after a warm-up, whole process (timers, GC included); rss is the process's.",
      "virtual rows: 'cpu s / simulated s' estimates the cores the same cluster would need in real time.",
      "the machine is shared (2 cores): real-time figures vary by about ±0.05 core between runs, virtual ones by about ±10 %.",
    ],
    targets: [
      { description: "1,024 replicas, real time (push, view 4): under half a core", met: (main.cores as number) < 0.5, value: `${(main.cores as number).toFixed(2)} cores` },
      { description: "1,024 replicas, real time (push, full view, the default membership): under half a core", met: (full.cores as number) < 0.5, value: `${(full.cores as number).toFixed(2)} cores` },
      { description: "same cluster (view 4), 60 simulated s in virtual time: under 10 s wall", met: virtualWall < 10, value: `${virtualWall.toFixed(1)} s` },
      { description: "same cluster (full view), 60 simulated s in virtual time: under 10 s wall", met: virtualFullWall < 10, value: `${virtualFullWall.toFixed(1)} s` },
    ],
  });
}
