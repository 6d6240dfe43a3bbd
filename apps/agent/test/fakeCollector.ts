// A minimal stand-in for the collector's `/agents` namespace, for unit tests of the
// agent's connection logic (handshake refusal, clock offset, reconnect, config acks)
// that the real collector cannot be made to misbehave for. socket.io's server is a
// dependency of the collector, resolved from there (tests only; the agent never imports it).
import { createServer, type Server as HttpServer } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import {
  AGENT_NAMESPACE,
  DEFAULT_CLUSTER_CONFIG,
  parseAgentEvent,
  PROTOCOL_VERSION,
  type AgentToCollector,
  type ClusterConfig,
  type CollectorToAgent,
  type Hello,
} from "@driftscope/protocol";

const collectorDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "collector");
const require = createRequire(join(collectorDir, "package.json"));
// The little of socket.io's server API used here (its types are not visible from the agent).
interface IoSocket extends Stallable {
  onAny(listener: (event: string, payload: unknown) => void): void;
  emit(event: string, ...args: unknown[]): boolean;
  disconnect(close?: boolean): void;
}
interface IoNamespace {
  on(event: "connection", listener: (socket: IoSocket) => void): void;
  emit(event: string, ...args: unknown[]): boolean;
  sockets: Map<string, IoSocket>;
}
interface IoServer {
  of(name: string): IoNamespace;
  disconnectSockets(close?: boolean): void;
  close(callback: () => void): void;
}
const { Server } = require("socket.io") as { Server: new (http: HttpServer, options: object) => IoServer };


export interface FakeCollectorOptions {
  port?: number;
  /** Protocol version put in welcome. */
  protocol?: number;
  /** Refuse every hello with this error code. */
  refuse?: "PROTOCOL_VERSION" | "UNAUTHORIZED";
  config?: ClusterConfig;
  reportIntervalMs?: number;
  /** Collector clock = Date.now() + skewMs. */
  skewMs?: number;
  /** Never acknowledge a report (a collector from before acknowledgements). */
  neverAck?: boolean;
}

/** The raw TCP socket under a socket.io connection (to stall a collector that stops reading). */
interface Stallable {
  conn?: { transport?: { socket?: { _socket?: { pause(): void; resume(): void } } } };
}

export interface FakeCollector {
  url: string;
  port: number;
  /** Every valid message received, in order. */
  messages: AgentToCollector[];
  /** Messages that failed validation (should stay empty). */
  invalid: Array<{ event: string; error: unknown }>;
  hellos(): Hello[];
  reports(): Extract<AgentToCollector, { type: "report" }>[];
  acks(): Extract<AgentToCollector, { type: "config-ack" }>[];
  send(message: CollectorToAgent): void;
  connections(): number;
  /** Stops reading from every agent socket (a collector that hangs), or resumes. */
  stall(stalled: boolean): void;
  close(): Promise<void>;
}

export async function startFakeCollector(options: FakeCollectorOptions = {}): Promise<FakeCollector> {
  const http: HttpServer = createServer();
  const io = new Server(http, { transports: ["websocket"] });
  const messages: AgentToCollector[] = [];
  const invalid: FakeCollector["invalid"] = [];
  const nsp = io.of(AGENT_NAMESPACE);
  const now = () => Date.now() + (options.skewMs ?? 0);
  nsp.on("connection", (socket) => {
    socket.onAny((event: string, payload: unknown, ack?: unknown) => {
      // A report asks to be acknowledged once read, as the collector does (docs/protocol.md §3.3).
      if (typeof ack === "function" && !options.neverAck) (ack as (answer: { seq: unknown }) => void)({ seq: (payload as { seq?: unknown } | null)?.seq ?? null });
      const parsed = parseAgentEvent(event, payload);
      if (!parsed.ok) {
        invalid.push({ event, error: parsed.error });
        if (event === "hello") socket.emit("error", parsed.error);
        return;
      }
      const m = parsed.value;
      messages.push(m);
      if (m.type === "hello") {
        if (options.refuse !== undefined) {
          socket.emit("error", { type: "error", code: options.refuse, message: `refused: ${options.refuse}` });
          return;
        }
        socket.emit("welcome", {
          type: "welcome",
          protocol: options.protocol ?? PROTOCOL_VERSION,
          agentId: m.agentId,
          collectorTimeMs: now(),
          reportIntervalMs: options.reportIntervalMs ?? 100,
          config: options.config ?? { ...structuredClone(DEFAULT_CLUSTER_CONFIG) },
          runId: null,
        });
      } else if (m.type === "ping") {
        socket.emit("pong", { type: "pong", id: m.id, agentTimeMs: m.agentTimeMs, collectorTimeMs: now() });
      }
    });
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, "127.0.0.1", resolve));
  const port = (http.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    messages,
    invalid,
    hellos: () => messages.filter((m): m is Hello => m.type === "hello"),
    reports: () => messages.filter((m) => m.type === "report") as never,
    acks: () => messages.filter((m) => m.type === "config-ack") as never,
    send: (message) => {
      nsp.emit(message.type, message);
    },
    connections: () => nsp.sockets.size,
    stall: (stalled) => {
      for (const socket of nsp.sockets.values()) {
        const tcp = socket.conn?.transport?.socket?._socket;
        if (stalled) tcp?.pause();
        else tcp?.resume();
      }
    },
    close: async () => {
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}

/** Polls `probe` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Awaited: an async probe's Promise is truthy and would pass at once.
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
