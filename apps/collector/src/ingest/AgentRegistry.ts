// Who is connected and which replicas each agent hosts. Every state-dependent check of
// an agent message happens here BEFORE anything is changed, so a message that fails
// changes nothing: hello conflicts, reports or acks for replicas the agent does not
// host, acks of config versions that do not exist.
import {
  LIMITS,
  protocolError,
  type ConfigAck,
  type ErrorMessage,
  type Hello,
  type Issue,
  type Report,
} from "@driftscope/protocol";

/** Most agents the collector keeps sessions for (one replica each at the cluster limit). */
export const MAX_AGENTS = LIMITS.replicasPerCluster;

/** How an agent reaches the collector. */
export type Transport = "socket" | "http";

/** One agent as the collector knows it. */
export interface AgentSession {
  agentId: string;
  node: string;
  transport: Transport;
  /** socket.io socket id while connected over a socket. */
  connectionId: string | null;
  connected: boolean;
  /** Hosted replicas: id → CRDT type label. */
  replicas: Map<string, string>;
  reportIntervalMs: number;
  /** Highest report seq seen since the last hello (null: none yet). */
  lastReportSeq: number | null;
  lastSeenMs: number;
  /** Replicas whose whole version vector the collector still needs. */
  needsFull: Set<string>;
  lastFullRequestMs: number;
  capabilities: readonly string[];
}

/** Result of a check: nothing (fine) or the error to answer with. */
export type Check = ErrorMessage | undefined;

export class AgentRegistry {
  readonly sessions = new Map<string, AgentSession>();
  private readonly owner = new Map<string, string>();

  constructor(private readonly unreachableAfterMs: (session: AgentSession) => number) {}

  /** The agent hosting `replica`, if any. */
  ownerOf(replica: string): AgentSession | undefined {
    const id = this.owner.get(replica);
    return id === undefined ? undefined : this.sessions.get(id);
  }

  /** Node name of the agent hosting `replica`. */
  nodeOf(replica: string): string {
    return this.ownerOf(replica)?.node ?? "";
  }

  /** An agent counts as active while connected, or (HTTP) while it reported recently. */
  isActive(session: AgentSession, nowMs: number): boolean {
    if (session.transport === "socket") return session.connected;
    return nowMs - session.lastSeenMs <= this.unreachableAfterMs(session);
  }

