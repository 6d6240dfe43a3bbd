// A collector killed with SIGKILL mid-run and restarted after an outage while the cluster
// keeps running (issue 14): afterwards nothing was dropped by the collector's limits, the
// killed run is marked interrupted and still exports, and every traced update issued
// during the outage has its convergence time in the new run.
//
// The outage lasts DRIFTSCOPE_OUTAGE_MS (default 5 s here); bench/src/collector-outage.bench.ts
// runs this file with 60 s and 3 minutes and prints the figures it writes to
// DRIFTSCOPE_OUTAGE_RESULT. Needs the collector's dist/ (`npm test` builds first; alone:
// `pnpm --filter @driftscope/collector build`).
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { Launcher } from "../src/launcher/Launcher.js";
import { eventually } from "./fakeCollector.js";

const COLLECTOR_CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "collector", "dist", "cli.js");
const OUTAGE_MS = Number(process.env.DRIFTSCOPE_OUTAGE_MS ?? 5000);
const REPLICAS = Number(process.env.DRIFTSCOPE_OUTAGE_REPLICAS ?? 16);
const UPDATES_PER_SEC = 5;
const quiet = { info: () => {}, warn: () => {} };

const dir = mkdtempSync(join(tmpdir(), "driftscope-outage-"));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** The collector as its own process (so that SIGKILL is a real crash), once listening. */
async function collector(port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [COLLECTOR_CLI, "serve", "--port", String(port), "--db", join(dir, "outage.db"), "--frame-hz", "10", "--report-interval", "100"], {
    env: { ...process.env, DRIFTSCOPE_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let out = "";
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("listening on")) resolve();
    });
    child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
    child.once("exit", (code) => reject(new Error(`collector exited (${code}): ${out.slice(-500)}`)));
  });
  return child;
}

const get = async <T>(url: string): Promise<T> => (await (await fetch(url)).json()) as T;

/** Polls an asynchronous condition (fakeCollector's `eventually` takes synchronous ones). */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function counter(url: string, name: string): Promise<number> {
  const text = await (await fetch(`${url}/metrics`)).text();
  let sum = 0;
  for (const line of text.split("\n")) if (line.startsWith(name) && !line.startsWith("#")) sum += Number(line.split(" ").at(-1));
  return sum;
}

interface RunRow {
  id: string;
  status: string;
  current: boolean;
}

