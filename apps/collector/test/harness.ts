// Test helpers: a collector on 127.0.0.1:0 with a temp database, fake agents and
// dashboards speaking socket.io, and message builders.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  AGENT_NAMESPACE,
  DASHBOARD_NAMESPACE,
  PROTOCOL_VERSION,
  type AgentToCollectorEvents,
  type CollectorToAgentEvents,
  type CollectorToDashboardEvents,
  type DashboardToCollectorEvents,
  type Hello,
  type Report,
  type Welcome,
  type ReplicaReport,
} from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";
import { createCollector, type Collector, type CollectorOptions } from "../src/server.js";

export type AgentClient = Socket<CollectorToAgentEvents, AgentToCollectorEvents>;
export type DashboardClient = Socket<CollectorToDashboardEvents, DashboardToCollectorEvents>;

export interface TestCollector {
  collector: Collector;
  url: string;
  dir: string;
  dbPath: string;
  stop(): Promise<void>;
}

const open: Array<{ close(): unknown }> = [];

/**
 * A collector on an ephemeral loopback port with its own temp database. Its full collections
 * after a burst are off unless asked for: many collectors share one test process, and one
 * would pause them all in the middle of another's event-loop measurement.
 */
export async function startCollector(options: CollectorOptions = {}, dir?: string): Promise<TestCollector> {
  const d = dir ?? mkdtempSync(join(tmpdir(), "driftscope-collector-"));
  const dbPath = join(d, "test.db");
  const collector = await createCollector({ host: "127.0.0.1", port: 0, db: dbPath, frameHz: 5, memorySettle: false, ...options });
  return {
    collector,
    url: collector.url,
    dir: d,
    dbPath,
    async stop() {
      for (const s of open.splice(0)) s.close();
      await collector.close();
      if (dir === undefined) rmSync(d, { recursive: true, force: true });
    },
  };
}

export function agentClient(url: string, auth?: Record<string, unknown>): AgentClient {
  const socket: AgentClient = io(`${url}${AGENT_NAMESPACE}`, { transports: ["websocket"], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
  open.push(socket);
  return socket;
}

export function dashboardClient(url: string, auth?: Record<string, unknown>): DashboardClient {
  const socket: DashboardClient = io(`${url}${DASHBOARD_NAMESPACE}`, { transports: ["websocket"], forceNew: true, reconnection: false, ...(auth ? { auth } : {}) });
  open.push(socket);
  return socket;
}

/** A socket seen as a plain event emitter (tests listen to any event name). */
interface Emitter {
  on(event: string, fn: (payload: unknown) => void): unknown;
  once(event: string, fn: (payload: unknown) => void): unknown;
  off(event: string, fn?: (payload: unknown) => void): unknown;
}
const loose = (socket: AgentClient | DashboardClient) => socket as unknown as Emitter;

/** Resolves with the next `event` payload (rejects after `timeoutMs`). */
export function next<T = unknown>(socket: AgentClient | DashboardClient, event: string, timeoutMs = 5000): Promise<T> {
  const s = loose(socket);
  return new Promise((resolve, reject) => {
    const handler = (payload: unknown) => {
      clearTimeout(timer);
      resolve(payload as T);
    };
    const timer = setTimeout(() => {
      s.off(event, handler);
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    s.once(event, handler);
  });
}

/** Collects every `event` payload from now on. */
export function collect<T = unknown>(socket: AgentClient | DashboardClient, event: string): T[] {
  const out: T[] = [];
  loose(socket).on(event, (p) => out.push(p as T));
  return out;
}

export async function connected(socket: AgentClient | DashboardClient): Promise<void> {
  if (socket.connected) return;
  const s = loose(socket);
  await new Promise<void>((resolve, reject) => {
    s.once("connect", () => resolve());
    s.once("connect_error", (e) => reject(e instanceof Error ? e : new Error(String(e))));
  });
}

export function helloMsg(agentId: string, replicas: string[], extra: Partial<Hello> = {}): Hello {
  return {
    type: "hello",
    protocol: PROTOCOL_VERSION,
    agentId: agentId as Hello["agentId"],
    node: { name: `node-${agentId}` },
    replicas: replicas.map((id) => ({ id: id as Hello["replicas"][number]["id"], crdtType: "gcounter" })),
    clock: { agentTimeMs: Date.now() },
    ...extra,
  };
}

export const ZERO_SYNC = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };

export function replicaReport(replica: string, seq: number, vv: Array<[string, number]>, extra: Partial<ReplicaReport> = {}): ReplicaReport {
  return {
    replica: replica as ReplicaReport["replica"],
    seq,
    vv: vv as ReplicaReport["vv"],
    hash: `h${vv.map(([o, s]) => `${o}${s}`).join("")}`.replace(/[^A-Za-z0-9]/g, "x").slice(0, 100) || "h0",
    bytes: 10,
    summary: "",
    sync: ZERO_SYNC,
    ...extra,
  };
}

export function reportMsg(agentId: string, seq: number, replicas: ReplicaReport[], extra: Partial<Report> = {}): Report {
  return { type: "report", agentId: agentId as Report["agentId"], seq, timeMs: Date.now(), replicas, ...extra };
}

/** Sends hello and waits for welcome. */
export async function handshake(url: string, agentId: string, replicas: string[], auth?: Record<string, unknown>) {
  const agent = agentClient(url, auth);
  await connected(agent);
  const welcome = next<Welcome>(agent, "welcome");
  agent.emit("hello", helloMsg(agentId, replicas));
  return { agent, welcome: await welcome };
}

/** Waits until `predicate` holds (polling), or fails after `timeoutMs`. */
export async function until(predicate: () => boolean, timeoutMs = 5000, what = "condition"): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** A round trip through the agent namespace: once the pong is back, earlier messages were handled. */
export async function flushAgent(agent: AgentClient): Promise<void> {
  const pong = next(agent, "pong");
  agent.emit("ping", { type: "ping", id: 1, agentTimeMs: Date.now() });
  await pong;
}