  /** Refuses a hello that claims replicas another active agent hosts, or one agent too many. */
  checkHello(hello: Hello, nowMs: number): Check {
    if (!this.sessions.has(hello.agentId) && this.sessions.size >= MAX_AGENTS) {
      // Forget agents that host nothing and are gone before refusing anyone.
      for (const [id, s] of this.sessions) if (s.replicas.size === 0 && !this.isActive(s, nowMs)) this.sessions.delete(id);
      if (this.sessions.size >= MAX_AGENTS) {
        const reason = `the collector already knows ${MAX_AGENTS} agents`;
        return protocolError("VALIDATION", `hello refused: ${reason}`, { issues: [{ path: "agentId", reason }], ref: "hello" });
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
    return protocolError("CONFLICT", `${issues.length} replica${issues.length === 1 ? " is" : "s are"} hosted by another connected agent`, {
      issues,
      ref: "hello",
    });
  }

  /**
   * Applies a checked hello. Returns the replicas added, the ones this agent no longer
   * hosts (removed), and the connection this one supersedes (same agent id, other socket).
   */
  applyHello(
    hello: Hello,
    transport: Transport,
    connectionId: string | null,
    reportIntervalMs: number,
    nowMs: number,
  ): { added: Array<[string, string]>; removed: string[]; superseded: string | null } {
    let session = this.sessions.get(hello.agentId);
    const superseded = session !== undefined && session.connectionId !== null && session.connectionId !== connectionId && session.connected ? session.connectionId : null;
    const before = new Map(session?.replicas ?? []);
    if (session === undefined) {
      session = {
        agentId: hello.agentId,
        node: hello.node.name,
        transport,
        connectionId,
        connected: true,
        replicas: new Map(),
        reportIntervalMs,
        lastReportSeq: null,
        lastSeenMs: nowMs,
        needsFull: new Set(),
        lastFullRequestMs: -Infinity,
        capabilities: hello.capabilities ?? [],
      };
      this.sessions.set(hello.agentId, session);
    }
    session.node = hello.node.name;
    session.transport = transport;
    session.connectionId = connectionId;
    session.connected = true;
    session.reportIntervalMs = reportIntervalMs;
    session.lastReportSeq = null;
    session.lastSeenMs = nowMs;
    session.capabilities = hello.capabilities ?? [];
    session.replicas = new Map(hello.replicas.map((r) => [r.id, r.crdtType]));
    session.needsFull = new Set(session.replicas.keys());
    // The handshake itself asks for whole vectors; they may arrive over several reports
    // (a tick split by the batch limits), so no request-full until that has had time.
    session.lastFullRequestMs = nowMs;
    const added: Array<[string, string]> = [];
    for (const [id, type] of session.replicas) {
      const previous = this.ownerOf(id);
      if (previous !== undefined && previous !== session) previous.replicas.delete(id); // takeover
      this.owner.set(id, session.agentId);
      added.push([id, type]);
    }
    const removed = [...before.keys()].filter((id) => !session.replicas.has(id));
    for (const id of removed) if (this.owner.get(id) === session.agentId) this.owner.delete(id);
    return { added, removed, superseded };
  }

  /** The session of `agentId`, or the error for a message from an agent that never said hello. */
  sessionFor(agentId: string, what: string): AgentSession | ErrorMessage {
    const session = this.sessions.get(agentId);
    if (session !== undefined) return session;
    const reason = `agent "${agentId}" has not said hello`;
    return protocolError("NOT_FOUND", `${what} refused: ${reason}; send hello first`, { issues: [{ path: "agentId", reason }], ref: what });
  }

  /** Refuses a report naming replicas (or events of replicas) the agent does not host. */
  checkReport(session: AgentSession, report: Report): Check {
    const issues: Issue[] = [];
    const hosted = session.replicas;
    report.replicas.forEach((r, i) => {
      if (!hosted.has(r.replica)) issues.push({ path: `replicas[${i}].replica`, reason: notHosted(r.replica, session) });
    });
    (report.events ?? []).forEach((e, i) => {
      if (!hosted.has(e.replica)) issues.push({ path: `events[${i}].replica`, reason: notHosted(e.replica, session) });
    });
    if (issues.length === 0) return undefined;
    return protocolError("VALIDATION", `report refused: ${issues[0]!.path}: ${issues[0]!.reason}`, { issues, ref: `report#${report.seq}` });
  }

  /** Refuses an ack for unknown replicas, replicas of another agent, or a version that never existed. */
  checkAck(session: AgentSession, ack: ConfigAck, currentVersion: number): Check {
    const issues: Issue[] = [];
    if (ack.version > currentVersion) issues.push({ path: "version", reason: `no config version ${ack.version} exists (current is ${currentVersion})` });
    ack.replicas.forEach((id, i) => {
      if (!session.replicas.has(id)) {
        const owner = this.ownerOf(id);
        issues.push({ path: `replicas[${i}]`, reason: owner === undefined ? `unknown replica "${id}"` : notHosted(id, session) });
      }
    });
    if (issues.length === 0) return undefined;
    return protocolError("VALIDATION", `config-ack refused: ${issues[0]!.path}: ${issues[0]!.reason}`, { issues, ref: `config-ack#${ack.version}` });
  }

  /** Forgets an agent (bye); returns the replicas it hosted. */
  remove(agentId: string): string[] {
    const session = this.sessions.get(agentId);
    if (session === undefined) return [];
    this.sessions.delete(agentId);
    const gone = [...session.replicas.keys()].filter((id) => this.owner.get(id) === agentId);
    for (const id of gone) this.owner.delete(id);
    return gone;
  }

  /** A socket closed: its agent stays known (it may come back) but is no longer connected. */
  disconnected(connectionId: string): AgentSession | undefined {
    for (const session of this.sessions.values()) {
      if (session.connectionId === connectionId) {
        session.connected = false;
        session.connectionId = null;
        return session;
      }
    }
    return undefined;
  }
}

function notHosted(replica: string, session: AgentSession): string {
  return `replica "${replica}" is not hosted by agent "${session.agentId}" (list it in hello)`;
}
