// DEV AID — NOT PART OF THE PRODUCT. A stand-in for the collector that serves the built
// dashboard (apps/dashboard/dist) and plays plausible, protocol-shaped frames from an
// in-process gossip simulation (src/dev/fakeCluster.ts) on socket.io `/dashboards`, plus
// the REST endpoints the dashboard reads (health, cluster, runs, run export). It exists so
// the dashboard can be screenshotted and benchmarked before/without the real collector.
//
//   node --conditions=@driftscope/source --import tsx apps/dashboard/scripts/fake-collector.ts \
//     [--port 0] [--replicas 32] [--scenario demo|none] [--token SECRET] [--history-s 180]
//
// Prints one line `READY http://127.0.0.1:<port>` when listening. Binds to 127.0.0.1 only.

import { readFile, stat } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { ConfigPatch } from "@driftscope/protocol";
import { FakeCluster } from "../src/dev/fakeCluster.js";

const here = dirname(fileURLToPath(import.meta.url));
// socket.io (the server) is a dependency of the collector, not of the dashboard.
const requireFromCollector = createRequire(join(here, "../../collector/package.json"));
/** The little of socket.io's server API this script uses (its types live with the collector). */
interface IoSocket {
  on(event: string, handler: (msg: never) => void): void;
  emit(event: string, payload: unknown): void;
  join(room: string): unknown;
}
interface IoServer {
  of(nsp: string): { on(event: "connection", handler: (socket: IoSocket) => void): void; to(room: string): { emit(event: string, payload: unknown): void } };
}
const { Server } = requireFromCollector("socket.io") as { Server: new (http: unknown, opts: object) => IoServer };

const { values: args } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    replicas: { type: "string", default: "32" },
    scenario: { type: "string", default: "demo" },
    token: { type: "string" },
    "history-s": { type: "string", default: "180" },
    dist: { type: "string", default: join(here, "../dist") },
    seed: { type: "string", default: "7" },
  },
});

const replicas = Math.max(2, Math.min(4096, Number(args.replicas)));
const historyMs = Math.max(0, Number(args["history-s"])) * 1000;
const now = Date.now();
const cluster = new FakeCluster({ replicas, startMs: now - historyMs, seed: Number(args.seed), runId: "run-4" });

// Warm up: simulate the recent past so the views have history, with a scripted scenario.
const ids = cluster.ids;
const script: { at: number; patch: ConfigPatch }[] =
  args.scenario === "demo"
    ? [
        { at: 0.15, patch: { workload: { updatesPerSecPerReplica: 2 } } },
        { at: 0.3, patch: { gossip: { intervalMs: 500 } } },
        { at: 0.45, patch: { network: { partitions: [ids.slice(0, Math.floor(replicas / 2)), ids.slice(Math.floor(replicas / 2))] } } },
        { at: 0.62, patch: { network: { partitions: [] } } },
        { at: 0.75, patch: { network: { crashed: [ids[5 % replicas]!] } } },
        { at: 0.85, patch: { gossip: { intervalMs: 1000 } } },
      ]
    : [];
let step = 0;
for (let t = now - historyMs + 100; t <= now; t += 100) {
  const progress = (t - (now - historyMs)) / Math.max(1, historyMs);
  while (step < script.length && script[step]!.at <= progress) cluster.change(`script-${step}`, script[step++]!.patch);
  cluster.step(t);
}
// The warm-up took time: catch up to the clock so live frames follow without a gap.
for (let t = cluster.nowMs + 100; t < Date.now(); t += 100) cluster.step(t);

/** Recorded runs: short simulations at different sync periods, generated on first request. */
const RUN_CONFIGS = [
  { id: "run-1", name: "baseline T=2 s", intervalMs: 2000, fanout: 2 },
  { id: "run-2", name: "T=1 s", intervalMs: 1000, fanout: 2 },
  { id: "run-3", name: "T=250 ms", intervalMs: 250, fanout: 2 },
];
const runCache = new Map<string, unknown>();
function recordedRun(id: string): unknown {
  const cached = runCache.get(id);
  if (cached) return cached;
  const cfg = RUN_CONFIGS.find((r) => r.id === id);
  if (!cfg) return null;
  const start = now - 3_600_000 + RUN_CONFIGS.indexOf(cfg) * 600_000;
  const sim = new FakeCluster({ replicas: 16, startMs: start, seed: 11, runId: id, config: { gossip: { intervalMs: cfg.intervalMs, fanout: cfg.fanout, mode: "push-pull", payload: "delta" } } });
  const frames = [];
  for (let t = start + 100; t <= start + 120_000; t += 100) frames.push(sim.step(t));
  const snap = sim.snapshot();
  const run = { id, name: cfg.name, startedAtMs: start, endedAtMs: start + 120_000 };
  const doc = { run, config: snap.config, replicas: snap.replicas, frames, events: [] };
  runCache.set(id, doc);
  return doc;
}

