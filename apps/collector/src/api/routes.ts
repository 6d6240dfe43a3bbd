// The REST surface (DESIGN.md §5): health, ingest (ingestRoute.ts), cluster snapshot,
// config, runs and their exports, Prometheus /metrics. Every error is an ErrorMessage JSON body.
import {
  HEALTH_PATH,
  LIMITS,
  PROTOCOL_VERSION,
  protocolError,
  type ErrorMessage,
  type HealthAnswer,
  type Snapshot,
} from "@driftscope/protocol";
import express, { type Request, type Router } from "express";
import type { CollectorCore } from "../CollectorCore.js";
import { shapeProblem } from "../ingest/inputShape.js";
import type { KeyedBuckets, RateLimits } from "../ingest/rateLimit.js";
import type { CollectorMetrics } from "../prometheus.js";
import { CSV_TABLES, csvLines, jsonChunks, type CsvTable } from "../recordings/export.js";
import type { Recorder } from "../recordings/Recorder.js";
import { agentConfigRouter } from "./agentConfigRoute.js";
import { experimentRouter } from "./experimentRoutes.js";
import { tunerRouter } from "./tunerRoutes.js";
import { sendError } from "./errors.js";
import { httpGuards } from "./guards.js";
import { ingestRoute } from "./ingestRoute.js";
import { openApiRouter } from "./openapi.js";

export interface ApiDeps {
  core: CollectorCore;
  recorder: Recorder;
  metrics: CollectorMetrics;
  version: string;
  agentToken: string | undefined;
  operatorToken: string | undefined;
  limits: RateLimits;
  /** Bytes per client address, shared with the sockets (the packet gate's). */
  ipBytes: KeyedBuckets;
  now: () => number;
}

/** Largest `PUT /api/v1/config` body. */
const CONFIG_BODY_LIMIT = 1024 * 1024;
/** Most KPI points a run's detail carries (longer runs are decimated; exports have all). */
const RUN_DETAIL_POINTS = 3600;
/** A cluster snapshot is reused for this long (one frame at 10 Hz): it is about 1 MB to build. */
const SNAPSHOT_REUSE_MS = 100;

