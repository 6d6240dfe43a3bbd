// socket.io namespace /dashboards: subscribe → snapshot, then frames at the frame rate;
// config-change and run-control (operator token when one is set) answered with
// control-result. Reading is open; changing needs the operator token. The packet gate
// lets nothing but `subscribe` through until one is accepted; a connection that has not
// subscribed within the handshake timeout is closed.
//
// What a dashboard can make the collector hold or do is bounded: snapshots (about 1 MB for
// a thousand replicas) go out with the frames, at most once a second per socket and a few
// times a second in all, however often they are asked for; a socket with more than
// `sendBufferBytes` unread gets no frames until it has read everything, then one snapshot;
// one that stays stuck is disconnected.
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
  type Snapshot,
} from "@driftscope/protocol";
import type { Logger } from "pino";
import type { Namespace, Server, Socket } from "socket.io";
import { tokenRefusal } from "../control/auth.js";
import type { CollectorCore } from "../CollectorCore.js";
import { shapeProblem } from "../ingest/inputShape.js";
import type { PacketGate } from "../ingest/packetGate.js";
import type { CollectorMetrics } from "../prometheus.js";
import { TokenBucket } from "../ingest/rateLimit.js";
import { queuedBytes } from "./sendBacklog.js";

/** What one dashboard connection may make the collector hold or do. */
export interface DashboardLimits {
  /** Unread characters beyond which a dashboard gets no frames until it has caught up. */
  sendBufferBytes: number;
  /** At most one snapshot per socket this often; requests in between are coalesced. */
  snapshotEveryMs: number;
  /**
   * Snapshot sends per second over all dashboards (each goes to every socket of one window
   * that is due, encoded once): a thousand dashboards asking cost what a few do.
   */
  snapshotsPerSec: number;
  /** A dashboard that has not read its backlog for this long is disconnected (its memory freed). */
  stuckDisconnectMs: number;
}

export const DEFAULT_DASHBOARD_LIMITS: DashboardLimits = {
  sendBufferBytes: 4 * 1024 * 1024,
  snapshotEveryMs: 1000,
  snapshotsPerSec: 2,
  stuckDisconnectMs: 30_000,
};

interface DashboardSocketData {
  /** Token from the handshake auth payload or `subscribe` (checked when used). */
  token: string | undefined;
  /** Percentile window this dashboard asked for; null until it subscribes. */
  windowMs: number | null;
  /** Since when frames are withheld because its connection is backed up (null: not lagging). */
  laggingSinceMs: number | null;
  /** A snapshot was asked for (subscribe, request-snapshot, catching up) and not sent yet. */
  snapshotDue: boolean;
  lastSnapshotMs: number;
  /**
   * Unread bytes owed to its last snapshot (large for a large cluster), shrinking as it is
   * read: a dashboard busy reading a snapshot is not behind, one that stops reading is.
   */
  snapshotBytes: number;
}

type DashboardNamespace = Namespace<DashboardToCollectorEvents, CollectorToDashboardEvents, Record<string, never>, DashboardSocketData>;
type DashboardSocket = Socket<DashboardToCollectorEvents, CollectorToDashboardEvents, Record<string, never>, DashboardSocketData>;

export interface DashboardNamespaceDeps {
  core: CollectorCore;
  operatorToken: string | undefined;
  gate: PacketGate;
  handshakeTimeoutMs: number;
  limits: DashboardLimits;
  metrics: CollectorMetrics;
  logger: Logger;
  now: () => number;
}

/** What one dashboard connection holds on the collector. */
export interface DashboardBacklog {
  id: string;
  /** Characters sent to it and not yet read. */
  queuedBytes: number;
  /** Frames are withheld until it has read everything. */
  lagging: boolean;
}

/** Sends frames (and due snapshots) to subscribed dashboards, grouped by percentile window. */
export interface FrameBroadcaster {
  broadcast(frame: Frame, nowMs: number): void;
  /** Every connected dashboard and what it holds (tests, benchmarks). */
  backlog(): DashboardBacklog[];
}

const roomOf = (windowMs: number) => `frames:${windowMs}`;

