// dashboard-render: the built dashboard in headless Chromium, fed 1,024 replicas at 10 Hz.
// Feed: the real collector (apps/collector, from source) driven by the collector helper's
// load generator (apps/collector/bench/fakeAgents.ts: 1,024 replicas over 8 socket.io
// connections at 10 Hz); if the collector is not there, the dashboard's dev-only fake
// collector (apps/dashboard/scripts/fake-collector.ts --replicas 1024). The report says which.
// Measures, in the page: frames per second (requestAnimationFrame callbacks), main-thread
// busy share (CDP Performance.getMetrics TaskDuration over wall time), long tasks, and the
// JS heap after a forced GC at 1 minute and at the end (target: < 20 % growth).
// Duration: DASHBOARD_BENCH_MS (default 10 minutes, bounded to 1.5–30 minutes).
// DASHBOARD_BENCH_SCREENSHOT=/path.png saves what the page showed at the end.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { loadavg, tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { report, type BenchResult } from "./report.ts";
import { waitForLine } from "./process.ts";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const DASHBOARD = join(REPO, "apps", "dashboard");
const COLLECTOR = join(REPO, "apps", "collector");
const DURATION_MS = Math.min(30 * 60_000, Math.max(90_000, Number(process.env.DASHBOARD_BENCH_MS ?? 10 * 60_000)));
const EARLY_MS = 60_000;
const SAMPLE_MS = 5_000;
const REPLICAS = 1024;
const HZ = 10;

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Playwright is the e2e workspace's dependency; typed loosely here
const { chromium } = createRequire(join(REPO, "e2e", "package.json"))("@playwright/test") as { chromium: any };

