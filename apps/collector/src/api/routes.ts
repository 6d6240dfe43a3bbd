// The REST surface (DESIGN.md §5): health, ingest, cluster snapshot, config, runs and
// their exports, Prometheus /metrics. Every error is an ErrorMessage JSON body.
import {
  HEALTH_PATH,
  INGEST_PATH,
  ingestAnswer,
  ingestStatus,
  PROTOCOL_VERSION,
  protocolError,
  rejection,
  type ErrorMessage,
  type HealthAnswer,
  type IngestRejection,
  type Snapshot,
  LIMITS,
} from "@driftscope/protocol";
import express, { type Request, type RequestHandler, type Router } from "express";
import { bearerToken, tokenRefusal } from "../control/auth.js";
import { isError, type CollectorCore } from "../CollectorCore.js";
import { shapeProblem } from "../ingest/inputShape.js";
import { clientAddress } from "../ingest/packetGate.js";
import { KeyedBuckets, type RateLimits } from "../ingest/rateLimit.js";
import { LoopShare, TimeSlice } from "../ingest/timeSlice.js";
import type { CollectorMetrics } from "../prometheus.js";
import { CSV_TABLES, csvLines, jsonChunks, type CsvTable } from "../recordings/export.js";
import type { Recorder } from "../recordings/Recorder.js";
import { agentConfigRouter } from "./agentConfigRoute.js";
import { experimentRouter } from "./experimentRoutes.js";
import { tunerRouter } from "./tunerRoutes.js";
import { sendError } from "./errors.js";
import { IngestTurns, type IngestTicket } from "./ingestTurns.js";
import { timeWarning } from "./timeWarnings.js";
import { ingestInSlices } from "./ingestBody.js";
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
/** Ingest bodies one client address may have waiting or being applied. */
const INGEST_BODIES_PER_ADDRESS = 2;
/** A cluster snapshot is reused for this long (one frame at 10 Hz): it is about 1 MB to build. */
const SNAPSHOT_REUSE_MS = 100;

