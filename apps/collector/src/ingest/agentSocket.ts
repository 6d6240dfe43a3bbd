// socket.io namespace /agents. One event per message, named after its `type`, with the
// message as the only argument (docs/protocol.md). The packet gate has already refused
// binary, oversized and flooding packets, and everything but `hello` before a hello is
// accepted. Here: a bounded shape check, then the protocol schemas (large refused reports
// in slices), then the core — reports through the ReportQueue, where reports of one
// connection that wait coalesce, and an overloaded collector asks agents to slow down. A
// connection that has not said hello within the handshake timeout is closed.
import {
  AGENT_NAMESPACE,
  parseAgentEvent,
  protocolError,
  type AgentToCollector,
  type AgentToCollectorEvents,
  type CollectorToAgentEvents,
  type ErrorMessage,
  type ParseResult,
} from "@driftscope/protocol";
import type { Logger } from "pino";
import type { Namespace, Server, Socket } from "socket.io";
import { tokenMatches } from "../control/auth.js";
import type { CollectorCore } from "../CollectorCore.js";
import type { CollectorMetrics } from "../prometheus.js";
import { shapeProblem } from "./inputShape.js";
import { ReportQueue } from "./ReportQueue.js";
import { ArrivalLag } from "./arrivalLag.js";
import type { PacketGate } from "./packetGate.js";
import { TimeSlice } from "./timeSlice.js";
import { validateReport } from "./validateReport.js";

/** Per-socket state. */
export interface AgentSocketData {
  /** Agent id bound by a successful hello. */
  agentId: string | null;
  /** The handshake `auth.token` matched the agent token (or none is required). */
  authenticated: boolean;
  /** A hello was accepted on this connection (pings stay answered after a bye). */
  welcomed: boolean;
}

export type AgentNamespace = Namespace<AgentToCollectorEvents, CollectorToAgentEvents, Record<string, never>, AgentSocketData>;
type AgentSocket = Socket<AgentToCollectorEvents, CollectorToAgentEvents, Record<string, never>, AgentSocketData>;

/** Room of sockets that completed the handshake (they receive config pushes). */
export const HELLO_ROOM = "agents:hello";

/**
 * Messages of one connection waiting behind a report validated in slices. The connection
 * is not read meanwhile, so only what one read delivered waits; over this (a transport that
 * cannot be paused), messages are dropped with RATE_LIMITED.
 */
const MAX_WAITING = 256;

export interface AgentNamespaceDeps {
  core: CollectorCore;
  agentToken: string | undefined;
  gate: PacketGate;
  /** Time a connection has to get a hello accepted. */
  handshakeTimeoutMs: number;
  metrics: CollectorMetrics;
  logger: Logger;
  now: () => number;
}

/** The acknowledgement a report may ask for: called once it is taken in (queued, folded or refused). */
type Ack = (answer: { seq: number | null }) => void;
const seqOf = (payload: unknown): number | null => {
  const seq = typeof payload === "object" && payload !== null ? (payload as { seq?: unknown }).seq : undefined;
  return typeof seq === "number" && Number.isFinite(seq) ? seq : null;
};

