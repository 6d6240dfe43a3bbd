// collector-outage: the crash/restart test of apps/agent (test/outage.integration.test.ts)
// with the outages issue 14 names — 60 s and 3 minutes — instead of the 5 s `npm test`
// uses: the collector is killed with SIGKILL while 16 replicas keep updating, restarted
// after the outage, and the test checks that nothing was dropped by the collector's limits,
// the killed run is marked interrupted and exports, and every traced update issued during
// the outage has its (exact) convergence time. Bounded: one run per outage, each its outage
// plus about a minute. Needs the collector's dist/ (`pnpm --filter @driftscope/collector build`).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "./report.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const AGENT = join(REPO, "apps", "agent");
const VITEST = join(REPO, "node_modules", "vitest", "vitest.mjs");
const OUTAGES_MS = (process.env.OUTAGE_BENCH_MS ?? "60000,180000").split(",").map(Number);

interface Figures {
  outageMs: number;
  replicas: number;
  updatesPerSecPerReplica: number;
  tracedUpdatesInOutage: number;
  withConvergenceTime: number;
  convergenceP50Ms: number;
  convergenceMaxMs: number;
  agentBacklogBytes: number;
  backlogDeliveredMs: number;
  collectorRateLimited: number;
  collectorRejected: number;
  agentDropped: { items: number; events: number };
  killedRun: { id: string; status: string; frames: number; samples: number };
}

function runOnce(outageMs: number, resultFile: string): Promise<number | null> {
  return new Promise((resolveRun) => {
    const child = spawn(process.execPath, [VITEST, "run", "test/outage.integration.test.ts"], {
      cwd: AGENT,
      env: { ...process.env, DRIFTSCOPE_OUTAGE_MS: String(outageMs), DRIFTSCOPE_OUTAGE_RESULT: resultFile },
      stdio: ["ignore", "inherit", "inherit"],
    });
    child.once("exit", (code) => resolveRun(code));
  });
}

export async function run(): Promise<BenchResult> {
  const dir = mkdtempSync(join(tmpdir(), "driftscope-outage-bench-"));
  const rows = [];
  const targets = [];
  const loadBefore = loadavg()[0]!;
  try {
    for (const outageMs of OUTAGES_MS) {
      const file = join(dir, `outage-${outageMs}.json`);
      const code = await runOnce(outageMs, file);
      const f = JSON.parse(readFileSync(file, "utf8")) as Figures;
      rows.push({
        "outage (s)": outageMs / 1000,
        replicas: f.replicas,
        "traced updates in outage": f.tracedUpdatesInOutage,
        "with convergence time": f.withConvergenceTime,
        "their p50 / max (ms)": `${f.convergenceP50Ms} / ${f.convergenceMaxMs}`,
        "agent backlog (KB)": Math.round(f.agentBacklogBytes / 1024),
        "backlog delivered in (ms)": f.backlogDeliveredMs,
        "rate-limited / rejected": `${f.collectorRateLimited} / ${f.collectorRejected}`,
        "agent dropped (reports / times)": `${f.agentDropped.items} / ${f.agentDropped.events}`,
        "killed run": `${f.killedRun.status}, ${f.killedRun.frames} frames, ${f.killedRun.samples} samples exported`,
        "test passed": code === 0,
      });
      targets.push({
        description: `${outageMs / 1000} s outage: no telemetry dropped, run interrupted, every traced update converged`,
        met: code === 0 && f.collectorRateLimited === 0 && f.withConvergenceTime === f.tracedUpdatesInOutage && f.killedRun.status === "interrupted",
        value: `${f.withConvergenceTime}/${f.tracedUpdatesInOutage} converged, ${f.collectorRateLimited} rate-limited`,
      });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return report({
    name: "collector-outage",
    title: "Collector killed with SIGKILL, restarted after an outage, the cluster running throughout",
    rows,
    notes: [
      "one run of apps/agent/test/outage.integration.test.ts per outage: the collector (its own process) is killed, the launcher's 16 gossip replicas keep updating, the agent folds the outage into one entry per replica, the collector restarts on the same port and database",
      "convergence times are the replicas' own inclusion times carried in the backlog, so they stay small (gossip converges in well under a second here) instead of counting the outage",
      `machine: 1-min load average ${loadBefore.toFixed(1)} at start, ${loadavg()[0]!.toFixed(1)} at the end`,
    ],
    targets,
  });
}
