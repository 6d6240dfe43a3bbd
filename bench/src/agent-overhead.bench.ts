// agent-overhead: what embedding the agent costs a node. N replicas gossip in this process
// (100 ms rounds, otherwise the default gossip config: fanout 3, push-pull deltas; AWSet, 1 update/s
// per replica; fanout 2 is measured too at 256) and the agent
// reports to a real collector running in ANOTHER process, over a real socket, so the
// collector's CPU is not counted.
//
// Why simulated time: with the current gossip runtime a 256-replica cluster at 100 ms
// needs several cores of CPU (measured below as "gossip cores"); on a 2-core machine a
// real-time run saturates the event loop, rounds run late, and two wall-clock windows no
// longer contain the same work. So the cluster runs on the virtual scheduler, one 100 ms
// step at a time, and the agent reports once per step (its report tick, driven by flush()),
// with its clock on the same simulated time. Both phases then do exactly the same gossip
// work, and process.cpuUsage (CPU time, not wall time) is unaffected by other processes.
//
// Phases without and with the agent alternate (each: warm-up steps that are not measured,
// then a bounded window), which cancels slow drift. Figures: CPU with ÷ without (the
// overhead), telemetry bytes per second per replica (the JSON the agent emits) and that as
// a share of the gossip bytes the replicas send, for N = 64, 256, 1,024.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { PerformanceObserver } from "node:perf_hooks";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Cluster, DEFAULT_GOSSIP_CONFIG } from "@driftscope/gossip";
import { createAgent, fromGossipReplica, type Agent } from "@driftscope/agent";
import { collectGarbage } from "./process.ts";
import { report, type BenchResult, type BenchRow } from "./report.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const COLLECTOR = join(REPO, "apps", "collector");
const SIZES = (process.env.AGENT_BENCH_SIZES ?? "64,256,1024").split(",").map(Number);
const INTERVAL_MS = 100;
const FANOUT = DEFAULT_GOSSIP_CONFIG.fanout;
const UPDATES_PER_SEC = 1;
const TICK_MS = 100; // the agent's default report interval
/** The collector's default traced-dot budget (entries per second; CollectorCore.adjustTracing). */
const TRACED_BUDGET = 20_000;

/**
 * The tracing stride the collector settles on for this workload in real time: every update is
 * included at every replica, about (N² + N) · rate traced entries per second at k = 1, and the
 * collector raises k (powers of two) until that is within its budget. Here the simulation runs
 * faster or slower than real time, so the collector (which measures rates on its own clock)
 * would drift to another stride from run to run: it runs with --traced-budget 0 (never change
 * k) and the benchmark sets this one, so every run measures the same, real-time steady state.
 */
function steadyTraceEveryK(n: number): number {
  const perK1 = (n * n + n) * UPDATES_PER_SEC;
  let k = 1;
  while (perK1 / k > TRACED_BUDGET) k *= 2;
  return k;
}
/** Per size: simulated ms of warm-up per phase, of measurement per phase, and rounds of (without, with). */
// The gossip work per round grows while delta logs and states fill up, so each size first
// runs `fillMs` unmeasured; phases then alternate in ABBA order so that what drift remains cancels.
const PLAN: Record<number, { fillMs: number; warmupMs: number; windowMs: number; rounds: number; profileMs: number }> = {
  64: { fillMs: 5000, warmupMs: 200, windowMs: 500, rounds: 8, profileMs: 500 },
  256: { fillMs: 3000, warmupMs: 200, windowMs: 1000, rounds: 20, profileMs: 500 },
  1024: { fillMs: 1000, warmupMs: 100, windowMs: 300, rounds: 2, profileMs: 200 },
};
/** Rounds that also run a profiled window (profiling is costly at large N). */
const PROFILED_ROUNDS = 2;
const EPOCH = Date.now();
// A full garbage collection before each window (collectGarbage), so that when the collector
// happens to run does not decide which phase pays for it (it was the largest source of
// window-to-window noise).

function freePort(): Promise<number> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolvePort(port));
    });
  });
}