export function attachDashboardNamespace(io: Server, deps: DashboardNamespaceDeps): FrameBroadcaster {
  const { core, operatorToken, gate, metrics, logger, now } = deps;
  const { sendBufferBytes, snapshotEveryMs, stuckDisconnectMs } = deps.limits;
  const snapshotBudget = new TokenBucket(deps.limits.snapshotsPerSec, deps.limits.snapshotsPerSec, now());
  const ns = io.of(DASHBOARD_NAMESPACE) as DashboardNamespace;
  // One snapshot per window between two frames, however many sockets ask for it.
  const snapshots = new Map<number, Snapshot>();
  const snapshotFor = (windowMs: number, t: number) => {
    let s = snapshots.get(windowMs);
    if (s === undefined) {
      s = core.snapshot(t, windowMs);
      snapshots.set(windowMs, s);
    }
    return s;
  };
  ns.use((socket, next) => {
    const auth: unknown = socket.handshake.auth;
    const token = typeof auth === "object" && auth !== null ? (auth as { token?: unknown }).token : undefined;
    socket.data = { token: typeof token === "string" ? token : undefined, windowMs: null, laggingSinceMs: null, snapshotDue: false, lastSnapshotMs: -Infinity, snapshotBytes: 0 };
    next();
  });

  ns.on("connection", (socket: DashboardSocket) => {
    metrics.dashboardsConnected.inc();
    const refuse = (error: ErrorMessage) => {
      metrics.rejections.inc({ code: error.code, transport: "dashboard" });
      socket.emit("error", error);
    };
    const handshakeTimer = setTimeout(() => {
      refuse(protocolError("BAD_REQUEST", `no subscribe within ${deps.handshakeTimeoutMs} ms; this connection is closed`));
      socket.disconnect(true);
    }, deps.handshakeTimeoutMs);
    handshakeTimer.unref();
    const answer = (result: ControlResult) => {
      if (!result.ok && result.error !== undefined) metrics.rejections.inc({ code: result.error.code, transport: "dashboard" });
      socket.emit("control-result", result);
    };
    const operatorRefusal = (token: string | undefined) => tokenRefusal(operatorToken, token ?? socket.data.token, "FORBIDDEN");

    socket.onAny((event: string, ...args: unknown[]) => {
      const t = now();
      if (args.length !== 1 || typeof args[0] === "function") {
        refuse(protocolError("BAD_REQUEST", `event "${String(event).slice(0, 64)}" must carry exactly one message object and no acknowledgement callback`));
        return;
      }
      const problem = shapeProblem(args[0], String(event).slice(0, 64));
      const parsed = problem !== undefined ? { ok: false as const, error: problem } : parseDashboardEvent(event, args[0]);
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
      if (msg.type !== "subscribe" && socket.data.windowMs === null) {
        refuse(protocolError("BAD_REQUEST", `${msg.type} before subscribe: subscribe first`));
        return;
      }
      try {
        switch (msg.type) {
          case "subscribe": {
            clearTimeout(handshakeTimer);
            gate.accept(socket.conn, DASHBOARD_NAMESPACE);
            if (msg.token !== undefined) socket.data.token = msg.token;
            const windowMs = msg.windowMs ?? core.defaultWindowMs;
            if (socket.data.windowMs !== null) void socket.leave(roomOf(socket.data.windowMs));
            socket.data.windowMs = windowMs;
            // The snapshot goes out with the next frame; frames follow it.
            socket.data.snapshotDue = true;
            return;
          }
          case "request-snapshot":
            socket.data.snapshotDue = true;
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
            const result = core.runControl(msg.action, msg.name, t, msg.config);
            answer(
              result.ok
                ? { type: "control-result", requestId: msg.requestId, ok: true, run: result.run, config: core.config }
                : { type: "control-result", requestId: msg.requestId, ok: false, run: core.runInfo(), error: { ...result.error, ref: msg.requestId } },
            );
            return;
          }
        }
      } catch (error) {
        logger.error({ err: error, event }, "dashboard message handler failed");
        refuse(protocolError("INTERNAL", "the collector failed to handle this message"));
      }
    });

    socket.on("disconnect", () => {
      clearTimeout(handshakeTimer);
      metrics.dashboardsConnected.dec();
    });
  });

  return {
    backlog: () => [...ns.sockets.values()].map((socket) => ({ id: socket.id, queuedBytes: queuedBytes(socket.conn), lagging: socket.data.laggingSinceMs !== null })),
    broadcast(frame: Frame, nowMs: number): void {
      snapshots.clear();
      const windows = new Set<number>();
      const snapshotNow: Array<[DashboardSocket, number]> = [];
      /** Windows whose snapshot goes out this tick (one send from the budget each). */
      const dueWindows = new Set<number>();
      for (const socket of ns.sockets.values()) {
        const d = socket.data;
        const w = d.windowMs;
        if (w === null) continue;
        const queued = queuedBytes(socket.conn);
        d.snapshotBytes = Math.min(d.snapshotBytes, queued);
        if (d.laggingSinceMs === null && queued - d.snapshotBytes > sendBufferBytes) {
          d.laggingSinceMs = nowMs;
          void socket.leave(roomOf(w));
        }
        if (d.laggingSinceMs !== null) {
          if (queued > 0) {
            if (nowMs - d.laggingSinceMs > stuckDisconnectMs) dropStuck(socket);
            continue;
          }
          // Caught up: one snapshot replaces the frames it missed.
          d.laggingSinceMs = null;
          d.snapshotDue = true;
          d.lastSnapshotMs = -Infinity;
        }
        if (d.snapshotDue && nowMs - d.lastSnapshotMs >= snapshotEveryMs && (dueWindows.has(w) || snapshotBudget.take(nowMs))) {
          dueWindows.add(w);
          void socket.leave(roomOf(w)); // the snapshot already holds this frame
          snapshotNow.push([socket, w]);
          continue;
        }
        if (socket.rooms.has(roomOf(w))) windows.add(w);
      }
      for (const w of windows) {
        const out = w === core.defaultWindowMs ? frame : { ...frame, kpis: core.kpisForWindow(frame, w, nowMs) };
        ns.to(roomOf(w)).emit("frame", out);
      }
      // Snapshots for many sockets of one window are encoded once.
      const byWindow = new Map<number, string[]>();
      for (const [socket, w] of snapshotNow) {
        socket.data.snapshotDue = false;
        socket.data.lastSnapshotMs = nowMs;
        byWindow.set(w, [...(byWindow.get(w) ?? []), socket.id]);
      }
      for (const [w, ids] of byWindow) ns.to(ids).emit("snapshot", snapshotFor(w, nowMs));
      for (const [socket, w] of snapshotNow) {
        socket.data.snapshotBytes = queuedBytes(socket.conn);
        void socket.join(roomOf(w));
      }
    },
  };
}

/** Closes a connection that does not read, without waiting for it to read the close either. */
function dropStuck(socket: DashboardSocket): void {
  const ws = (socket.conn as unknown as { transport?: { socket?: { terminate?: () => void } } }).transport?.socket;
  socket.disconnect(true);
  if (typeof ws?.terminate === "function") ws.terminate(); // frees what the kernel and ws still hold for it
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
