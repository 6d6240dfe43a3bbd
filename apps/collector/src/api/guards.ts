// Checks shared by the routes that change state: a request rate per client, a declared
// body length answered before the body is read, and the tokens.
import { protocolError } from "@driftscope/protocol";
import type { Request, RequestHandler, Response } from "express";
import { bearerToken, tokenRefusal } from "../control/auth.js";
import { KeyedBuckets, type RateLimits } from "../ingest/rateLimit.js";
import type { CollectorMetrics } from "../prometheus.js";
import { sendError } from "./errors.js";

export interface Guards {
  /** Requests per client address (one budget for every guarded route). */
  rateLimited: RequestHandler;
  /** Refuses a declared length over `limit` at once, and closes the connection. */
  declaredAtMost(limit: number): RequestHandler;
  /** Requires `expected` (when set) as a Bearer token. */
  requireToken(expected: string | undefined, what: "ingest" | "config change"): RequestHandler;
}

/**
 * Marks an answer given before the request's body was read to close the connection: Node
 * would otherwise read the whole body (and throw it away) to keep the connection for the
 * next request — 8 MiB per refused hostile body, most of the collector's CPU under attack.
 */
export function closeUnread(req: Request, res: Response): void {
  const length = req.get("content-length");
  if ((length !== undefined && length !== "0") || req.get("transfer-encoding") !== undefined) res.setHeader("Connection", "close");
}

export function httpGuards(deps: { limits: RateLimits; metrics: CollectorMetrics; now: () => number }): Guards {
  const { metrics, now } = deps;
  const buckets = new KeyedBuckets(deps.limits.httpRequestsPerSec, deps.limits.httpBurst);

  const rateLimited: RequestHandler = (req, res, next) => {
    if (buckets.take(req.ip ?? "unknown", now())) {
      next();
      return;
    }
    metrics.rateLimited.inc({ transport: "http" });
    metrics.rejections.inc({ code: "RATE_LIMITED", transport: "http" });
    res.setHeader("Retry-After", "1");
    closeUnread(req, res);
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

  const requireToken = (expected: string | undefined, what: "ingest" | "config change"): RequestHandler => {
    return (req, res, next) => {
      const refusal = tokenRefusal(expected, bearerToken(req.get("authorization")), what === "ingest" ? "UNAUTHORIZED" : "FORBIDDEN");
      if (refusal === undefined) {
        next();
        return;
      }
      metrics.rejections.inc({ code: refusal, transport: "http" });
      closeUnread(req, res);
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

  return { rateLimited, declaredAtMost, requireToken };
}
