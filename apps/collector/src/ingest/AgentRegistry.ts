// Agent sessions: who said hello over which connection, and what each session still owes
// (whole vectors). Which replicas an agent hosts is the lifecycle's to know (one
// membership); this table checks every state-dependent rule of an agent message BEFORE
// anything changes, so a refused message changes nothing.
import { LIMITS, protocolError, type ConfigAck, type ErrorMessage, type Hello, type Issue, type Report, type RunningGossip } from "@driftscope/protocol";
import type { Lifecycle } from "../metrics/Lifecycle.js";
import { isOverdue } from "../metrics/liveness.js";

/** Most agents the collector keeps sessions for (one replica each at the cluster limit). */
export const MAX_AGENTS = LIMITS.replicasPerCluster;

/** How an agent reaches the collector. */
export type Transport = "socket" | "http";

/** One agent's session as the collector knows it. */
export interface AgentSession {
  agentId: string;
  node: string;
  transport: Transport;
  /** socket.io socket id while connected over a socket. */
  connectionId: string | null;
  connected: boolean;
  reportIntervalMs: number;
  /** Highest report seq seen since the last hello (null: none yet). */
  lastReportSeq: number | null;
  /** The newest report time (timeMs) seen since the last hello: a new one is a tick. */
  lastTickMs: number | null;
  lastSeenMs: number;
  helloAtMs: number;
  /** Replicas whose whole version vector the collector still needs. */
  needsFull: Set<string>;
  lastFullRequestMs: number;
  capabilities: readonly string[];
  /** The gossip settings the node says it runs on its own (hello), if any. */
  gossip: RunningGossip | undefined;
}

/** Result of a check: nothing (fine) or the error to answer with. */
export type Check = ErrorMessage | undefined;

export class AgentRegistry {
  readonly sessions = new Map<string, AgentSession>();
  private readonly byConnection = new Map<string, string>();

  constructor(private readonly lifecycle: Lifecycle) {}

  /** The session of the agent hosting `replica`, if any. */
  ownerOf(replica: string): AgentSession | undefined {
    const agentId = this.lifecycle.get(replica)?.agent.id;
    return agentId === undefined ? undefined : this.sessions.get(agentId);
  }

  /** Node name of the agent hosting `replica`. */
  nodeOf(replica: string): string {
    return this.ownerOf(replica)?.node ?? "";
  }

  /** Replica ids the agent hosts. */
  replicasOf(agentId: string): string[] {
    const agent = this.lifecycle.agent(agentId);
    return agent === undefined ? [] : [...agent.replicas].map((r) => r.id);
  }

  /** Alive: a socket session while connected; an HTTP one while it reports within the liveness rule. */
  isActive(session: AgentSession, nowMs: number): boolean {
    if (session.transport === "socket") return session.connected;
    return !isOverdue(session.lastSeenMs, session.reportIntervalMs, nowMs);
  }

  /**
   * Refuses a hello that another live session owns (its agent id, or its replicas), or one
   * agent too many. An HTTP session cannot be told from its own retry, so HTTP may re-hello HTTP.
   */
  checkHello(hello: Hello, transport: Transport, connectionId: string | null, nowMs: number): Check {
    const existing = this.sessions.get(hello.agentId);
    if (existing === undefined && this.sessions.size >= MAX_AGENTS) {
      // Forget agents that host nothing and are gone before refusing anyone.
      for (const [id, s] of this.sessions) if (this.replicasOf(id).length === 0 && !this.isActive(s, nowMs)) this.forget(id);
      if (this.sessions.size >= MAX_AGENTS) {
        const reason = `the collector already knows ${MAX_AGENTS} agents`;
        return protocolError("VALIDATION", `hello refused: ${reason}`, { issues: [{ path: "agentId", reason }], ref: "hello" });
      }
    }
    if (existing !== undefined && this.isActive(existing, nowMs)) {
      const sameConnection = existing.transport === transport && (transport === "http" || existing.connectionId === connectionId);
      if (!sameConnection) {
        const over = existing.transport === "socket" ? `a socket.io connection (${existing.connectionId})` : "HTTP";
        const reason = `agent "${hello.agentId}" has a live session over ${over} since ${new Date(existing.helloAtMs).toISOString()}; another connection cannot replace it while it is alive (send bye on it first, or use another agentId)`;
        return protocolError("CONFLICT", `hello refused: ${reason}`, { issues: [{ path: "agentId", reason }], ref: "hello" });
      }
    }
    const issues: Issue[] = [];
    hello.replicas.forEach((r, i) => {
      const other = this.ownerOf(r.id);
      if (other !== undefined && other.agentId !== hello.agentId && this.isActive(other, nowMs)) {
        issues.push({ path: `replicas[${i}].id`, reason: `replica "${r.id}" is already hosted by agent "${other.agentId}"` });
      }
    });
    if (issues.length === 0) return undefined;
    return protocolError("CONFLICT", `${issues.length} replica${issues.length === 1 ? " is" : "s are"} hosted by another connected agent`, { issues, ref: "hello" });
  }

