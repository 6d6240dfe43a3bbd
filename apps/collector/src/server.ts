// createCollector: the HTTP server, socket.io namespaces, frame timer, recordings and
// their lifecycle. Used by the CLI and by tests (port 0, temp database).
import { createServer, type Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import {
  AGENT_NAMESPACE,
  ClusterConfigSchema,
  DASHBOARD_NAMESPACE,
  DEFAULT_CLUSTER_CONFIG,
  DEFAULT_HOST,
  DEFAULT_REPORT_INTERVAL_MS,
  LIMITS,
  PROTOCOL_VERSION,
  protocolError,
  type ClusterConfig,
} from "@driftscope/protocol";
import express from "express";
import { pino, type Logger } from "pino";
import { Server as IoServer } from "socket.io";
import { dashboardRouter, defaultDashboardDir } from "./api/dashboardStatic.js";
import { configPollsOf } from "./api/agentConfigRoute.js";
import { errorHandler, sendError } from "./api/errors.js";
import { closeUnread } from "./api/guards.js";
import { apiRouter } from "./api/routes.js";
import { CollectorCore, defaultRunName } from "./CollectorCore.js";
import { bindRefusal, hostAllowed, hostAllowList, originAllowed } from "./control/auth.js";
import { attachDashboardNamespace, DEFAULT_DASHBOARD_LIMITS, type DashboardBacklog, type DashboardLimits } from "./dashboards/dashboardSocket.js";
import { attachAgentNamespace, HELLO_ROOM } from "./ingest/agentSocket.js";
import { clientAddress, PacketGate, type NamespaceGate } from "./ingest/packetGate.js";
import { guardWebsocketFrames } from "./ingest/frameGuard.js";
import { reportParser } from "./ingest/reportDecoder.js";
import { DEFAULT_RATE_LIMITS, type RateLimits } from "./ingest/rateLimit.js";
import type { MetricsEngineOptions } from "./metrics/MetricsEngine.js";
import { CollectorMetrics } from "./prometheus.js";
import { Recorder } from "./recordings/Recorder.js";
import { RunStore } from "./recordings/RunStore.js";
import { startClock } from "./frameClock.js";
import { memoryRelease } from "./memoryRelease.js";
import { DEFAULT_MEMORY_SETTLE, settleMemory, type MemorySettleOptions } from "./memorySettle.js";
import { COLLECTOR_VERSION } from "./version.js";

export interface CollectorOptions {
  /** Address to bind (default 127.0.0.1; anything else needs both tokens). */
  host?: string;
  /** Port (default 7420; 0 = any free port). */
  port?: number;
  /** SQLite file of the recordings (default `.driftscope/driftscope.db` under the cwd; ":memory:" for tests). */
  db?: string;
  /** Token agents must present. */
  agentToken?: string;
  /** Token required for config changes and run control. */
  operatorToken?: string;
  /**
   * Host names requests may be addressed to besides loopback names and the bound address
   * (e.g. the name a reverse proxy forwards); any other Host header is refused (DNS rebinding).
   */
  allowedHosts?: readonly string[];
  /** Time a socket has to get its hello / subscribe accepted before it is closed (default 5000 ms). */
  handshakeTimeoutMs?: number;
  /** Backpressure to dashboards (tests shrink them). */
  dashboardLimits?: Partial<DashboardLimits>;
  /** Directory of the built dashboard (default apps/dashboard/dist next to the collector). */
  dashboardDir?: string;
  /** Frames per second to dashboards (default 10). */
  frameHz?: number;
  /** Report interval asked of agents that do not state one (default 500 ms). */
  reportIntervalMs?: number;
  /** Sliding window of the convergence percentiles (default 60 s). */
  windowMs?: number;
  /** Runs kept and database size bound. */
  retention?: { maxRuns: number; maxBytes: number };
  /** Name of the run this session records (default "session <time>"). */
  runName?: string;
  rateLimits?: Partial<RateLimits>;
  /** Traced-dot entries per second the collector keeps telemetry under (0: never adjust traceEveryK). */
  tracedEntriesPerSec?: number;
  engine?: MetricsEngineOptions;
  logger?: Logger;
  /** Clock (ms since epoch); tests may inject one. */
  now?: () => number;
  /** When to run a full garbage collection after a burst (memorySettle.ts); false: never. */
  memorySettle?: Partial<MemorySettleOptions> | false;
}

/** A running collector. */
export interface Collector {
  /** http://host:port of the listening server. */
  url: string;
  port: number;
  host: string;
  /** The state, for tests and embedding. */
  core: CollectorCore;
  /** Computes and broadcasts a frame now (tests; the timer does it at the frame rate). */
  tick(): void;
  /** Each connected dashboard and how much it has not read yet (tests, benchmarks). */
  dashboards(): DashboardBacklog[];
  /** The HTTP server (tests count what its connections read). */
  http: HttpServer;
  /** Stops accepting, closes the current run cleanly and the database. Idempotent. */
  close(): Promise<void>;
}

/** Time a socket has to get its hello / subscribe accepted (docs/security.md). */
export const HANDSHAKE_TIMEOUT_MS = LIMITS.handshakeMs;

/** Default database path: `.driftscope/driftscope.db` under the current directory. */
export function defaultDbPath(cwd: string = process.cwd()): string {
  return join(cwd, ".driftscope", "driftscope.db");
}

/** Starts a collector. Throws (before binding) when the address would be unsafe. */
export async function createCollector(options: CollectorOptions = {}): Promise<Collector> {
  const host = options.host ?? DEFAULT_HOST;
  const refusal = bindRefusal(host, options.agentToken, options.operatorToken);
  if (refusal !== undefined) throw new Error(refusal);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? pino({ level: "silent" });
  const limits: RateLimits = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const frameHz = options.frameHz ?? 10;
  const reportIntervalMs = options.reportIntervalMs ?? DEFAULT_REPORT_INTERVAL_MS;
  const dbPath = options.db ?? defaultDbPath();

  const store = new RunStore(dbPath === ":memory:" ? dbPath : resolve(dbPath));
  const recorder = new Recorder(store, {
    retention: options.retention ?? { maxRuns: 50, maxBytes: 1024 * 1024 * 1024 },
    collectorVersion: COLLECTOR_VERSION,
    protocol: PROTOCOL_VERSION,
  });
  const metrics = new CollectorMetrics();
  const config = resumeConfig(store, logger);

  const hosts = hostAllowList(host, options.allowedHosts ?? []);
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? HANDSHAKE_TIMEOUT_MS;
  const namespaces = new Map<string, NamespaceGate>([
    [AGENT_NAMESPACE, { handshakeEvent: "hello", what: "hello", maxBytesBeforeHandshake: LIMITS.messageBytesBeforeHello, maxBytes: LIMITS.messageBytes + 1024 }],
    [DASHBOARD_NAMESPACE, { handshakeEvent: "subscribe", what: "subscribe", maxBytesBeforeHandshake: LIMITS.messageBytesBeforeSubscribe, maxBytes: LIMITS.dashboardMessageBytes }],
  ]);
  const gate = new PacketGate({ limits, metrics, now, namespaces });

  const app = express();
  app.disable("x-powered-by");
  app.set("trust proxy", false);
  const http: HttpServer = createServer(app);
  // A client that trickles its headers or body holds a connection, not the event loop; still, let it go.
  http.headersTimeout = 10_000;
  http.requestTimeout = 60_000;
  const io = new IoServer(http, {
    // One message may be as large as the protocol allows, plus framing.
    maxHttpBufferSize: LIMITS.messageBytes + 64 * 1024,
    // Reports' vectors are read straight into the engine's numbering (the core exists before any packet arrives).
    parser: reportParser({ lookup: (id) => core.engine.idNumbers.lookup(id), name: (n) => core.engine.idNumbers.name(n) }),
    serveClient: false,
    // A connection that joins no namespace is closed as soon as one that never says hello.
    connectTimeout: handshakeTimeoutMs,
    allowRequest: (req, callback) => {
      const refusal = handshakeRefusal(req.headers.host, req.headers.origin, clientAddress(req.socket.remoteAddress));
      if (refusal !== undefined) metrics.rejections.inc({ code: refusal.startsWith("too many") ? "RATE_LIMITED" : "FORBIDDEN", transport: "socket" });
      callback(refusal ?? null, refusal === undefined);
    },
  });
  gate.attach(io);
  guardWebsocketFrames(io, http, metrics);
  const handshakeRefusal = (hostHeader: string | undefined, origin: string | undefined, ip: string): string | undefined => {
    if (!hostAllowed(hostHeader, hosts)) return hostRefusal(hostHeader);
    if (!originAllowed(origin, hostHeader)) return "cross-origin connection refused";
    return gate.refusal(ip);
  };

  const core = new CollectorCore({
    config,
    reportIntervalMs,
    ...(options.windowMs !== undefined ? { windowMs: options.windowMs } : {}),
    recorder,
    metrics,
    ...(options.engine !== undefined ? { engine: options.engine } : {}),
    ...(options.tracedEntriesPerSec !== undefined ? { tracedEntriesPerSec: options.tracedEntriesPerSec } : {}),
    pushConfig: (cfg: ClusterConfig) => { agents.to(HELLO_ROOM).emit("config", { type: "config", config: cfg }); configPollsOf(core).wake(cfg); },
    requestFull: (session, replicas) => {
      if (session.connectionId === null) return;
      agents.sockets.get(session.connectionId)?.emit("request-full", replicas === undefined ? { type: "request-full" } : { type: "request-full", replicas: replicas as never });
    },
  });
  const agents = attachAgentNamespace(io, { core, agentToken: options.agentToken, gate, handshakeTimeoutMs, metrics, logger, now });
  const dashboards = attachDashboardNamespace(io, { core, operatorToken: options.operatorToken, gate, handshakeTimeoutMs, limits: { ...DEFAULT_DASHBOARD_LIMITS, ...options.dashboardLimits }, metrics, logger, now });

  // A name that is not ours may be an attacker's domain re-pointed at this address (DNS
  // rebinding): the visitor's browser would then treat us as the attacker's own site.
  app.use((req, res, next) => {
    if (hostAllowed(req.get("host"), hosts)) {
      next();
      return;
    }
    metrics.rejections.inc({ code: "FORBIDDEN", transport: "http" });
    closeUnread(req, res);
    sendError(res, protocolError("FORBIDDEN", hostRefusal(req.get("host"))));
  });
  // Browsers on other sites must not drive the collector (no CORS is offered either).
  app.use((req, res, next) => {
    if (req.method === "GET" || req.method === "HEAD" || originAllowed(req.get("origin"), req.get("host"))) {
      next();
      return;
    }
    metrics.rejections.inc({ code: "FORBIDDEN", transport: "http" });
    closeUnread(req, res);
    sendError(res, protocolError("FORBIDDEN", "cross-origin request refused: this collector only accepts pages it serves or pages on this machine"));
  });
  app.use(apiRouter({ core, recorder, metrics, version: COLLECTOR_VERSION, agentToken: options.agentToken, operatorToken: options.operatorToken, limits, ipBytes: gate.ipBytes, now }));
  app.use(dashboardRouter(options.dashboardDir ?? defaultDashboardDir()));
  app.use(errorHandler(logger, (code) => metrics.rejections.inc({ code, transport: "http" })));

  const started = now();
  const interrupted = store.interrupted;
  core.runControl("start", options.runName ?? defaultRunName(started), started);
  if (interrupted > 0) {
    core.addEvent({ timeMs: started, kind: "run", summary: `${interrupted} earlier run${interrupted === 1 ? " was" : "s were"} interrupted (collector crash) and marked so` });
  }

  const tick = () => {
    const t = now();
    const frame = core.tick(t);
    dashboards.broadcast(frame, t);
  };
  const safely = (what: string, fn: () => void) => () => {
    try {
      fn();
    } catch (error) {
      logger.error({ err: error }, `${what} failed`);
    }
  };
  const frameClock = startClock(Math.max(1, 1000 / frameHz), safely("frame", tick));
  const timers = [
    setInterval(safely("flush", () => recorder.flushInSlices(now())), 1000),
    setInterval(safely("retention", () => recorder.enforceRetention()), 60_000),
  ];
  for (const t of timers) t.unref();
  const memory =
    options.memorySettle === false
      ? { stop: () => {} }
      : settleMemory(
          { ...DEFAULT_MEMORY_SETTLE, ...options.memorySettle },
          (s) => logger.info({ beforeMb: Math.round(s.beforeBytes / 1048576), afterMb: Math.round(s.afterBytes / 1048576), pauseMs: Math.round(s.pauseMs) }, "heap collected after a burst"),
          (r) => {
            if (r.v8) metrics.memoryReleases.inc({ part: "v8" });
            if (r.c) metrics.memoryReleases.inc({ part: "c" });
            metrics.memoryReleasePause.inc(r.pauseMs / 1000);
            logger.info(
              { v8: r.v8, c: r.c, rssBeforeMb: Math.round(r.rssBeforeBytes / 1048576), rssAfterMb: Math.round(r.rssAfterBytes / 1048576), pauseMs: Math.round(r.pauseMs) },
              "memory given back after a burst",
            );
          },
        );

  await new Promise<void>((resolveListen, reject) => {
    const onError = (error: Error) => reject(error);
    http.once("error", onError);
    http.listen(options.port ?? 7420, host, () => {
      http.off("error", onError);
      resolveListen();
    });
  }).catch((error: unknown) => {
    frameClock.stop();
    for (const t of timers) clearInterval(t);
    memory.stop();
    recorder.close(now());
    throw error;
  });
  const address = http.address() as AddressInfo;
  const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const url = `http://${shownHost}:${address.port}`;
  logger.info({ url, db: dbPath }, "collector listening");
  if (options.memorySettle !== false && memoryRelease() === undefined) {
    logger.warn("the memory release helper was not built at install (node-gyp, make and a C++ compiler): memory a burst made the collector take stays with it (docs/security.md)");
  }

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      frameClock.stop();
      for (const t of timers) clearInterval(t);
      memory.stop();
      core.experiments.close(); // simulations run in processes of their own: stop them
      await new Promise<void>((done) => {
        void io.close(() => done()); // disconnects sockets and closes the HTTP server
      });
      http.closeAllConnections();
      const t = now();
      core.addEvent({ timeMs: t, kind: "run", summary: "collector stopped" });
      recorder.close(t);
      logger.info("collector closed");
    })();
    return closing;
  };

  return { url, port: address.port, host, core, tick, dashboards: () => dashboards.backlog(), http, close };
}

function hostRefusal(hostHeader: string | undefined): string {
  const shown = JSON.stringify(String(hostHeader ?? "")).slice(0, 80);
  return `Host ${shown} is not a name of this collector: it answers loopback names and its bound address; behind a reverse proxy, start it with --allowed-hosts <name>`;
}

/** The config the previous session ended with (the cluster still runs it), else the default. */
function resumeConfig(store: RunStore, logger: Logger): ClusterConfig {
  const json = store.lastConfigJson();
  if (json === undefined) return DEFAULT_CLUSTER_CONFIG;
  try {
    const parsed = ClusterConfigSchema.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  logger.warn("the last recorded config is not valid any more; starting from the default");
  return DEFAULT_CLUSTER_CONFIG;
}