function startCollector(port: number, db: string): ChildProcess {
  const tsx = import.meta.resolve("tsx");
  return spawn(process.execPath, ["--conditions=@driftscope/source", "--import", tsx, join(COLLECTOR, "src", "cli.ts"), "serve", "--port", String(port), "--db", db, "--traced-budget", "0"], {
    cwd: COLLECTOR,
    stdio: ["ignore", "ignore", "pipe"],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const yieldToIo = () => new Promise((r) => setImmediate(r));

async function waitFor(what: string, probe: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

interface Window {
  cpuMs: number;
  /** Garbage-collection pauses in the window (part of cpuMs). */
  gcMs: number;
  simMs: number;
  gossipBytes: number;
  gossipMessages: number;
  telemetryBytes: number;
  updates: number;
  fullVectors: number;
}

/** Garbage-collection pauses of this process so far (the windows read the difference). */
const gcPauses = { ms: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.ms += entry.duration;
}).observe({ entryTypes: ["gc"] });

/** Runs `simMs` of simulated time in report ticks; with `agent`, one report per tick. */
async function steps(cluster: Cluster, simMs: number, agent: Agent | undefined): Promise<void> {
  for (let t = 0; t < simMs; t += TICK_MS) {
    cluster.runFor(TICK_MS);
    agent?.flush();
    await yieldToIo(); // socket writes and collector answers happen here, in both phases
  }
}

async function window(cluster: Cluster, simMs: number, agent: Agent, attached: boolean): Promise<Window> {
  const g0 = sentByReplicas(cluster);
  const full0 = agent.status().fullVectors;
  const tel0 = agent.status().connectionStats.bytesSent;
  const updates0 = cluster.replicas().reduce((n, r) => n + r.state.seq, 0);
  collectGarbage();
  await new Promise((resolveTick) => setImmediate(resolveTick)); // the forced collection's entry is not this window's
  const gc0 = gcPauses.ms;
  const cpu0 = process.cpuUsage();
  await steps(cluster, simMs, attached ? agent : undefined);
  const cpu = process.cpuUsage(cpu0);
  const g1 = sentByReplicas(cluster);
  return {
    cpuMs: (cpu.user + cpu.system) / 1000,
    gcMs: gcPauses.ms - gc0,
    simMs,
    gossipBytes: g1.bytes - g0.bytes,
    gossipMessages: g1.messages - g0.messages,
    telemetryBytes: agent.status().connectionStats.bytesSent - tel0,
    updates: cluster.replicas().reduce((n, r) => n + r.state.seq, 0) - updates0,
    fullVectors: agent.status().fullVectors - full0,
  };
}

/** Gossip messages and bytes the replicas sent so far (their own counters: no listener in either phase). */
function sentByReplicas(cluster: Cluster): { bytes: number; messages: number } {
  let bytes = 0;
  let messages = 0;
  for (const r of cluster.replicas()) {
    const t = r.traffic();
    bytes += t.sentBytes;
    messages += t.sentMessages;
  }
  return { bytes, messages };
}


/**
 * The agent's share of the CPU, from a CPU profile of a with-agent window: samples with an
 * apps/agent frame on the stack (its event handlers, its ticks and the socket.io writes they
 * make) against the other busy samples (GC and idle are left out). A ratio inside one window,
 * so it is not blurred by the window-to-window variation of the gossip work itself.
 */
async function profiledShare(session: Session, fn: () => Promise<void>): Promise<{ agentMs: number; otherMs: number }> {
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 1000 });
  await session.post("Profiler.start");
  await fn();
  const { profile } = await session.post("Profiler.stop");
  if (process.env.AGENT_PROFILE_DIR) (await import("node:fs")).writeFileSync(`${process.env.AGENT_PROFILE_DIR}/p${Date.now()}.cpuprofile`, JSON.stringify(profile));
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const memo = new Map<number, boolean>();
  const agentOnStack = (id: number): boolean => {
    let known = memo.get(id);
    if (known === undefined) {
      const up = parent.get(id);
      known = byId.get(id)!.callFrame.url.includes("/apps/agent/") || (up !== undefined && agentOnStack(up));
      memo.set(id, known);
    }
    return known;
  };
  let agentUs = 0;
  let otherUs = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const name = byId.get(samples[i]!)!.callFrame.functionName;
    if (name === "(idle)" || name === "(program)" || name === "(garbage collector)") continue;
    if (agentOnStack(samples[i]!)) agentUs += deltas[i] ?? 0;
    else otherUs += deltas[i] ?? 0;
  }
  return { agentMs: agentUs / 1000, otherMs: otherUs / 1000 };
}

