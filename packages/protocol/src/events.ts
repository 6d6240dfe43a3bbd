// socket.io event maps. Rule: every message travels as one socket.io event whose
// name equals the message's `type`, with the message object as its only argument
// (only a `report` may add an acknowledgement callback, to pace the agent: docs/protocol.md
// §3.3). Replies are events too (`welcome`, `pong`,
// `control-result`, `error`), so clients in any language need only emit and listen.
//
// The interfaces are plain TypeScript (protocol does not depend on socket.io):
//   collector: io.of(AGENT_NAMESPACE) as Namespace<Untrusted<AgentToCollectorEvents>, CollectorToAgentEvents>
//   agent:     io(`${url}${AGENT_NAMESPACE}`) as Socket<CollectorToAgentEvents, AgentToCollectorEvents>
import type { z } from "zod";
import {
  type AgentToCollector,
  type Bye,
  ByeSchema,
  checkHello,
  type CollectorToAgent,
  type ConfigAck,
  ConfigAckSchema,
  type ConfigMessage,
  type Hello,
  HelloSchema,
  type Ping,
  PingSchema,
  type Pong,
  type Report,
  ReportSchema,
  type RequestFull,
  type Welcome,
} from "./agent.js";
import {
  type CollectorToDashboard,
  type ConfigChange,
  ConfigChangeSchema,
  type ControlResult,
  type DashboardToCollector,
  type Frame,
  type RequestSnapshot,
  RequestSnapshotSchema,
  type RunControl,
  RunControlSchema,
  type Snapshot,
  type Subscribe,
  SubscribeSchema,
} from "./dashboard.js";
import { type ErrorMessage, parseMessage, protocolError, type ParseResult } from "./errors.js";

/** socket.io namespace agents connect to. */
export const AGENT_NAMESPACE = "/agents";
/** socket.io namespace dashboards connect to. */
export const DASHBOARD_NAMESPACE = "/dashboards";

/** Events an agent emits (collector listens): `Namespace<AgentToCollectorEvents, CollectorToAgentEvents>`. */
export interface AgentToCollectorEvents {
  hello: (message: Hello) => void;
  ping: (message: Ping) => void;
  report: (message: Report) => void;
  "config-ack": (message: ConfigAck) => void;
  bye: (message: Bye) => void;
}

/** Events the collector emits on `/agents` (agent listens): `Socket<CollectorToAgentEvents, AgentToCollectorEvents>`. */
export interface CollectorToAgentEvents {
  welcome: (message: Welcome) => void;
  pong: (message: Pong) => void;
  config: (message: ConfigMessage) => void;
  "request-full": (message: RequestFull) => void;
  error: (message: ErrorMessage) => void;
}

/** Events a dashboard emits (collector listens): `Namespace<DashboardToCollectorEvents, CollectorToDashboardEvents>`. */
export interface DashboardToCollectorEvents {
  subscribe: (message: Subscribe) => void;
  "request-snapshot": (message: RequestSnapshot) => void;
  "config-change": (message: ConfigChange) => void;
  "run-control": (message: RunControl) => void;
}

/** Events the collector emits on `/dashboards` (dashboard listens): `Socket<CollectorToDashboardEvents, DashboardToCollectorEvents>`. */
export interface CollectorToDashboardEvents {
  snapshot: (message: Snapshot) => void;
  frame: (message: Frame) => void;
  "control-result": (message: ControlResult) => void;
  error: (message: ErrorMessage) => void;
}

/**
 * The same events with `unknown` payloads, for the receiving end of an untrusted
 * direction: makes the collector validate (`parseAgentEvent`) before it reads a field.
 * @example io.of(AGENT_NAMESPACE) as Namespace<Untrusted<AgentToCollectorEvents>, CollectorToAgentEvents>
 */
export type Untrusted<M> = { [K in keyof M]: (payload: unknown) => void };