const MIME: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml", ".map": "application/json", ".png": "image/png" };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://127.0.0.1");
  const path = url.pathname;
  if (path === "/api/v1/health") return json(res, 200, { ok: true, version: "fake-collector (dev aid)", protocol: 1 });
  if (path === "/api/v1/cluster") return json(res, 200, cluster.snapshot());
  if (path === "/api/v1/runs") {
    const live = { id: cluster.runId, name: `live (${replicas} replicas)`, startedAtMs: cluster.startMs, endedAtMs: null, replicaCount: replicas, config: cluster.config };
    const done = RUN_CONFIGS.map((r, i) => ({ id: r.id, name: r.name, startedAtMs: now - 3_600_000 + i * 600_000, endedAtMs: now - 3_600_000 + i * 600_000 + 120_000, replicaCount: 16, config: { gossip: { intervalMs: r.intervalMs, fanout: r.fanout, mode: "push-pull" } } }));
    return json(res, 200, { runs: [live, ...done] });
  }
  const m = /^\/api\/v1\/runs\/([^/]+)(\/export)?$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]!);
    const doc = id === cluster.runId ? { ...cluster.snapshot(), frames: cluster.snapshot().frames } : recordedRun(id);
    if (!doc) return json(res, 404, { type: "error", code: "NOT_FOUND", message: `no run ${id}` });
    if (m[2] && url.searchParams.get("format") === "csv") {
      res.writeHead(200, { "content-type": "text/csv" });
      return void res.end("note\r\nfake collector: CSV export not simulated\r\n");
    }
    return json(res, 200, doc);
  }
  if (path.startsWith("/api/")) return json(res, 404, { type: "error", code: "NOT_FOUND", message: `no route ${path}` });
  // Static files from dist, index.html for anything else.
  const dist = normalize(args.dist!);
  let file = normalize(join(dist, path === "/" ? "index.html" : path));
  if (!file.startsWith(dist)) file = join(dist, "index.html");
  try {
    if (!(await stat(file)).isFile()) file = join(dist, "index.html");
  } catch {
    file = join(dist, "index.html");
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, { "content-type": MIME[extname(file)] ?? "application/octet-stream" });
    res.end(body);
  } catch {
    res.writeHead(404).end("dashboard not built: run `pnpm --filter @driftscope/dashboard build`");
  }
}

const http = createServer((req, res) => void handle(req, res));
const io = new Server(http, { serveClient: false });
const dashboards = io.of("/dashboards");
dashboards.on("connection", (socket) => {
  socket.on("subscribe", () => {
    void socket.join("subscribers");
    socket.emit("snapshot", cluster.snapshot());
  });
  socket.on("request-snapshot", () => socket.emit("snapshot", cluster.snapshot()));
  socket.on("config-change", (msg: { requestId: string; patch: unknown; token?: string }) => {
    if (args.token && msg.token !== args.token) {
      const code = msg.token ? "FORBIDDEN" : "UNAUTHORIZED";
      socket.emit("control-result", { type: "control-result", requestId: msg.requestId, ok: false, config: cluster.config, error: { type: "error", code, message: msg.token ? "wrong operator token" : "operator token required" } });
      return;
    }
    socket.emit("control-result", cluster.change(msg.requestId, msg.patch));
  });
  socket.on("run-control", (msg: { requestId: string }) => {
    socket.emit("control-result", { type: "control-result", requestId: msg.requestId, ok: true, run: null });
  });
});

setInterval(() => {
  const frame = cluster.step(Date.now());
  dashboards.to("subscribers").emit("frame", frame);
}, 100);

http.listen(Number(args.port), "127.0.0.1", () => {
  const address = http.address();
  const port = typeof address === "object" && address ? address.port : 0;
  console.log(`READY http://127.0.0.1:${port}`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