async function runSize(n: number, collectorUrl: string, fanout = FANOUT): Promise<BenchRow> {
  const plan = PLAN[n] ?? { fillMs: 2000, warmupMs: 200, windowMs: 300, rounds: 2, profileMs: 200 };
  const gossip = { intervalMs: INTERVAL_MS, fanout, mode: DEFAULT_GOSSIP_CONFIG.mode, payload: DEFAULT_GOSSIP_CONFIG.payload } as const;
  // The collector's config is what agents apply: make it the benchmark's.
  await fetch(`${collectorUrl}/api/v1/config`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      gossip,
      workload: { updatesPerSecPerReplica: UPDATES_PER_SEC, crdtType: "awset" },
      telemetry: { traceEveryK: steadyTraceEveryK(n) },
    }),
  });
  const cluster = new Cluster({ type: "awset", replicas: Array.from({ length: n }, (_, i) => `b${n}-${i}`), seed: n, config: gossip });
  cluster.setWorkload({ updatesPerSecPerReplica: UPDATES_PER_SEC });
  const agent = createAgent({
    collectorUrl,
    agentId: `bench-agent-${n}`,
    // Ticks come from flush() once per simulated 100 ms; the agent's own timer stays out of the way.
    reportIntervalMs: 60_000,
    now: () => EPOCH + cluster.scheduler.now(),
    logger: { info: () => {}, warn: () => {} },
  });
  await waitFor("the agent's handshake", () => agent.status().connection === "ready", 20_000);
  const sources = cluster.replicas().map((r) => fromGossipReplica(r));
  // Fill the cluster: every origin issues, version vectors reach their full width, delta logs fill.
  await steps(cluster, plan.fillMs, undefined);
  const without: Window[] = [];
  const withAgent: Window[] = [];
  const shares: Array<{ agentMs: number; otherMs: number }> = [];
  const session = new Session();
  session.connect();
  const measureWithout = async () => {
    await steps(cluster, plan.warmupMs, undefined);
    without.push(await window(cluster, plan.windowMs, agent, false));
  };
  const measureWith = async (round: number) => {
    const detach = sources.map((s) => agent.attach(s));
    // Hello and whole vectors are not the steady state: send them, let the collector take
    // them all in (real time, the simulation paused), then warm up.
    await steps(cluster, TICK_MS, agent);
    await waitFor("the whole vectors to drain", () => agent.status().buffered.reports === 0, 120_000);
    // The collector may ask again for whole vectors it has not seen yet (parts of a split
    // tick still in flight): tick until two ticks pass without any, then warm up.
    for (let quiet = 0, i = 0; quiet < 2 && i < 20; i++) {
      const before = agent.status().fullVectors;
      await steps(cluster, TICK_MS, agent);
      await waitFor("the reports to drain", () => agent.status().buffered.reports === 0, 120_000);
      quiet = agent.status().fullVectors === before ? quiet + 1 : 0;
    }
    await steps(cluster, plan.warmupMs, agent);
    withAgent.push(await window(cluster, plan.windowMs, agent, true));
    if (round < PROFILED_ROUNDS && plan.profileMs > 0) shares.push(await profiledShare(session, () => steps(cluster, plan.profileMs, agent)));
    for (const d of detach) d();
  };
  for (let round = 0; round < plan.rounds; round++) {
    if (round % 2 === 0) {
      await measureWithout();
      await measureWith(round);
    } else {
      await measureWith(round);
      await measureWithout();
    }
  }
  session.disconnect();
  const status = agent.status();
  await agent.close();
  await cluster.close();
  // What the collector's tracing stride was at the end (it adjusts it by itself: see steadyTraceEveryK).
  const config = (await (await fetch(`${collectorUrl}/api/v1/config`)).json()) as { config?: { telemetry?: { traceEveryK?: number } }; telemetry?: { traceEveryK?: number } };
  const traceEveryK = config.config?.telemetry?.traceEveryK ?? config.telemetry?.traceEveryK ?? "?";
  const sum = (ws: Window[], k: keyof Window) => ws.reduce((s, w) => s + w[k], 0);
  const simS = (ws: Window[]) => sum(ws, "simMs") / 1000;
  const cpuWithout = sum(without, "cpuMs") / simS(without) / 1000; // cores a real-time run would need
  const cpuWith = sum(withAgent, "cpuMs") / simS(withAgent) / 1000;
  // Each round's with ÷ without, to show the spread (rounds pair adjacent windows).
  const perRound = withAgent.map((w, i) => w.cpuMs / w.simMs / (without[i]!.cpuMs / without[i]!.simMs) - 1).sort((a, b) => a - b);
  const median = perRound[Math.floor(perRound.length / 2)]!;
  const telemetryPerReplica = sum(withAgent, "telemetryBytes") / simS(withAgent) / n;
  const gossipPerReplica = sum(withAgent, "gossipBytes") / simS(withAgent) / n;
  return {
    replicas: n,
    fanout,
    "gossip cores": round2(cpuWithout),
    "with agent cores": round2(cpuWith),
    "cpu overhead %": round1((cpuWith / cpuWithout - 1) * 100),
    "agent ms/s": Math.round((cpuWith - cpuWithout) * 1000),
    "gc ms/s without → with": `${Math.round(sum(without, "gcMs") / simS(without))} → ${Math.round(sum(withAgent, "gcMs") / simS(withAgent))}`,
    "rounds: median, min…max %": `${round1(median * 100)}, ${round1(perRound[0]! * 100)}…${round1(perRound.at(-1)! * 100)}`,
    "profiled agent share %": shares.length === 0 ? "–" : round1((shares.reduce((a, x) => a + x.agentMs, 0) / shares.reduce((a, x) => a + x.otherMs, 0)) * 100),
    "profiled agent ms/s": shares.length === 0 ? "–" : Math.round(shares.reduce((a, x) => a + x.agentMs, 0) / ((shares.length * plan.profileMs) / 1000)),
    "gossip B/s/replica": Math.round(gossipPerReplica),
    "telemetry B/s/replica": Math.round(telemetryPerReplica),
    "telemetry/gossip %": round1((telemetryPerReplica / gossipPerReplica) * 100),
    "updates/s": Math.round(sum(withAgent, "updates") / simS(withAgent)),
    "simulated s": sum(withAgent, "simMs") / 1000,
    "whole vectors in windows": sum(withAgent, "fullVectors"),
    "dropped reports": status.dropped.items,
    "traceEveryK (start → end)": `${steadyTraceEveryK(n)} → ${traceEveryK}`,
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "driftscope-agent-bench-"));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const collector = startCollector(port, join(dir, "bench.db"));
  let stderr = "";
  collector.stderr!.on("data", (c: Buffer) => (stderr = (stderr + c.toString()).slice(-2000)));
  try {
    await waitFor(`the collector at ${url}`, async () => (await fetch(`${url}/api/v1/health`)).ok, 60_000).catch((e: unknown) => {
      throw new Error(`${(e as Error).message}\n${stderr}`);
    });
    const rows: BenchRow[] = [];
    for (const n of SIZES) {
      const started = performance.now();
      rows.push(await runSize(n, url));
      console.log(`  N=${n} (${((performance.now() - started) / 1000).toFixed(0)} s): ${JSON.stringify(rows.at(-1))}`);
    }
    if (SIZES.includes(256)) {
      // The same at fanout 2: less gossip work per replica, the same agent work.
      rows.push(await runSize(256, url, 2));
      console.log(`  N=256, fanout 2: ${JSON.stringify(rows.at(-1))}`);
    }
    const at256 = rows.find((r) => r.replicas === 256 && r.fanout === FANOUT);
    const cpu = at256?.["profiled agent share %"] as number | undefined;
    const cpuAB = at256?.["cpu overhead %"] as number | undefined;
    const share = at256?.["telemetry/gossip %"] as number | undefined;
    return report({
      name: "agent-overhead",
      title: `Agent overhead: replicas gossiping every ${INTERVAL_MS} ms (default config otherwise: fanout ${FANOUT}, ${DEFAULT_GOSSIP_CONFIG.mode} ${DEFAULT_GOSSIP_CONFIG.payload}s; AWSet), ${UPDATES_PER_SEC} update/s per replica, one report per ${TICK_MS} ms to a collector in another process`,
      rows,
      notes: [
        "simulated time (virtual scheduler, 100 ms steps, one report per step): both phases do the same gossip work; CPU is process.cpuUsage of this process, so other processes and the collector (in its own process) do not count",
        "gossip cores / with agent cores: CPU seconds per simulated second, i.e. what a real-time run would need; agent ms/s is the difference (noisy where the gossip work itself varies by more than the agent's cost)",
        "profiled agent share: in an extra profiled with-agent window, CPU samples with agent code on the stack ÷ the other busy samples (GC left out); it is not blurred by the window-to-window variation of the gossip work, which at 256+ replicas exceeds the agent's whole cost",
        "telemetry bytes: the socket.io packets the agent emits (JSON text, before any WebSocket compression); gossip bytes: the encoded messages the replicas send",
        "each size first fills (delta logs, states, vectors) unmeasured; phases without/with then alternate in ABBA order after unmeasured warm-up steps; 1,024 replicas run two short rounds (the gossip runtime needs over ten CPU seconds per simulated second there), so their with ÷ without figure is rough: read the profiled columns too",
        "a full garbage collection precedes every window; 'rounds' gives the median and range of the per-round with ÷ without ratios (the spread is the gossip work's own variation)",
        "gc ms/s: garbage-collection pauses per simulated second in each phase (part of the CPU figures); the difference is collection the agent's allocations cause in the host",
        "gossip work is counted from the replicas' own counters (Replica.traffic), so neither phase has an event listener of the benchmark's",
      ],
      targets:
        cpu === undefined || share === undefined
          ? []
          : [
              { description: `CPU with ÷ without the agent at 256 replicas (fanout ${FANOUT}): ≤ 10 % overhead`, met: cpuAB !== undefined && cpuAB <= 10, value: `${cpuAB} % (profiled agent share: ${cpu} %)` },
              { description: "telemetry bytes ≤ 10 % of gossip bytes at 256 replicas", met: share <= 10, value: `${share} %` },
            ],
    });
  } finally {
    collector.kill("SIGTERM");
    await new Promise((r) => collector.once("exit", r));
    rmSync(dir, { recursive: true, force: true });
  }
}