export function apiRouter(deps: ApiDeps): Router {
  const { core, recorder, metrics, now } = deps;
  const router = express.Router();
  const guards = httpGuards(deps);
  const { rateLimited, requireToken, declaredAtMost } = guards;
  const finished = new Map<string, ReturnType<Recorder["store"]["convergenceStats"]>>();
  const finishedStats = (id: string) => {
    let stats = finished.get(id);
    if (stats === undefined) {
      stats = recorder.store.convergenceStats(id);
      if (finished.size > 1000) finished.clear();
      finished.set(id, stats);
    }
    return stats;
  };

  router.get(HEALTH_PATH, (_req, res) => {
    const body: HealthAnswer = { ok: true, version: deps.version, protocol: PROTOCOL_VERSION };
    res.json(body);
  });

  ingestRoute(router, deps, guards);

  // ---- cluster and config ---------------------------------------------------------
  const snapshots = new Map<number, { atMs: number; snapshot: Snapshot }>();
  router.get("/api/v1/cluster", (req, res) => {
    const windowMs = optionalInt(req, "windowMs", 1000, 3_600_000) ?? core.defaultWindowMs;
    if (typeof windowMs === "object") {
      sendError(res, windowMs);
      return;
    }
    const t = now();
    let cached = snapshots.get(windowMs);
    if (cached === undefined || t - cached.atMs > SNAPSHOT_REUSE_MS || t < cached.atMs) {
      if (snapshots.size > 16) snapshots.clear();
      cached = { atMs: t, snapshot: core.snapshot(t, windowMs) };
      snapshots.set(windowMs, cached);
    }
    res.json(cached.snapshot);
  });

  router.get("/api/v1/replicas/:id", (req, res) => {
    const id = req.params.id;
    const engine = core.engine;
    if (typeof id !== "string" || !engine.hasReplica(id)) {
      sendError(res, protocolError("NOT_FOUND", `no replica ${JSON.stringify(String(id)).slice(0, 80)}; GET /api/v1/cluster lists them`));
      return;
    }
    const t = now();
    const figures = engine.replicaFigures(t).find((f) => f.id === id)!;
    res.json({ ...figures, node: core.agents.nodeOf(id), versionVector: engine.versionVector(id) ?? [] });
  });

  router.get("/api/v1/config", (_req, res) => {
    res.json(core.config);
  });

  router.put(
    "/api/v1/config",
    rateLimited,
    requireToken(deps.operatorToken, "config change"),
    declaredAtMost(CONFIG_BODY_LIMIT),
    express.json({ limit: CONFIG_BODY_LIMIT, strict: false }),
    (req, res) => {
      if (!req.is("application/json")) {
        metrics.rejections.inc({ code: "BAD_REQUEST", transport: "http" });
        sendError(res, protocolError("BAD_REQUEST", "expected a JSON config patch with Content-Type: application/json"));
        return;
      }
      const problem = shapeProblem(req.body, "config patch");
      if (problem !== undefined) {
        metrics.rejections.inc({ code: problem.code, transport: "http" });
        sendError(res, problem);
        return;
      }
      const result = core.changeConfig(req.body, now(), `HTTP ${req.ip ?? "client"}`);
      if (!result.ok) {
        metrics.rejections.inc({ code: result.error.code, transport: "http" });
        sendError(res, result.error);
        return;
      }
      res.json({ config: result.config, changed: result.changed });
    },
  );

  router.use(agentConfigRouter(deps));
  router.use(openApiRouter(deps.version));
  router.use(tunerRouter({ tuner: deps.core.tuner, operatorToken: deps.operatorToken }));
  router.use(experimentRouter({ experiments: deps.core.experiments, operatorToken: deps.operatorToken, applyConfig: (patch, source) => deps.core.changeConfig(patch, deps.now(), source) }));

  // ---- runs -----------------------------------------------------------------------
  router.get("/api/v1/runs", (_req, res) => {
    recorder.flush(now());
    const current = recorder.current?.id ?? null;
    res.json({ runs: recorder.store.listRuns().map((r) => ({ ...r, current: r.id === current })) });
  });

  router.get("/api/v1/runs/:id", (req, res) => {
    const run = findRun(req, recorder);
    if (run === undefined) {
      sendError(res, notFound(req.params.id));
      return;
    }
    recorder.flush(now());
    const store = recorder.store;
    const frames = [...store.frames(run.id)];
    const step = Math.max(1, Math.ceil(frames.length / RUN_DETAIL_POINTS));
    const kpis = frames.filter((_, i) => i % step === 0 || i === frames.length - 1).map(({ replicasJson: _r, ...k }) => k);
    const summary = store.listRuns(100_000).find((r) => r.id === run.id);
    res.json({
      run: { ...run, current: recorder.current?.id === run.id },
      counts: summary === undefined ? null : { frames: summary.frames, samples: summary.samples, events: summary.events, configs: summary.configs },
      // The recording run is still growing: its percentiles come from the engine's run
      // histogram (≤ 1 % error, instant); a finished run's are exact, computed once.
      convergence: recorder.current?.id === run.id ? { ...core.engine.runConvergence(now()), exact: false } : { ...finishedStats(run.id), exact: true },
      configs: store.configs(run.id).map((c) => ({ version: c.version, timeMs: c.timeMs, config: JSON.parse(c.configJson) as unknown, patch: c.patchJson === null ? null : (JSON.parse(c.patchJson) as unknown) })),
      segments: store.segments(run.id),
      events: store.events(run.id, LIMITS.snapshotEvents * 10).map((e) => JSON.parse(e.eventJson) as unknown),
      kpis,
      kpisDecimation: step,
    });
  });

  router.get("/api/v1/runs/:id/export", (req, res) => {
    const run = findRun(req, recorder);
    if (run === undefined) {
      sendError(res, notFound(req.params.id));
      return;
    }
    const unknown = Object.keys(req.query).find((k) => k !== "format" && k !== "data");
    if (unknown !== undefined) {
      const reason = "unknown query parameter; use format=csv|json and data";
      sendError(res, protocolError("VALIDATION", `unknown query parameter ${JSON.stringify(unknown).slice(0, 40)}: use format=csv|json (once) and data`, { issues: [{ path: unknown.slice(0, 40), reason }] }));
      return;
    }
    const format = singleParam(req, "format", "json");
    const data = singleParam(req, "data", "frames");
    if (typeof format === "object" || typeof data === "object") {
      sendError(res, typeof format === "object" ? format : (data as ErrorMessage));
      return;
    }
    if (format !== "csv" && format !== "json") {
      sendError(res, protocolError("VALIDATION", `unknown export format ${JSON.stringify(format).slice(0, 40)}; use csv or json`, { issues: [{ path: "format", reason: "expected csv or json" }] }));
      return;
    }
    if (format === "csv" && !(CSV_TABLES as readonly string[]).includes(data)) {
      sendError(res, protocolError("VALIDATION", `unknown CSV table ${JSON.stringify(data).slice(0, 40)}; use ${CSV_TABLES.join(", ")}`, { issues: [{ path: "data", reason: `expected one of ${CSV_TABLES.join(", ")}` }] }));
      return;
    }
    recorder.flush(now());
    const base = `driftscope-${run.id}`;
    if (format === "csv") {
      res.setHeader("Content-Type", "text/csv; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="${base}-${data}.csv"`);
      stream(res, csvLines(recorder.store, run, data as CsvTable));
    } else {
      res.setHeader("Content-Type", "application/json; charset=utf-8");
      res.setHeader("Content-Disposition", `attachment; filename="${base}.json"`);
      stream(res, jsonChunks(recorder.store, run));
    }
  });

  // ---- Prometheus -----------------------------------------------------------------
  router.get("/metrics", async (_req, res) => {
    const { contentType, body } = await metrics.text();
    res.setHeader("Content-Type", contentType);
    res.send(body);
  });

  router.use("/api", (req, res) => {
    sendError(res, protocolError("NOT_FOUND", `no such endpoint: ${req.method} /api${req.path}`.slice(0, 200)));
  });
  return router;
}

function findRun(req: Request, recorder: Recorder) {
  const id = req.params.id;
  return typeof id === "string" ? recorder.store.getRun(id) : undefined;
}

function notFound(id: unknown) {
  return protocolError("NOT_FOUND", `no run ${JSON.stringify(String(id)).slice(0, 80)}; GET /api/v1/runs lists them`);
}

/** A query parameter given at most once as plain text (`format[]=x`, `format=a&format=b` are errors). */
function singleParam(req: Request, name: string, fallback: string): string | ErrorMessage {
  const raw = req.query[name];
  if (raw === undefined) return fallback;
  if (typeof raw === "string") return raw;
  const reason = "must be given once, as plain text";
  return protocolError("VALIDATION", `query parameter ${name} ${reason}`, { issues: [{ path: name, reason }] });
}

function optionalInt(req: Request, name: string, min: number, max: number) {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    return protocolError("VALIDATION", `${name} must be an integer between ${min} and ${max}`, { issues: [{ path: name, reason: `expected an integer in [${min}, ${max}]` }] });
  }
  return value;
}

/** Writes chunks with backpressure (a big export never sits in memory whole). */
function stream(res: express.Response, chunks: Iterator<string>): void {
  let batch = "";
  const pump = (): void => {
    while (true) {
      const next = chunks.next();
      if (next.done === true) {
        res.end(batch);
        return;
      }
      batch += next.value;
      if (batch.length >= 64 * 1024) {
        const more = res.write(batch);
        batch = "";
        if (!more) {
          res.once("drain", pump);
          return;
        }
      }
    }
  };
  res.on("close", () => chunks.return?.());
  pump();
}