function node(script: string, args: string[], cwd: string, env: Record<string, string> = {}): ChildProcess {
  const tsx = import.meta.resolve("tsx");
  return spawn(process.execPath, ["--conditions=@driftscope/source", "--import", tsx, script, ...args], {
    cwd,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}


function ensureDashboardBuilt(): void {
  if (existsSync(join(DASHBOARD, "dist", "index.html"))) return;
  const r = spawnSync(join(DASHBOARD, "node_modules", ".bin", "vite"), ["build"], { cwd: DASHBOARD, stdio: "inherit" });
  if (r.status !== 0) throw new Error("could not build the dashboard");
}

interface Feed {
  url: string;
  kind: string;
  children: ChildProcess[];
}

async function startFeed(dir: string): Promise<Feed> {
  const realCollector = existsSync(join(COLLECTOR, "src", "cli.ts")) && existsSync(join(COLLECTOR, "bench", "fakeAgents.ts"));
  if (realCollector) {
    const collector = node(
      join(COLLECTOR, "src", "cli.ts"),
      ["serve", "--port", "0", "--db", join(dir, "bench.db"), "--frame-hz", String(HZ), "--report-interval", String(1000 / HZ), "--dashboard-dir", join(DASHBOARD, "dist")],
      COLLECTOR,
      { DRIFTSCOPE_LOG_LEVEL: "warn" },
    );
    const url = await waitForLine(collector, /listening on (http:\/\/\S+)/, 60_000);
    const agents = node(
      join(COLLECTOR, "bench", "fakeAgents.ts"),
      [JSON.stringify({ url, connections: 8, replicasPerConnection: REPLICAS / 8, hz: HZ, durationMs: DURATION_MS + 60_000, entriesPerReplica: 24, updatesPerSec: 2, startMs: Date.now() })],
      COLLECTOR,
    );
    return { url, kind: "real collector (apps/collector) + its load generator apps/collector/bench/fakeAgents.ts (8 socket.io connections × 128 replicas, 10 Hz)", children: [collector, agents] };
  }
  const fake = node(join(DASHBOARD, "scripts", "fake-collector.ts"), ["--replicas", String(REPLICAS), "--scenario", "none", "--history-s", "0"], join(REPO, "bench"));
  const url = await waitForLine(fake, /READY (\S+)/, 60_000);
  return { url, kind: "dashboard's dev-only fake collector (simulated gossip, 1,024 replicas, 10 Hz)", children: [fake] };
}

interface Sample {
  atMs: number;
  rafCount: number;
  taskDuration: number;
  /** V8 heap in use (JS objects). */
  heapUsed: number;
  /** ArrayBuffer backing stores (typed arrays live outside the V8 heap). */
  backing: number;
  longTasks: number;
}

export async function run(): Promise<BenchResult> {
  ensureDashboardBuilt();
  const dir = mkdtempSync(join(tmpdir(), "driftscope-dash-bench-"));
  let feed: Feed | null = null;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking", "--enable-precise-memory-info"],
  });
  try {
    feed = await startFeed(dir);
    const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
    // A string, not a function: tsx would wrap named functions in a `__name` helper the page lacks.
    await page.addInitScript(`
      window.__bench = { raf: 0, longTasks: 0 };
      (function tick() { window.__bench.raf++; requestAnimationFrame(tick); })();
      try {
        new PerformanceObserver((list) => { window.__bench.longTasks += list.getEntries().length; }).observe({ type: "longtask", buffered: true });
      } catch (e) { /* longtask entries unsupported */ }
    `);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("Performance.enable", { timeDomain: "timeTicks" });
    await page.goto(feed.url);
    await page.getByTestId("kpi-replicas").filter({ hasText: `${REPLICAS}/${REPLICAS}` }).waitFor({ timeout: 60_000 });
    const start = Date.now();
    const sample = async (gc: boolean): Promise<Sample> => {
      if (gc) await cdp.send("HeapProfiler.collectGarbage");
      const { metrics } = (await cdp.send("Performance.getMetrics")) as { metrics: { name: string; value: number }[] };
      const m = (name: string) => metrics.find((x) => x.name === name)?.value ?? 0;
      const b = (await page.evaluate("window.__bench")) as { raf: number; longTasks: number };
      const heap = (await cdp.send("Runtime.getHeapUsage")) as { usedSize: number; backingStorageSize?: number };
      return { atMs: Date.now() - start, rafCount: b.raf, taskDuration: m("TaskDuration"), heapUsed: heap.usedSize, backing: heap.backingStorageSize ?? 0, longTasks: b.longTasks };
    };
    const samples: Sample[] = [await sample(false)];
    let early: Sample | null = null;
    while (Date.now() - start < DURATION_MS) {
      await page.waitForTimeout(SAMPLE_MS);
      const atEarly = early === null && Date.now() - start >= EARLY_MS;
      samples.push(await sample(atEarly));
      if (atEarly) early = samples[samples.length - 1]!;
    }
    const last = await sample(true);
    if (process.env.DASHBOARD_BENCH_SCREENSHOT) await page.screenshot({ path: process.env.DASHBOARD_BENCH_SCREENSHOT });
    const kpi = await page.getByTestId("kpi-replicas").textContent();
    // Per interval between samples (GC'd samples excluded from FPS: forcing GC stalls the page).
    const fps: number[] = [];
    const busy: number[] = [];
    for (let i = 1; i < samples.length; i++) {
      const a = samples[i - 1]!;
      const b = samples[i]!;
      const dt = (b.atMs - a.atMs) / 1000;
      if (b === early) continue;
      fps.push((b.rafCount - a.rafCount) / dt);
      busy.push((b.taskDuration - a.taskDuration) / dt);
    }
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / Math.max(1, xs.length);
    const sorted = [...fps].sort((x, y) => x - y);
    const p5 = sorted[Math.floor(sorted.length * 0.05)] ?? Number.NaN;
    const e = early ?? samples[1]!;
    const heapEarly = (e.heapUsed + e.backing) / 1e6;
    const heapEnd = (last.heapUsed + last.backing) / 1e6;
    const growth = (heapEnd - heapEarly) / heapEarly;
    const meanFps = mean(fps);
    const meanBusy = mean(busy);
    return report({
      name: "dashboard-render",
      title: `Dashboard in headless Chromium, ${REPLICAS} replicas at ${HZ} Hz, ${(DURATION_MS / 60_000).toFixed(1)} min`,
      rows: [
        { figure: "frames per second (rAF), mean", value: Number(meanFps.toFixed(1)), unit: "fps" },
        { figure: "frames per second, 5th percentile of 5 s windows", value: Number(p5.toFixed(1)), unit: "fps" },
        { figure: "main-thread busy share, mean", value: Number((meanBusy * 100).toFixed(1)), unit: "%" },
        { figure: "main-thread busy share, max 5 s window", value: Number((Math.max(...busy) * 100).toFixed(1)), unit: "%" },
        { figure: "long tasks (> 50 ms)", value: last.longTasks, unit: "" },
        { figure: "JS heap + typed-array buffers after GC at 1 min", value: Number(heapEarly.toFixed(1)), unit: "MB" },
        { figure: `JS heap + typed-array buffers after GC at ${(DURATION_MS / 60_000).toFixed(1)} min`, value: Number(heapEnd.toFixed(1)), unit: "MB" },
        { figure: "  of which V8 heap at 1 min / end", value: `${(e.heapUsed / 1e6).toFixed(1)} / ${(last.heapUsed / 1e6).toFixed(1)}`, unit: "MB" },
        { figure: "  of which ArrayBuffers at 1 min / end", value: `${(e.backing / 1e6).toFixed(1)} / ${(last.backing / 1e6).toFixed(1)}`, unit: "MB" },
        { figure: "heap growth", value: Number((growth * 100).toFixed(1)), unit: "%" },
        { figure: "header at the end", value: kpi ?? "", unit: "replicas live/total" },
      ],
      notes: [
        `feed: ${feed.kind}`,
        "page: the whole live view at 1600×1000 (convergence scatter, heatmap, topology, divergence, rates, replica table — all rendering, including below the fold), window 5 min",
        "fps = requestAnimationFrame callbacks per second (the page redraws at most once per animation frame, frames arrive at 10 Hz); busy = CDP Performance.getMetrics TaskDuration per wall second",
        `heap = CDP Runtime.getHeapUsage (usedSize + backingStorageSize) after HeapProfiler.collectGarbage; machine: ${readCores()} cores shared with the feed processes, 1-min load average ${loadavg()[0]!.toFixed(1)} at the end`,
      ],
      targets: [
        { description: "page ≥ 30 fps", met: meanFps >= 30, value: `${meanFps.toFixed(1)} fps (p5 ${p5.toFixed(1)})` },
        { description: "heap growth 1 min → end < 20 %", met: growth < 0.2, value: `${heapEarly.toFixed(1)} → ${heapEnd.toFixed(1)} MB (${(growth * 100).toFixed(1)} %)` },
      ],
    });
  } finally {
    await browser.close();
    for (const child of feed?.children ?? []) if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  }
}

function readCores(): number {
  try {
    return readFileSync("/proc/cpuinfo", "utf8").split("\n").filter((l) => l.startsWith("processor")).length;
  } catch {
    return 0;
  }
}