/** The event map a union of messages implies: one event per `type`, taking that message. */
export type EventMapOf<M extends { type: string }> = { [K in M["type"]]: (message: Extract<M, { type: K }>) => void };

/** Event names agents emit. */
export const AGENT_TO_COLLECTOR_EVENTS = ["hello", "ping", "report", "config-ack", "bye"] as const satisfies ReadonlyArray<
  AgentToCollector["type"]
>;
/** Event names the collector emits to agents. */
export const COLLECTOR_TO_AGENT_EVENTS = ["welcome", "pong", "config", "request-full", "error"] as const satisfies ReadonlyArray<
  CollectorToAgent["type"]
>;
/** Event names dashboards emit. */
export const DASHBOARD_TO_COLLECTOR_EVENTS = ["subscribe", "request-snapshot", "config-change", "run-control"] as const satisfies ReadonlyArray<
  DashboardToCollector["type"]
>;
/** Event names the collector emits to dashboards. */
export const COLLECTOR_TO_DASHBOARD_EVENTS = ["snapshot", "frame", "control-result", "error"] as const satisfies ReadonlyArray<
  CollectorToDashboard["type"]
>;

// A Map, not an object: event names come from the network, and `"__proto__"` or
// `"constructor"` must find nothing rather than Object.prototype members.
const AGENT_SCHEMAS: ReadonlyMap<string, z.ZodType<AgentToCollector>> = new Map<string, z.ZodType<AgentToCollector>>([
  ["hello", HelloSchema],
  ["ping", PingSchema],
  ["report", ReportSchema],
  ["config-ack", ConfigAckSchema],
  ["bye", ByeSchema],
]);

const DASHBOARD_SCHEMAS: ReadonlyMap<string, z.ZodType<DashboardToCollector>> = new Map<string, z.ZodType<DashboardToCollector>>([
  ["subscribe", SubscribeSchema],
  ["request-snapshot", RequestSnapshotSchema],
  ["config-change", ConfigChangeSchema],
  ["run-control", RunControlSchema],
]);

/**
 * Validates one event received on `/agents` (name and payload); a `hello` also gets
 * the protocol-version check. Use in `socket.onAny` or per-event handlers.
 * @example const r = parseAgentEvent("report", payload); if (!r.ok) socket.emit("error", r.error);
 */
export function parseAgentEvent(event: string, payload: unknown): ParseResult<AgentToCollector> {
  if (event === "hello") return checkHello(payload);
  const schema = AGENT_SCHEMAS.get(event);
  if (schema === undefined) return unknownEvent(event, AGENT_TO_COLLECTOR_EVENTS);
  return parseMessage(schema, payload, { what: event });
}

/** Validates one event received on `/dashboards` (name and payload). */
export function parseDashboardEvent(event: string, payload: unknown): ParseResult<DashboardToCollector> {
  const schema = DASHBOARD_SCHEMAS.get(event);
  if (schema === undefined) return unknownEvent(event, DASHBOARD_TO_COLLECTOR_EVENTS);
  return parseMessage(schema, payload, { what: event });
}

function unknownEvent(event: string, known: readonly string[]): { ok: false; error: ErrorMessage } {
  const name = JSON.stringify(String(event)).slice(0, 80);
  return { ok: false, error: protocolError("BAD_REQUEST", `unknown event ${name}; expected one of: ${known.join(", ")}`) };
}

// Compile-time proof that the hand-written maps cover exactly the message unions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _mapsMatchUnions: [
  Same<AgentToCollectorEvents, EventMapOf<AgentToCollector>>,
  Same<CollectorToAgentEvents, EventMapOf<CollectorToAgent>>,
  Same<DashboardToCollectorEvents, EventMapOf<DashboardToCollector>>,
  Same<CollectorToDashboardEvents, EventMapOf<CollectorToDashboard>>,
] = [true, true, true, true];
void _mapsMatchUnions;
