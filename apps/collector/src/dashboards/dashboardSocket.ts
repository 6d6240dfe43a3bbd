// socket.io namespace /dashboards: subscribe → snapshot, then frames at the frame rate;
// config-change and run-control (operator token when one is set) answered with
// control-result. Reading is open; changing needs the operator token.
import {
  DASHBOARD_NAMESPACE,
  parseDashboardEvent,
  protocolError,
  RequestIdSchema,
  type CollectorToDashboardEvents,
  type ControlResult,
  type DashboardToCollectorEvents,
  type ErrorMessage,
  type Frame,
} from "@driftscope/protocol";
import type { Logger } from "pino";
import type { Namespace, Server, Socket } from "socket.io";
import { tokenRefusal } from "../control/auth.js";
import type { CollectorCore } from "../CollectorCore.js";
import { TokenBucket, type RateLimits } from "../ingest/rateLimit.js";
import type { CollectorMetrics } from "../prometheus.js";

interface DashboardSocketData {
  /** Token from the handshake auth payload or `subscribe` (checked when used). */
  token: string | undefined;
  /** Percentile window this dashboard asked for; null until it subscribes. */
  windowMs: number | null;
  /** Skipping frames because its connection is backed up. */
  lagging: boolean;
}

type DashboardNamespace = Namespace<DashboardToCollectorEvents, CollectorToDashboardEvents, Record<string, never>, DashboardSocketData>;
type DashboardSocket = Socket<DashboardToCollectorEvents, CollectorToDashboardEvents, Record<string, never>, DashboardSocketData>;

/** Packets queued on a dashboard connection beyond which frames are skipped for it. */
const BACKLOG_LIMIT = 64;

export interface DashboardNamespaceDeps {
  core: CollectorCore;
  operatorToken: string | undefined;
  limits: RateLimits;
  metrics: CollectorMetrics;
  logger: Logger;
  now: () => number;
}

/** Sends frames to subscribed dashboards, grouped by the percentile window they asked for. */
export interface FrameBroadcaster {
  broadcast(frame: Frame, nowMs: number): void;
}

const roomOf = (windowMs: number) => `frames:${windowMs}`;

