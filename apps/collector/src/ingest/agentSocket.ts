// socket.io namespace /agents. One event per message, named after its `type`, with the
// message as the only argument (docs/protocol.md). Every event is validated with the
// protocol schemas; the handshake is hello → welcome; ping → pong at any time.
import {
  AGENT_NAMESPACE,
  parseAgentEvent,
  protocolError,
  type AgentToCollectorEvents,
  type CollectorToAgentEvents,
  type ErrorMessage,
} from "@driftscope/protocol";
import type { Logger } from "pino";
import type { Namespace, Server, Socket } from "socket.io";
import { tokenMatches } from "../control/auth.js";
import type { CollectorCore } from "../CollectorCore.js";
import type { CollectorMetrics } from "../prometheus.js";
import { TokenBucket, type RateLimits } from "./rateLimit.js";

/** Per-socket state. */
export interface AgentSocketData {
  /** Agent id bound by a successful hello. */
  agentId: string | null;
  /** The handshake `auth.token` matched the agent token (or none is required). */
  authenticated: boolean;
}

export type AgentNamespace = Namespace<AgentToCollectorEvents, CollectorToAgentEvents, Record<string, never>, AgentSocketData>;
type AgentSocket = Socket<AgentToCollectorEvents, CollectorToAgentEvents, Record<string, never>, AgentSocketData>;

/** Room of sockets that completed the handshake (they receive config pushes). */
export const HELLO_ROOM = "agents:hello";

export interface AgentNamespaceDeps {
  core: CollectorCore;
  agentToken: string | undefined;
  limits: RateLimits;
  metrics: CollectorMetrics;
  logger: Logger;
  now: () => number;
}

export function attachAgentNamespace(io: Server, deps: AgentNamespaceDeps): AgentNamespace {
  const { core, agentToken, limits, metrics, logger, now } = deps;
  const ns = io.of(AGENT_NAMESPACE) as AgentNamespace;

  ns.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === "object" && auth !== null ? (auth as { token?: unknown }).token : undefined;
    if (agentToken !== undefined && token !== undefined && !tokenMatches(agentToken, token)) {
      metrics.rejections.inc({ code: "UNAUTHORIZED", transport: "socket" });
      const error = new Error("UNAUTHORIZED: the agent token in the socket.io auth payload is wrong") as Error & { data?: ErrorMessage };
      error.data = protocolError("UNAUTHORIZED", "the agent token in the socket.io auth payload is wrong");
      next(error);
      return;
    }
    socket.data = { agentId: null, authenticated: agentToken === undefined || token !== undefined };
    next();
  });

  ns.on("connection", (socket: AgentSocket) => {
    metrics.agentsConnected.inc();
    const messages = new TokenBucket(limits.messagesPerSec, limits.messageBurst, now());
    const bytes = new TokenBucket(limits.bytesPerSec, limits.byteBurst, now());
    let overBytes = false;
    let lastLimitNoticeMs = -Infinity;
    // Raw frames arrive here before socket.io decodes them into an event: charge their size.
    socket.conn.on("data", (data: unknown) => {
      const size = typeof data === "string" ? data.length : data instanceof Uint8Array ? data.byteLength : 0;
      if (!bytes.take(now(), size)) overBytes = true;
    });

    const refuse = (error: ErrorMessage) => {
      metrics.rejections.inc({ code: error.code, transport: "socket" });
      socket.emit("error", error);
    };

    socket.onAny((event: string, ...args: unknown[]) => {
      const t = now();
      const flooded = overBytes || !messages.take(t);
      overBytes = false;
      if (flooded) {
        metrics.rateLimited.inc({ transport: "socket" });
        // One notice per second: answering every dropped message would feed the flood.
        if (t - lastLimitNoticeMs >= 1000) {
          lastLimitNoticeMs = t;
          refuse(protocolError("RATE_LIMITED", `too many messages: at most ${limits.messagesPerSec}/s (burst ${limits.messageBurst}); messages are being dropped`));
        } else {
          metrics.rejections.inc({ code: "RATE_LIMITED", transport: "socket" });
        }
        return;
      }
      if (args.length !== 1 || typeof args[0] === "function") {
        refuse(protocolError("BAD_REQUEST", `event "${String(event).slice(0, 64)}" must carry exactly one message object and no acknowledgement callback`));
        return;
      }
      const parsed = parseAgentEvent(event, args[0]);
      if (!parsed.ok) {
        refuse(parsed.error);
        // A refused hello ends the session (docs/protocol.md §3.1): the agent must fix it and reconnect.
        if (event === "hello") socket.disconnect();
        return;
      }
      const msg = parsed.value;
      try {
        switch (msg.type) {
          case "ping":
            socket.emit("pong", { type: "pong", id: msg.id, agentTimeMs: msg.agentTimeMs, collectorTimeMs: now() });
            return;
          case "hello": {
            if (!socket.data.authenticated && !tokenMatches(agentToken, msg.token)) {
              refuse(protocolError("UNAUTHORIZED", "hello refused: a valid agent token is required (socket.io auth.token or hello.token)", { ref: "hello" }));
              socket.disconnect();
              return;
            }
            const result = core.hello(msg, "socket", socket.id, t);
            if (!result.ok) {
              refuse(result.error);
              socket.disconnect();
              return;
            }
            socket.data.authenticated = true;
            socket.data.agentId = msg.agentId;
            void socket.join(HELLO_ROOM);
            socket.emit("welcome", result.value.welcome);
            const old = result.value.superseded;
            if (old !== null) {
              const previous = ns.sockets.get(old);
              previous?.emit("error", protocolError("CONFLICT", `agent "${msg.agentId}" connected again on another socket; this one is closed`));
              previous?.disconnect();
            }
            return;
          }
          default: {
            if (socket.data.agentId === null) {
              refuse(protocolError("BAD_REQUEST", `${msg.type} before hello: send hello first`, { ref: msg.type }));
              return;
            }
            if (msg.agentId !== socket.data.agentId) {
              const reason = `this connection said hello as "${socket.data.agentId}"`;
              refuse(protocolError("FORBIDDEN", `${msg.type} for agent "${msg.agentId}" refused: ${reason}`, { issues: [{ path: "agentId", reason }], ref: msg.type }));
              return;
            }
            const result = msg.type === "report" ? core.report(msg, "socket", t) : msg.type === "config-ack" ? core.configAck(msg, "socket", t) : core.bye(msg, "socket", t);
            if (!result.ok) {
              refuse(result.error);
              return;
            }
            if (msg.type === "bye") {
              socket.data.agentId = null;
              void socket.leave(HELLO_ROOM);
            }
          }
        }
      } catch (error) {
        logger.error({ err: error, event }, "agent message handler failed");
        refuse(protocolError("INTERNAL", "the collector failed to handle this message; it was not applied"));
      }
    });

    socket.on("disconnect", () => {
      metrics.agentsConnected.dec();
      core.socketClosed(socket.id);
    });
  });
  return ns;
}