export function attachAgentNamespace(io: Server, deps: AgentNamespaceDeps): AgentNamespace {
  const { core, agentToken, gate, metrics, logger, now } = deps;
  const ns = io.of(AGENT_NAMESPACE) as AgentNamespace;
  /** Agent messages handled in the current turn of the event loop, over all connections. */
  const loopTurn = new TimeSlice();
  const ingest = core.agentIngest;
  const reports = new ReportQueue(ingest.load, now);
  metrics.watchIngestLoad(ingest.load);
  let loopUse = performance.eventLoopUtilization();
  /** Once a second: the load decides whether agents should report slower (or faster again). */
  const judgeLoad = (t: number) => {
    if (!ingest.load.due(t)) return;
    const share = performance.eventLoopUtilization(loopUse).utilization;
    loopUse = performance.eventLoopUtilization();
    const slowdown = ingest.load.evaluate(t, share);
    if (slowdown === undefined) return;
    logger.warn({ slowdown }, slowdown > 1 ? "ingest overloaded: agents asked to report slower" : "ingest load fell: agents asked for their own report interval");
    for (const [session, intervalMs] of ingest.slowdownChanged()) {
      if (session.connectionId === null) continue;
      ns.sockets.get(session.connectionId)?.emit("config", { type: "config", config: core.config, reportIntervalMs: intervalMs });
    }
  };

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
    socket.data = { agentId: null, authenticated: agentToken === undefined || token !== undefined, welcomed: false };
    next();
  });

  ns.on("connection", (socket: AgentSocket) => {
    metrics.agentsConnected.inc();
    const refuse = (error: ErrorMessage) => {
      metrics.rejections.inc({ code: error.code, transport: "socket" });
      socket.emit("error", error);
    };
    const lag = new ArrivalLag();
    const handshakeTimer = setTimeout(() => {
      refuse(protocolError("BAD_REQUEST", `no hello accepted within ${deps.handshakeTimeoutMs} ms; this connection is closed`));
      socket.disconnect(true);
    }, deps.handshakeTimeoutMs);
    handshakeTimer.unref();

    const hello = (payload: unknown, t: number) => {
      const problem = shapeProblem(payload, "hello");
      const msg = problem !== undefined ? { ok: false as const, error: problem } : parseAgentEvent("hello", payload);
      if (!msg.ok || msg.value.type !== "hello") {
        // A refused hello ends the session (docs/protocol.md §3.1): the agent must fix it and reconnect.
        refuse(msg.ok ? protocolError("BAD_REQUEST", "expected a hello") : msg.error);
        socket.disconnect();
        return;
      }
      const h = msg.value;
      if (!socket.data.authenticated && !tokenMatches(agentToken, h.token)) {
        refuse(protocolError("UNAUTHORIZED", "hello refused: a valid agent token is required (socket.io auth.token or hello.token)", { ref: "hello" }));
        socket.disconnect();
        return;
      }
      const result = core.hello(h, "socket", socket.id, t);
      if (!result.ok) {
        refuse(result.error);
        socket.disconnect();
        return;
      }
      clearTimeout(handshakeTimer);
      gate.accept(socket.conn, AGENT_NAMESPACE);
      socket.data.authenticated = true;
      socket.data.welcomed = true;
      socket.data.agentId = h.agentId;
      void socket.join(HELLO_ROOM);
      socket.emit("welcome", result.value.welcome);
      const old = result.value.superseded;
      if (old !== null) {
        const previous = ns.sockets.get(old);
        previous?.emit("error", protocolError("CONFLICT", `agent "${h.agentId}" connected again on another socket; this one is closed`));
        previous?.disconnect();
      }
    };

    const apply = (parsed: ParseResult<AgentToCollector>, event: string) => {
      if (!parsed.ok) {
        refuse(parsed.error);
        return;
      }
      const msg = parsed.value;
      const t = now();
      if (msg.type === "ping") {
        socket.emit("pong", { type: "pong", id: msg.id, agentTimeMs: msg.agentTimeMs, collectorTimeMs: t });
        return;
      }
      if (socket.data.agentId === null) {
        refuse(protocolError("BAD_REQUEST", `${msg.type} ${socket.data.welcomed ? "after bye" : "before hello"}: send hello first`, { ref: msg.type }));
        return;
      }
      if (msg.type === "hello") return; // handled above; listed for the type's sake
      if (msg.agentId !== socket.data.agentId) {
        const reason = `this connection said hello as "${socket.data.agentId}"`;
        refuse(protocolError("FORBIDDEN", `${msg.type} for agent "${msg.agentId}" refused: ${reason}`, { issues: [{ path: "agentId", reason }], ref: msg.type }));
        return;
      }
      if (msg.type === "report") {
        ingest.load.arrived(lag.excess(t, msg.timeMs));
        reports.push(socket.id, msg, fold);
        judgeLoad(t);
        return;
      }
      reports.flush(socket.id); // a report waiting on this connection comes first
      try {
        const result = msg.type === "config-ack" ? core.configAck(msg, "socket", t, socket.id) : core.bye(msg, "socket", t, socket.id);
        if (!result.ok) {
          refuse(result.error);
          return;
        }
        if (msg.type === "bye") {
          socket.data.agentId = null;
          void socket.leave(HELLO_ROOM);
        }
      } catch (error) {
        logger.error({ err: error, event }, "agent message handler failed");
        refuse(protocolError("INTERNAL", "the collector failed to handle this message; it was not applied"));
      }
    };

    /** Folds a report (merged from several when they waited) that the queue releases. */
    const fold = (report: AgentToCollector & { type: "report" }, firstSeq: number) => {
      try {
        const result = core.report(report, "socket", now(), socket.id, firstSeq);
        if (!result.ok) refuse(result.error);
      } catch (error) {
        logger.error({ err: error, event: "report" }, "agent message handler failed");
        refuse(protocolError("INTERNAL", "the collector failed to handle this message; it was not applied"));
      }
    };

    /** Handles one message; returns a promise while a large report is validated in slices. */
    const handle = (event: string, payload: unknown): Promise<void> | undefined => {
      if (event === "hello") {
        reports.flush(socket.id); // a report waiting on this connection comes first
        hello(payload, now());
        return undefined;
      }
      if (!socket.data.welcomed) {
        refuse(protocolError("BAD_REQUEST", `${String(event).slice(0, 64)} before hello: send hello first`));
        return undefined;
      }
      const problem = event === "report" ? undefined : shapeProblem(payload, String(event).slice(0, 64));
      if (problem !== undefined) {
        refuse(problem);
        return undefined;
      }
      // A report's shape is walked by validateReport, and only when the checked loop refuses it.
      const parsed = event === "report" ? validateReport(payload) : parseAgentEvent(event, payload);
      if (!(parsed instanceof Promise)) {
        apply(parsed, event);
        return undefined;
      }
      return parsed.then((p) => apply(p, event));
    };

    // Messages keep their order: while one report is validated in slices, later ones wait,
    // and the connection is not read meanwhile (parsed messages would pile up in memory).
    // A burst (an agent's backlog, every agent's tick at once) is spread over turns of the
    // event loop: once this turn has run for a slice, the next message waits for the next.
    const waiting: Array<[string, unknown, Ack | undefined]> = [];
    let busy = false;
    const run = (event: string, payload: unknown, ack: Ack | undefined) => {
      const pending = loopTurn.due ? loopTurn.yieldIfDue().then(() => handle(event, payload)) : handle(event, payload);
      if (pending === undefined) {
        ack?.({ seq: seqOf(payload) });
        return;
      }
      busy = true;
      gate.hold(socket.conn, true);
      void pending
        .catch((error: unknown) => logger.error({ err: error, event }, "agent message handler failed"))
        .finally(() => {
          ack?.({ seq: seqOf(payload) });
          busy = false;
          while (!busy && waiting.length > 0) {
            const [e, p, a] = waiting.shift()!;
            run(e, p, a);
          }
          gate.hold(socket.conn, false);
        });
    };

    socket.onAny((event: string, ...args: unknown[]) => {
      // A report may ask to be acknowledged (docs/protocol.md §3.3: an agent paces itself by it); nothing else may.
      const ack = event === "report" && args.length === 2 && typeof args[1] === "function" ? (args[1] as Ack) : undefined;
      if ((args.length !== 1 && ack === undefined) || typeof args[0] === "function") {
        refuse(protocolError("BAD_REQUEST", `event "${String(event).slice(0, 64)}" must carry exactly one message object and no acknowledgement callback (only a report may ask for one)`));
        return;
      }
      if (!busy) {
        run(event, args[0], ack);
        return;
      }
      if (waiting.length >= MAX_WAITING) {
        metrics.rateLimited.inc({ transport: "socket" });
        refuse(protocolError("RATE_LIMITED", `more than ${MAX_WAITING} messages waiting behind a large report; this one was dropped`));
        ack?.({ seq: seqOf(args[0]) });
        return;
      }
      waiting.push([event, args[0], ack]);
    });

    socket.on("disconnect", () => {
      clearTimeout(handshakeTimer);
      reports.flush(socket.id); // what it sent before closing counts
      metrics.agentsConnected.dec();
      core.socketClosed(socket.id);
    });
  });
  return ns;
}
