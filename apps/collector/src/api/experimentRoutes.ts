// The experiments' REST face (DESIGN §5): start a plan, list, read, export, cancel and
// delete experiments, and ask for a recommendation. Starting, cancelling and deleting are
// control actions: they need the operator token when one is set.
import { parseMessage, protocolError, recommend, TargetSchema, type ConfigPatchResult } from "@driftscope/protocol";
import express, { type Request, type Response, type Router } from "express";
import { bearerToken, tokenRefusal } from "../control/auth.js";
import type { Experiment, Experiments } from "../experiments/Experiments.js";
import { resultsCsv } from "../experiments/resultsTable.js";
import { sendError } from "./errors.js";

export interface ExperimentRouteDeps {
  experiments: Experiments;
  operatorToken: string | undefined;
  /** Applies a point's gossip settings to the live cluster: an ordinary config change, labelled. */
  applyConfig: (patch: { gossip: Record<string, unknown> }, source: string) => ConfigPatchResult;
}

const summary = (e: Experiment) => ({ id: e.id, name: e.plan.name, engine: e.plan.engine, status: e.status, createdAtMs: e.createdAtMs, endedAtMs: e.endedAtMs, totalPoints: e.totalPoints, donePoints: e.results.length, etaMs: e.etaMs, error: e.error });

export function experimentRouter(deps: ExperimentRouteDeps): Router {
  const router = express.Router();
  const { experiments } = deps;
  const operator = (req: Request, res: Response, what: string): boolean => {
    const refusal = tokenRefusal(deps.operatorToken, bearerToken(req.get("authorization")), "FORBIDDEN");
    if (refusal === undefined) return true;
    const why = refusal === "UNAUTHORIZED" ? "the operator token is required (Authorization: Bearer <token>)" : "the operator token is wrong";
    sendError(res, protocolError(refusal, `${what} refused: ${why}`));
    return false;
  };
  const find = (req: Request, res: Response): Experiment | undefined => {
    const e = experiments.get(String(req.params.id));
    if (e === undefined) sendError(res, protocolError("NOT_FOUND", `no experiment "${String(req.params.id)}"`, { issues: [{ path: "id", reason: "unknown experiment" }] }));
    return e;
  };

  router.post("/api/v1/experiments", express.json({ limit: 256 * 1024 }), (req, res) => {
    if (!operator(req, res, "starting an experiment")) return;
    const started = experiments.start(req.body);
    if (!started.ok) {
      sendError(res, started.error);
      return;
    }
    res.status(201).json(started.experiment);
  });

  router.get("/api/v1/experiments", (_req, res) => {
    res.json({ experiments: experiments.list().map(summary) });
  });

  router.get("/api/v1/experiments/:id", (req, res) => {
    const e = find(req, res);
    if (e !== undefined) res.json(e);
  });

  router.get("/api/v1/experiments/:id/recommendation", (req, res) => {
    const e = find(req, res);
    if (e === undefined) return;
    const num = (k: string) => (typeof req.query[k] === "string" ? Number(req.query[k]) : undefined);
    const target = parseMessage(TargetSchema, JSON.parse(JSON.stringify({ p95Ms: num("p95Ms"), p95UpdatePeriods: num("p95UpdatePeriods"), maxBytesPerSecPerReplica: num("maxBytesPerSecPerReplica") })), { what: "target" });
    if (!target.ok) {
      sendError(res, target.error);
      return;
    }
    // The update rate is the workload, not a choice: `updatesPerSecPerReplica` picks the points of one rate.
    const rate = num("updatesPerSecPerReplica");
    res.json(recommend(rate === undefined ? e.results : e.results.filter((p) => p.config.updatesPerSecPerReplica === rate), target.value));
  });

  router.get("/api/v1/experiments/:id/export", (req, res) => {
    const e = find(req, res);
    if (e === undefined) return;
    const format = req.query.format ?? "json";
    if (format !== "json" && format !== "csv") {
      sendError(res, protocolError("VALIDATION", "format must be json or csv", { issues: [{ path: "format", reason: "json or csv" }] }));
      return;
    }
    const name = `${e.id}-${e.plan.name.replace(/[^A-Za-z0-9._-]+/g, "_").slice(0, 60)}`;
    res.setHeader("content-disposition", `attachment; filename="${name}.${format}"`);
    if (format === "csv") res.type("text/csv; charset=utf-8").send(resultsCsv(e.results));
    else res.json(e);
  });

  router.post("/api/v1/experiments/:id/apply", express.json({ limit: 4096 }), (req, res) => {
    if (!operator(req, res, "applying an experiment's point")) return;
    const e = find(req, res);
    if (e === undefined) return;
    const index = (req.body as { point?: unknown } | undefined)?.point;
    const point = e.results.find((p) => p.index === index);
    if (point === undefined) {
      sendError(res, protocolError("VALIDATION", `apply refused: point: experiment ${e.id} has no measured point ${JSON.stringify(index)}`, { issues: [{ path: "point", reason: "the index of a measured point" }] }));
      return;
    }
    const { intervalMs, fanout, mode, payload } = point.config;
    const result = deps.applyConfig({ gossip: { intervalMs, fanout, mode, payload } }, `experiment ${e.id} (${e.plan.name}), point ${point.index}`);
    if (!result.ok) {
      sendError(res, result.error);
      return;
    }
    res.json({ config: result.config, changed: result.changed });
  });

  router.post("/api/v1/experiments/:id/cancel", (req, res) => {
    if (!operator(req, res, "cancelling an experiment")) return;
    const e = find(req, res);
    if (e === undefined) return;
    if (!experiments.cancel(e.id)) {
      sendError(res, protocolError("CONFLICT", `experiment ${e.id} is ${e.status}, not running`, { issues: [{ path: "id", reason: `status ${e.status}` }] }));
      return;
    }
    res.status(202).json(summary(e));
  });

  router.delete("/api/v1/experiments/:id", (req, res) => {
    if (!operator(req, res, "deleting an experiment")) return;
    const e = find(req, res);
    if (e === undefined) return;
    if (!experiments.delete(e.id)) {
      sendError(res, protocolError("CONFLICT", `experiment ${e.id} is still running: cancel it first`, { issues: [{ path: "id", reason: "running" }] }));
      return;
    }
    res.status(204).end();
  });

  return router;
}