export function apiRouter(deps: ApiDeps): Router {
  const { core, recorder, metrics, now } = deps;
  const router = express.Router();
  const buckets = new KeyedBuckets(deps.limits.httpRequestsPerSec, deps.limits.httpBurst);
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

  const rateLimited: RequestHandler = (req, res, next) => {
    if (buckets.take(req.ip ?? "unknown", now())) {
      next();
      return;
    }
    metrics.rateLimited.inc({ transport: "http" });
    metrics.rejections.inc({ code: "RATE_LIMITED", transport: "http" });
    res.setHeader("Retry-After", "1");
    sendError(res, protocolError("RATE_LIMITED", `too many requests: at most ${deps.limits.httpRequestsPerSec}/s per client`));
  };

  // A declared length over the limit is answered at once, and the connection closed:
  // body-parser would first read (and discard) everything the client says it will send.
  const declaredAtMost = (limit: number): RequestHandler => (req, res, next) => {
    const declared = Number(req.get("content-length") ?? "0");
    if (!(declared > limit)) {
      next();
      return;
    }
    metrics.rejections.inc({ code: "PAYLOAD_TOO_LARGE", transport: "http" });
    res.setHeader("Connection", "close");
    sendError(res, protocolError("PAYLOAD_TOO_LARGE", `request body of ${declared} bytes refused (at most ${limit})`));
  };

  // Ingest bodies are held and parsed in memory, one at a time: what waits is bounded, and
  // each client address pays for its bytes from the same budget as its sockets.
  const turns = new IngestTurns(deps.limits.ingestInFlightBytes, INGEST_BODIES_PER_ADDRESS);
  const ingestShare = new LoopShare(deps.limits.ingestLoopMsPerSec);
  const tickets = new WeakMap<Request, IngestTicket>();
  const ingestBudget: RequestHandler = (req, res, next) => {
    const declared = Number(req.get("content-length") ?? "0");
    const size = Number.isFinite(declared) && declared > 0 ? Math.min(declared, LIMITS.ingestBodyBytes) : 0;
    const address = clientAddress(req.socket.remoteAddress);
    const waitMs = deps.ipBytes.waitMs(address, now(), size);
    const ticket = waitMs > 0 ? `too many bytes from this address: at most ${Math.round(deps.limits.ipBytesPerSec / 1048576)} MiB/s (sockets and ingest together); retry in ${Math.ceil(waitMs)} ms` : turns.reserve(address, size);
    if (typeof ticket !== "string") {
      tickets.set(req, ticket);
      res.once("close", () => ticket.release());
      next();
      return;
    }
    metrics.rateLimited.inc({ transport: "http" });
    metrics.rejections.inc({ code: "RATE_LIMITED", transport: "http" });
    res.setHeader("Retry-After", String(Math.max(1, Math.ceil(waitMs / 1000))));
    sendError(res, protocolError("RATE_LIMITED", ticket));
  };

  const requireToken = (expected: string | undefined, what: "ingest" | "config change"): RequestHandler => {
    return (req, res, next) => {
      const refusal = tokenRefusal(expected, bearerToken(req.get("authorization")), what === "ingest" ? "UNAUTHORIZED" : "FORBIDDEN");
      if (refusal === undefined) {
        next();
        return;
      }
      metrics.rejections.inc({ code: refusal, transport: "http" });
      const needed = what === "ingest" ? "agent" : "operator";
      if (refusal === "UNAUTHORIZED") res.setHeader("WWW-Authenticate", 'Bearer realm="driftscope"');
      sendError(
        res,
        protocolError(
          refusal,
          refusal === "FORBIDDEN" ? `this token does not allow a ${what}; it needs the ${needed} token` : `${what} requires the ${needed} token as "Authorization: Bearer <token>"`,
        ),
      );
    };
  };

  router.get(HEALTH_PATH, (_req, res) => {
    const body: HealthAnswer = { ok: true, version: deps.version, protocol: PROTOCOL_VERSION };
    res.json(body);
  });

  // ---- ingest ---------------------------------------------------------------------
  router.post(
    INGEST_PATH,
    rateLimited,
    requireToken(deps.agentToken, "ingest"),
    declaredAtMost(LIMITS.ingestBodyBytes),
    ingestBudget,
    express.text({ type: () => true, limit: LIMITS.ingestBodyBytes, defaultCharset: "utf-8" }),
    async (req, res) => {
      const type = (req.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
      if (type !== "application/x-ndjson" && type !== "application/json" && type !== "text/plain") {
        metrics.rejections.inc({ code: "BAD_REQUEST", transport: "http" });
        sendError(res, protocolError("BAD_REQUEST", `Content-Type must be application/x-ndjson (one message per line) or application/json (an array), got ${JSON.stringify(type || "none")}`));
        return;
      }
      const body: unknown = req.body;
      if (typeof body !== "string") {
        sendError(res, protocolError("BAD_REQUEST", "expected a text body"));
        return;
      }
      // The body must be what its Content-Type says: an array as application/json, lines as NDJSON.
      const array = body.trimStart().startsWith("[");
      if ((type === "application/x-ndjson" && array) || (type === "application/json" && !array && body.trim() !== "")) {
        metrics.rejections.inc({ code: "BAD_REQUEST", transport: "http" });
        const fix = array ? "a JSON array is sent as application/json" : "one message per line is sent as application/x-ndjson";
        sendError(res, protocolError("BAD_REQUEST", `the body does not match its Content-Type ${type}: ${fix}`, { issues: [{ path: "", reason: fix }] }));
        return;
      }
      deps.ipBytes.spend(clientAddress(req.socket.remoteAddress), now(), body.length);
      await tickets.get(req)?.turn();
      const rejected: IngestRejection[] = [];
      const warnings: Array<{ line: number; message: string }> = [];
      let accepted = 0;
      let helloInterval: number | undefined;
      let stale = false;
      const requestFull = new Set<string>();
      const reporters = new Set<string>();
      let requestAll = false;
      // Each message is applied as soon as it is judged, in order, a few ms of work at a time.
      const slice = new TimeSlice(undefined, ingestShare);
      const error = await ingestInSlices(body, slice, {
        reject: (r) => rejected.push(r),
        accept: (line, message) => {
          const t = now();
          const result =
            message.type === "hello"
              ? core.hello(message, "http", null, t)
              : message.type === "report"
                ? core.report(message, "http", t)
                : message.type === "config-ack"
                  ? core.configAck(message, "http", t)
                  : core.bye(message, "http", t);
          if (!result.ok) {
            rejected.push(rejection(line, result.error));
            return;
          }
          accepted++;
          const warning = warnings.length < LIMITS.ingestRejections ? timeWarning(message, t) : undefined;
          if (warning !== undefined) warnings.push({ line, message: warning });
          if (message.type === "hello") helloInterval = (result.value as { welcome: { reportIntervalMs: number } }).welcome.reportIntervalMs;
          if (message.type === "report") {
            if (message.replicas.some((r) => r.configVersion !== undefined && r.configVersion !== core.config.version)) stale = true;
            reporters.add(message.agentId);
          }
        },
      });
      await slice.finish();
      tickets.get(req)?.release(); // the next body may start while this answer is written
      if (error !== undefined) {
        metrics.rejections.inc({ code: error.code, transport: "http" });
        sendError(res, error);
        return;
      }
      // The answer is an HTTP node's only channel back, and the whole body is applied by
      // now: name every replica of the reporting agents whose whole vector is still due.
      for (const agentId of reporters) {
        const session = core.agents.sessionFor(agentId, "ingest");
        if (isError(session) || session.needsFull.size === 0) continue;
        if (session.needsFull.size === core.agents.replicasOf(agentId).length) requestAll = true;
        else for (const id of session.needsFull) requestFull.add(id);
      }
      for (const r of rejected) metrics.rejections.inc({ code: r.code, transport: "http" });
      const answer = ingestAnswer({
        accepted,
        rejected,
        collectorTimeMs: now(),
        ...(helloInterval !== undefined || stale ? { config: core.config } : {}),
        ...(helloInterval !== undefined ? { reportIntervalMs: helloInterval } : {}),
        ...(requestAll ? { requestFull: true as const } : requestFull.size > 0 ? { requestFull: [...requestFull] as never } : {}),
        ...(warnings.length > 0 ? { warnings } : {}),
      });
      res.status(ingestStatus(answer)).json(answer);
    },
  );

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