export function attachDashboardNamespace(io: Server, deps: DashboardNamespaceDeps): FrameBroadcaster {
  const { core, operatorToken, limits, metrics, logger, now } = deps;
  const ns = io.of(DASHBOARD_NAMESPACE) as DashboardNamespace;

  ns.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === "object" && auth !== null ? (auth as { token?: unknown }).token : undefined;
    socket.data = { token: typeof token === "string" ? token : undefined, windowMs: null, lagging: false };
    next();
  });

  ns.on("connection", (socket: DashboardSocket) => {
    metrics.dashboardsConnected.inc();
    const bucket = new TokenBucket(limits.messagesPerSec, limits.messageBurst, now());
    let lastLimitNoticeMs = -Infinity;

    const refuse = (error: ErrorMessage) => {
      metrics.rejections.inc({ code: error.code, transport: "dashboard" });
      socket.emit("error", error);
    };
    const answer = (result: ControlResult) => {
      if (!result.ok && result.error !== undefined) metrics.rejections.inc({ code: result.error.code, transport: "dashboard" });
      socket.emit("control-result", result);
    };
    const operatorRefusal = (token: string | undefined) => tokenRefusal(operatorToken, token ?? socket.data.token, "FORBIDDEN");

    socket.onAny((event: string, ...args: unknown[]) => {
      const t = now();
      if (!bucket.take(t)) {
        metrics.rateLimited.inc({ transport: "dashboard" });
        if (t - lastLimitNoticeMs >= 1000) {
          lastLimitNoticeMs = t;
          refuse(protocolError("RATE_LIMITED", `too many messages: at most ${limits.messagesPerSec}/s; messages are being dropped`));
        }
        return;
      }
      if (args.length !== 1 || typeof args[0] === "function") {
        refuse(protocolError("BAD_REQUEST", `event "${String(event).slice(0, 64)}" must carry exactly one message object and no acknowledgement callback`));
        return;
      }
      const parsed = parseDashboardEvent(event, args[0]);
      if (!parsed.ok) {
        // A control request with a usable requestId gets its control-result, so the
        // dashboard can tie the refusal to the slider that caused it.
        const requestId = requestIdOf(args[0]);
        if ((event === "config-change" || event === "run-control") && requestId !== undefined) {
          answer({ type: "control-result", requestId, ok: false, config: core.config, error: { ...parsed.error, ref: requestId } });
        } else {
          refuse(parsed.error);
        }
        return;
      }
      const msg = parsed.value;
      try {
        switch (msg.type) {
          case "subscribe": {
            if (msg.token !== undefined) socket.data.token = msg.token;
            const windowMs = msg.windowMs ?? core.defaultWindowMs;
            if (socket.data.windowMs !== null) void socket.leave(roomOf(socket.data.windowMs));
            socket.data.windowMs = windowMs;
            socket.data.lagging = false;
            socket.emit("snapshot", core.snapshot(t, windowMs));
            void socket.join(roomOf(windowMs));
            return;
          }
          case "request-snapshot":
            socket.emit("snapshot", core.snapshot(t, socket.data.windowMs ?? core.defaultWindowMs));
            return;
          case "config-change": {
            const refusal = operatorRefusal(msg.token);
            if (refusal !== undefined) {
              answer({ type: "control-result", requestId: msg.requestId, ok: false, config: core.config, error: tokenError(refusal, msg.requestId) });
              return;
            }
            const result = core.changeConfig(msg.patch, t, `dashboard ${socket.id}`);
            answer(
              result.ok
                ? { type: "control-result", requestId: msg.requestId, ok: true, config: result.config }
                : { type: "control-result", requestId: msg.requestId, ok: false, config: core.config, error: { ...result.error, ref: msg.requestId } },
            );
            return;
          }
          case "run-control": {
            const refusal = operatorRefusal(msg.token);
            if (refusal !== undefined) {
              answer({ type: "control-result", requestId: msg.requestId, ok: false, run: core.runInfo(), error: tokenError(refusal, msg.requestId) });
              return;
            }
            const run = core.runControl(msg.action, msg.name, t);
            answer({ type: "control-result", requestId: msg.requestId, ok: true, run });
            return;
          }
        }
      } catch (error) {
        logger.error({ err: error, event }, "dashboard message handler failed");
        refuse(protocolError("INTERNAL", "the collector failed to handle this message"));
      }
    });

    socket.on("disconnect", () => metrics.dashboardsConnected.dec());
  });

  return {
    broadcast(frame: Frame, nowMs: number): void {
      const windows = new Set<number>();
      const rejoin: Array<[DashboardSocket, number]> = [];
      for (const socket of ns.sockets.values()) {
        const w = socket.data.windowMs;
        if (w === null) continue;
        // Backpressure: a dashboard that cannot keep up skips frames, then gets a snapshot.
        const backlog = backlogOf(socket);
        if (!socket.data.lagging && backlog > BACKLOG_LIMIT) {
          socket.data.lagging = true;
          void socket.leave(roomOf(w));
        } else if (socket.data.lagging && backlog === 0) {
          socket.data.lagging = false;
          socket.emit("snapshot", core.snapshot(nowMs, w)); // already holds this frame
          rejoin.push([socket, w]);
          continue;
        }
        if (!socket.data.lagging) windows.add(w);
      }
      for (const w of windows) {
        const out = w === core.defaultWindowMs ? frame : { ...frame, kpis: core.kpisForWindow(frame, w, nowMs) };
        ns.to(roomOf(w)).emit("frame", out);
      }
      for (const [socket, w] of rejoin) void socket.join(roomOf(w));
    },
  };
}

// engine.io keeps unsent packets in `writeBuffer` (typed private, stable since engine.io 3).
function backlogOf(socket: DashboardSocket): number {
  const buffer = (socket.conn as unknown as { writeBuffer?: unknown }).writeBuffer;
  return Array.isArray(buffer) ? buffer.length : 0;
}

function tokenError(code: "UNAUTHORIZED" | "FORBIDDEN", requestId: string): ErrorMessage {
  return code === "UNAUTHORIZED"
    ? protocolError(code, "control refused: the operator token is required (in the message, in subscribe, or as socket.io auth.token)", { ref: requestId })
    : protocolError(code, "control refused: this token does not allow control changes; they need the operator token", { ref: requestId });
}

function requestIdOf(input: unknown): string | undefined {
  if (typeof input !== "object" || input === null) return undefined;
  const id = (input as { requestId?: unknown }).requestId;
  return RequestIdSchema.safeParse(id).success ? (id as string) : undefined;
}