describe.skipIf(!existsSync(COLLECTOR_CLI))("a collector killed mid-run and restarted after an outage", () => {
  it(`${OUTAGE_MS / 1000} s of outage under load: nothing dropped, the run interrupted, exports intact, every traced update converged`, { timeout: OUTAGE_MS + 180_000 }, async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    let first = await collector(port);
    const launcher = await Launcher.start({
      replicas: REPLICAS,
      collectorUrl: url,
      updatesPerSec: UPDATES_PER_SEC,
      intervalMs: 100,
      fanout: 2,
      mode: "push-pull",
      payload: "delta",
      crdt: "gcounter",
      reportIntervalMs: 100,
      idPrefix: "o",
      seed: 7,
      pushPatch: { gossip: { intervalMs: 100 }, workload: { updatesPerSecPerReplica: UPDATES_PER_SEC } },
      logger: quiet,
      agent: { backoff: { initialMs: 100, maxMs: 1000, jitter: 0.5 } },
    });
    try {
      await until("the cluster reporting", async () => (await get<{ replicas: unknown[] }>(`${url}/api/v1/cluster`)).replicas.length === REPLICAS, 20_000);
      await new Promise((r) => setTimeout(r, 2000));
      const killedRun = (await get<{ runs: RunRow[] }>(`${url}/api/v1/runs`)).runs.find((r) => r.current)!;

      first.kill("SIGKILL");
      await new Promise((r) => first.once("exit", r));
      const seqAtKill = launcher.replicas.map((r) => r.versionVectorEntry(r.origin));
      await new Promise((r) => setTimeout(r, OUTAGE_MS));
      const seqAtRestart = launcher.replicas.map((r) => r.versionVectorEntry(r.origin));
      const backlogBytes = launcher.agent.status().buffered.bytes;
      first = await collector(port);
      const restartedAt = Date.now();

      await eventually("the backlog delivered", () => launcher.agent.status().connection === "ready" && launcher.agent.status().buffered.reports === 0, 60_000);
      const deliveredMs = Date.now() - restartedAt;
      // Stop issuing, let gossip settle, then every traced update of the outage must have converged.
      launcher.workload.set(0);
      const traceEveryK = (await get<{ telemetry: { traceEveryK: number } }>(`${url}/api/v1/config`)).telemetry.traceEveryK;
      const expected: string[] = [];
      launcher.replicas.forEach((r, i) => {
        for (let seq = seqAtKill[i]! + 1; seq <= seqAtRestart[i]!; seq++) if (seq % traceEveryK === 0) expected.push(`${r.origin}:${seq}`);
      });
      const runs = (await get<{ runs: RunRow[] }>(`${url}/api/v1/runs`)).runs;
      const newRun = runs.find((r) => r.current)!;
      let missing: string[] = expected;
      const convergenceMs = new Map<string, number>();
      await until(
        "a convergence time for every traced update of the outage",
        async () => {
          const csv = await (await fetch(`${url}/api/v1/runs/${newRun.id}/export?format=csv&data=samples`)).text();
          for (const row of csv.trim().split("\r\n").slice(1)) {
            const [origin, seq, , , ms] = row.split(",");
            convergenceMs.set(`${origin}:${seq}`, Number(ms));
          }
          missing = expected.filter((k) => !convergenceMs.has(k));
          return missing.length === 0;
        },
        30_000,
      ).catch(() => {
        throw new Error(`${missing.length} of ${expected.length} traced updates without a convergence time, e.g. ${missing.slice(0, 5).join(", ")}`);
      });

      // Exact times: measured from the replicas' own inclusion times, not from when the
      // collector came back (which would make them about half the outage on average).
      const outageTimes = expected.map((k) => convergenceMs.get(k)!).sort((a, b) => a - b);
      const p50 = outageTimes[Math.floor(outageTimes.length / 2)]!;
      expect(p50).toBeLessThan(Math.min(2000, OUTAGE_MS / 2));
      const rateLimited = await counter(url, "driftscope_rate_limited_total");
      const rejected = await counter(url, "driftscope_ingest_rejected_total");
      const dropped = launcher.agent.status().dropped;
      expect(rateLimited).toBe(0);
      expect(dropped).toMatchObject({ items: 0, events: 0 });
      expect(runs.find((r) => r.id === killedRun.id)?.status).toBe("interrupted");
      const exported = (await (await fetch(`${url}/api/v1/runs/${killedRun.id}/export?format=json`)).json()) as { frames: unknown[]; samples: unknown[] };
      expect(exported.frames.length).toBeGreaterThan(0);
      expect(exported.samples.length).toBeGreaterThan(0);
      const frames = (await (await fetch(`${url}/api/v1/runs/${killedRun.id}/export?format=csv&data=frames`)).text()).trim().split("\r\n");
      expect(frames.length).toBeGreaterThan(1);

      if (process.env.DRIFTSCOPE_OUTAGE_RESULT !== undefined) {
        const figures = {
          outageMs: OUTAGE_MS,
          replicas: REPLICAS,
          updatesPerSecPerReplica: UPDATES_PER_SEC,
          tracedUpdatesInOutage: expected.length,
          withConvergenceTime: expected.length - missing.length,
          convergenceP50Ms: p50,
          convergenceMaxMs: outageTimes.at(-1),
          agentBacklogBytes: backlogBytes,
          backlogDeliveredMs: deliveredMs,
          collectorRateLimited: rateLimited,
          collectorRejected: rejected,
          agentDropped: dropped,
          killedRun: { id: killedRun.id, status: runs.find((r) => r.id === killedRun.id)?.status, frames: exported.frames.length, samples: exported.samples.length },
        };
        writeFileSync(process.env.DRIFTSCOPE_OUTAGE_RESULT, JSON.stringify(figures, null, 2));
      }
    } finally {
      await launcher.close();
      first.kill("SIGTERM");
    }
  });
});