  /** Opens or renews the session of a checked hello; returns the replicas it no longer hosts. */
  applyHello(hello: Hello, transport: Transport, connectionId: string | null, reportIntervalMs: number, nowMs: number): { removed: string[] } {
    const previous = this.sessions.get(hello.agentId);
    if (previous?.connectionId != null && previous.connectionId !== connectionId) this.byConnection.delete(previous.connectionId);
    const session: AgentSession = {
      agentId: hello.agentId,
      node: hello.node.name,
      transport,
      connectionId,
      connected: true,
      reportIntervalMs,
      lastReportSeq: null,
      lastTickMs: null,
      lastSeenMs: nowMs,
      helloAtMs: nowMs,
      needsFull: new Set(hello.replicas.map((r) => r.id)),
      // The handshake asks for whole vectors; they may span several reports of one tick,
      // so no request-full until that has had time.
      lastFullRequestMs: nowMs,
      capabilities: hello.capabilities ?? [],
      gossip: hello.gossip,
    };
    this.sessions.set(hello.agentId, session);
    if (connectionId !== null) this.byConnection.set(connectionId, hello.agentId);
    const announced = new Set<string>(hello.replicas.map((r) => r.id));
    return { removed: this.replicasOf(hello.agentId).filter((id) => !announced.has(id)) };
  }

  /**
   * The session of `agentId` for a message that arrived on `connectionId` (null: HTTP), or
   * the error telling the sender to say hello (it never did, or another connection took over).
   */
  sessionFor(agentId: string, what: string, connectionId: string | null = null): AgentSession | ErrorMessage {
    const session = this.sessions.get(agentId);
    let reason: string | undefined;
    if (session === undefined) reason = `agent "${agentId}" has not said hello`;
    else if (connectionId !== null && session.connectionId !== connectionId) reason = `agent "${agentId}" has no session on this connection (${session.connectionId === null ? "it re-announced over HTTP" : "another connection took it over"})`;
    if (reason === undefined) return session!;
    return protocolError("NOT_FOUND", `${what} refused: ${reason}; send hello to re-announce`, { issues: [{ path: "agentId", reason }], ref: what });
  }

  /** Refuses a report naming replicas (or events of replicas) the agent does not host. */
  checkReport(session: AgentSession, report: Report): Check {
    const issues: Issue[] = [];
    report.replicas.forEach((r, i) => {
      if (!this.hosts(session, r.replica)) issues.push({ path: `replicas[${i}].replica`, reason: notHosted(r.replica, session) });
    });
    (report.events ?? []).forEach((e, i) => {
      if (!this.hosts(session, e.replica)) issues.push({ path: `events[${i}].replica`, reason: notHosted(e.replica, session) });
    });
    if (issues.length === 0) return undefined;
    return protocolError("VALIDATION", `report refused: ${issues[0]!.path}: ${issues[0]!.reason}`, { issues, ref: `report#${report.seq}` });
  }

  /** Refuses an ack for unknown replicas, replicas of another agent, or a version that never existed. */
  checkAck(session: AgentSession, ack: ConfigAck, currentVersion: number): Check {
    const issues: Issue[] = [];
    if (ack.version > currentVersion) issues.push({ path: "version", reason: `no config version ${ack.version} exists (current is ${currentVersion})` });
    ack.replicas.forEach((id, i) => {
      if (!this.hosts(session, id)) issues.push({ path: `replicas[${i}]`, reason: this.lifecycle.get(id) === undefined ? `unknown replica "${id}"` : notHosted(id, session) });
    });
    if (issues.length === 0) return undefined;
    return protocolError("VALIDATION", `config-ack refused: ${issues[0]!.path}: ${issues[0]!.reason}`, { issues, ref: `config-ack#${ack.version}` });
  }

  /** Ends an agent's session (bye). */
  forget(agentId: string): void {
    const session = this.sessions.get(agentId);
    if (session?.connectionId != null) this.byConnection.delete(session.connectionId);
    this.sessions.delete(agentId);
  }

  /** A socket closed: its agent stays known (it may come back) but is no longer connected. */
  disconnected(connectionId: string): AgentSession | undefined {
    const agentId = this.byConnection.get(connectionId);
    this.byConnection.delete(connectionId);
    const session = agentId === undefined ? undefined : this.sessions.get(agentId);
    if (session === undefined || session.connectionId !== connectionId) return undefined;
    session.connected = false;
    session.connectionId = null;
    return session;
  }

  private hosts(session: AgentSession, replica: string): boolean {
    return this.lifecycle.get(replica)?.agent.id === session.agentId;
  }
}

function notHosted(replica: string, session: AgentSession): string {
  return `replica "${replica}" is not hosted by agent "${session.agentId}" (list it in hello)`;
}
