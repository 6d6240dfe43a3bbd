// The config channel of HTTP-only agents (protocol §8.1): a long poll,
// `GET /api/v1/agents/:id/config?after=<version>`. It answers at once with the `config`
// message (§5.3) when the cluster config's version is not `after` (newer, or older after a
// collector started on a fresh database), otherwise holds the request until a change or
// the wait runs out (204). It only reads: an agent's liveness still comes from its
// reports, so a node that polls but stopped reporting turns unreachable as usual.
import type { Server } from "node:net";
import { isValidId, protocolError, type ClusterConfig, type ConfigMessage, type ErrorMessage } from "@driftscope/protocol";
import express, { type Request, type Response, type Router } from "express";
import { bearerToken, tokenRefusal } from "../control/auth.js";
import type { CollectorCore } from "../CollectorCore.js";
import { KeyedBuckets } from "../ingest/rateLimit.js";
import { sendError } from "./errors.js";
import type { ApiDeps } from "./routes.js";

export const AGENT_CONFIG_PATH = "/api/v1/agents/:id/config";
/** Longest a poll is held: below the 30 s idle timeout of common proxies and load balancers. */
export const CONFIG_POLL_MAX_WAIT_MS = 25_000;
/** How often held polls look whether the server is closing (it emits nothing until they end). */
const SHUTDOWN_CHECK_MS = 500;

interface HeldPoll {
  after: number;
  res: Response;
  timer: NodeJS.Timeout;
  server: Server | undefined;
}

/**
 * The polls one collector holds, at most one per agent (a newer poll from the same agent
 * answers the older one with 204), so they are bounded by the agents the registry admits.
 */
export class ConfigPolls {
  private readonly held = new Map<string, HeldPoll>();
  private shutdownWatch: NodeJS.Timeout | undefined;

  get size(): number {
    return this.held.size;
  }

  hold(agentId: string, after: number, waitMs: number, res: Response, server: Server | undefined): void {
    this.release(agentId);
    const timer = setTimeout(() => this.release(agentId), waitMs);
    timer.unref();
    const poll: HeldPoll = { after, res, timer, server };
    this.held.set(agentId, poll);
    res.once("close", () => {
      if (this.held.get(agentId) === poll) this.forget(agentId, poll);
    });
    this.shutdownWatch ??= setInterval(() => this.endIfClosing(), SHUTDOWN_CHECK_MS).unref();
  }

  /** Answers every held poll that waits for a version other than `config`'s. */
  wake(config: ClusterConfig): void {
    for (const [agentId, poll] of [...this.held]) {
      if (config.version !== poll.after) {
        this.forget(agentId, poll);
        poll.res.json(configMessage(config));
      }
    }
  }

  /** Ends the agent's held poll, if any, with 204 (nothing changed). */
  private release(agentId: string, closeConnection = false): void {
    const poll = this.held.get(agentId);
    if (poll === undefined) return;
    this.forget(agentId, poll);
    if (closeConnection) poll.res.setHeader("Connection", "close");
    poll.res.status(204).end();
  }

  private forget(agentId: string, poll: HeldPoll): void {
    clearTimeout(poll.timer);
    this.held.delete(agentId);
    if (this.held.size === 0 && this.shutdownWatch !== undefined) {
      clearInterval(this.shutdownWatch);
      this.shutdownWatch = undefined;
    }
  }

  // A closing HTTP server waits for requests in progress: a held poll would delay the
  // collector's shutdown by up to CONFIG_POLL_MAX_WAIT_MS.
  private endIfClosing(): void {
    // The connection is closed too: an idle keep-alive one would hold the server as long.
    for (const [agentId, poll] of [...this.held]) if (poll.server !== undefined && !poll.server.listening) this.release(agentId, true);
  }
}

const pollsByCore = new WeakMap<CollectorCore, ConfigPolls>();

/** The held polls of the collector around `core` (the config push wakes them). */
export function configPollsOf(core: CollectorCore): ConfigPolls {
  let polls = pollsByCore.get(core);
  if (polls === undefined) {
    polls = new ConfigPolls();
    pollsByCore.set(core, polls);
  }
  return polls;
}

function configMessage(config: ClusterConfig): ConfigMessage {
  return { type: "config", config };
}

export function agentConfigRouter(deps: Pick<ApiDeps, "core" | "agentToken" | "metrics" | "limits" | "now">): Router {
  const { core, metrics } = deps;
  const router = express.Router();
  const polls = configPollsOf(core);
  // A client that polls with an old `after` in a loop is answered at once every time.
  const buckets = new KeyedBuckets(deps.limits.httpRequestsPerSec, deps.limits.httpBurst);
  const refuse = (res: Response, error: ErrorMessage) => {
    metrics.rejections.inc({ code: error.code, transport: "http" });
    sendError(res, error);
  };

  router.get(AGENT_CONFIG_PATH, (req, res) => {
    if (!buckets.take(req.ip ?? "unknown", deps.now())) {
      metrics.rateLimited.inc({ transport: "http" });
      res.setHeader("Retry-After", "1");
      refuse(res, protocolError("RATE_LIMITED", `too many config polls: at most ${deps.limits.httpRequestsPerSec}/s per client`));
      return;
    }
    const refusal = tokenRefusal(deps.agentToken, bearerToken(req.get("authorization")), "UNAUTHORIZED");
    if (refusal !== undefined) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="driftscope"');
      refuse(res, protocolError(refusal, `a config poll requires the agent token as "Authorization: Bearer <token>"`));
      return;
    }
    const agentId = req.params.id;
    if (!isValidId(agentId)) {
      const reason = "an agent id is 1–128 characters of A-Z a-z 0-9 . _ : -";
      refuse(res, protocolError("VALIDATION", `invalid agent id: ${reason}`, { issues: [{ path: "id", reason }] }));
      return;
    }
    const after = queryInt(req, "after", Number.MAX_SAFE_INTEGER);
    const waitMs = queryInt(req, "waitMs", CONFIG_POLL_MAX_WAIT_MS);
    if (typeof after === "object" || typeof waitMs === "object") {
      refuse(res, typeof after === "object" ? after : (waitMs as ErrorMessage));
      return;
    }
    if (!core.agents.sessions.has(agentId)) {
      refuse(res, protocolError("NOT_FOUND", `no agent ${JSON.stringify(agentId)}: send hello first (POST /api/v1/ingest)`));
      return;
    }
    res.setHeader("Cache-Control", "no-store");
    const config = core.config;
    if (after === undefined || config.version !== after) {
      res.json(configMessage(config));
      return;
    }
    const wait = waitMs ?? CONFIG_POLL_MAX_WAIT_MS;
    if (wait === 0) {
      res.status(204).end();
      return;
    }
    // net sets `socket.server` on every accepted connection (not in its typings).
    polls.hold(agentId, after, wait, res, (req.socket as unknown as { server?: Server }).server);
  });
  return router;
}

/** An optional integer query parameter in [0, max], or the VALIDATION error it deserves. */
function queryInt(req: Request, name: string, max: number): number | undefined | ErrorMessage {
  const raw = req.query[name];
  if (raw === undefined) return undefined;
  const value = typeof raw === "string" && /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN;
  if (value <= max) return value;
  const reason = `expected an integer in [0, ${max}]`;
  return protocolError("VALIDATION", `${name} must be an integer between 0 and ${max}`, { issues: [{ path: name, reason }] });
}
