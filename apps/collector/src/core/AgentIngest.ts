// Agents' messages, already validated by the protocol schemas: every state-dependent
// check happens before anything changes, so a refused message changes nothing.
import { LIMITS, PROTOCOL_VERSION, protocolError, type Bye, type ClusterConfig, type ConfigAck, type ErrorMessage, type Hello, type Report, type Welcome } from "@driftscope/protocol";
import { AgentRegistry, type AgentSession, type Transport } from "../ingest/AgentRegistry.js";
import { IngestLoad } from "../ingest/IngestLoad.js";
import type { MetricsEngine } from "../metrics/MetricsEngine.js";
import { vvLength, vvPairs } from "../metrics/packedVv.js";
import type { CollectorMetrics } from "../prometheus.js";
import { clip, plural } from "./text.js";
import type { Timeline } from "./Timeline.js";

/** Outcome of handling one agent message. */
export type Handled<T = undefined> = { ok: true; value: T } | { ok: false; error: ErrorMessage };

const ok = <T,>(value: T): Handled<T> => ({ ok: true, value });
const fail = (error: ErrorMessage): Handled<never> => ({ ok: false, error });

const FULL_REQUEST_EVERY_MS = 2000;
/** Longest report interval the protocol lets the collector ask for. */
const MAX_INTERVAL_MS = 60_000;

export interface AgentIngestDeps {
  engine: MetricsEngine;
  timeline: Timeline;
  metrics: CollectorMetrics;
  /** Report interval asked of agents that do not state one. */
  reportIntervalMs: number;
  /** Most distinct ids (replicas and origins) tracked; bounds memory (replicas × ids × 8 bytes). */
  maxTrackedIds: number;
  config: () => ClusterConfig;
  runId: () => string | null;
  requestFull?: (session: AgentSession, replicas: string[] | undefined) => void;
}

export class AgentIngest {
  readonly registry: AgentRegistry;
  /** Overload: what was coalesced, and how much slower agents are asked to report. */
  readonly load = new IngestLoad();
  /** Gossip exchanges seen since the last frame: `from\0to` → [from, to]. */
  private exchanges = new Map<string, [string, string]>();
  /** Telemetry events agents reported dropping: [time, count]. */
  private readonly dropped: Array<[number, number]> = [];

  constructor(private readonly d: AgentIngestDeps) {
    this.registry = new AgentRegistry(d.engine.lifecycle);
  }

  /** A valid hello (token already checked): opens the session and answers welcome. */
  hello(hello: Hello, transport: Transport, connectionId: string | null, nowMs: number): Handled<{ welcome: Welcome; superseded: string | null }> {
    const engine = this.d.engine;
    const registry = this.registry;
    const conflict = registry.checkHello(hello, transport, connectionId, nowMs);
    if (conflict !== undefined) return fail(conflict);
    const fresh = hello.replicas.filter((r) => !engine.hasReplica(r.id)).length;
    const room = LIMITS.replicasPerCluster - engine.replicaCount;
    // Replicas unreachable the longest make room for live ones, so ghosts cannot fill the cluster.
    const evictable = fresh > room ? engine.lifecycle.unreachableOldestFirst().filter((r) => r.agent.id !== hello.agentId) : [];
    if (fresh > room + evictable.length) {
      const reason = `the cluster would have more than ${LIMITS.replicasPerCluster} replicas (it has ${engine.replicaCount}, none of them unreachable to make room)`;
      return fail(protocolError("VALIDATION", `hello refused: ${reason}`, { issues: [{ path: "replicas", reason }], ref: "hello" }));
    }
    for (const rep of evictable.slice(0, Math.max(0, fresh - room))) engine.removeReplica(rep.id, nowMs, "evicted");
    const previous = registry.sessions.get(hello.agentId);
    const superseded = previous?.connected === true && previous.connectionId !== null && previous.connectionId !== connectionId ? previous.connectionId : null;
    const ownIntervalMs = hello.reportIntervalMs ?? this.d.reportIntervalMs;
    const { removed } = registry.applyHello(hello, transport, connectionId, ownIntervalMs, nowMs);
    // Socket agents are told of a slowdown later too (config.reportIntervalMs); HTTP ones only poll the config.
    const reportIntervalMs = transport === "socket" ? this.askedIntervalMs(ownIntervalMs) : ownIntervalMs;
    engine.registerAgent(hello.agentId, reportIntervalMs, nowMs);
    for (const id of removed) engine.removeReplica(id, nowMs, "not hosted any more");
    for (const r of hello.replicas) engine.addReplica(r.id, hello.agentId, r.crdtType, nowMs, r.incarnation);
    this.d.timeline.addAgent(
      {
        timeMs: nowMs,
        kind: "agent",
        summary: clip(`agent ${hello.agentId} (${hello.node.name}) joined with ${plural(hello.replicas.length, "replica")} over ${transport}`),
        ...(removed.length > 0 ? { detail: clip(`no longer hosts: ${removed.join(", ")}`, LIMITS.messageLength) } : {}),
      },
      `${hello.agentId}\u0000hello`,
      `agent ${hello.agentId} said hello again`,
    );
    this.d.metrics.ingestMessages.inc({ type: "hello", transport });
    const welcome: Welcome = {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      agentId: hello.agentId,
      collectorTimeMs: nowMs,
      reportIntervalMs,
      config: this.d.config(),
      runId: (this.d.runId() ?? null) as Welcome["runId"],
    };
    return ok({ welcome, superseded });
  }

  /** The report interval asked of an agent that wants `ownIntervalMs`, under the slowdown in force. */
  askedIntervalMs(ownIntervalMs: number): number {
    return Math.min(MAX_INTERVAL_MS, Math.round(ownIntervalMs * this.load.slowdown));
  }

  /**
   * The slowdown changed: liveness follows the interval now asked of each socket agent (a
   * slowed agent is not late). Returns the sessions to tell, with their new interval.
   */
  slowdownChanged(): Array<[AgentSession, number]> {
    const out: Array<[AgentSession, number]> = [];
    for (const session of this.registry.sessions.values()) {
      // HTTP agents are not told (they poll the config only), so their liveness stays as it was.
      if (session.transport !== "socket") continue;
      const asked = this.askedIntervalMs(session.reportIntervalMs);
      const agent = this.d.engine.lifecycle.agent(session.agentId);
      if (agent !== undefined) agent.reportIntervalMs = asked;
      out.push([session, asked]);
    }
    return out;
  }

  /**
   * A valid report: applied unless it names replicas the agent does not host or reuses update
   * ids. A merged report (ReportQueue) covers seqs `firstSeq`..`report.seq`.
   */
  report(report: Report, transport: Transport, nowMs: number, connectionId: string | null = null, firstSeq = report.seq): Handled<undefined> {
    const engine = this.d.engine;
    const registry = this.registry;
    const ref = `report#${report.seq}`;
    const session = registry.sessionFor(report.agentId, ref, connectionId);
    if (isError(session)) return fail(session);
    const refused = registry.checkReport(session, report) ?? this.checkOrigins(report) ?? this.checkSeqs(report);
    if (refused !== undefined) return fail(refused);
    session.lastSeenMs = nowMs;
    if (session.lastReportSeq !== null && firstSeq <= session.lastReportSeq) {
      // A retried body or a replayed message: refused, so it cannot count twice.
      engine.agentSeen(session.agentId, nowMs);
      const reason = `report seq must increase within a session; the last accepted was ${session.lastReportSeq}`;
      return fail(protocolError("CONFLICT", `${ref} refused: ${reason}`, { issues: [{ path: "seq", reason }], ref }));
    }
    const gap = session.lastReportSeq !== null && firstSeq > session.lastReportSeq + 1;
    session.lastReportSeq = report.seq;
    if (session.lastTickMs === null || report.timeMs > session.lastTickMs) {
      // The reports of one tick share its time: how far apart ticks come shows an agent paced by our acknowledgements.
      if (session.lastTickMs !== null && transport === "socket") this.load.ticked(report.timeMs - session.lastTickMs, this.askedIntervalMs(session.reportIntervalMs));
      session.lastTickMs = report.timeMs;
    }
    const entries = engine.ingestReport(session.agentId, report.timeMs, report.replicas, nowMs);
    // What a replica received really crossed the network (a send may have been lost), so received events light the topology.
    for (const e of report.events ?? []) {
      if (e.dir !== "received" || this.exchanges.size >= LIMITS.exchangesPerFrame) continue;
      this.exchanges.set(`${e.peer}\u0000${e.replica}`, [e.peer, e.replica]);
    }
    const droppedEvents = report.dropped?.events ?? 0;
    if (droppedEvents > 0) this.dropped.push([nowMs, droppedEvents]);
    this.d.metrics.ingestMessages.inc({ type: "report", transport });
    this.d.metrics.ingestEntries.inc(entries);
    // Whole vectors are expected first; lost reports (a seq gap, dropped reports) mean sparse changes may be missing.
    for (const r of report.replicas) if (r.full === true) session.needsFull.delete(r.replica);
    if (gap || (report.dropped?.reports ?? 0) > 0) for (const id of registry.replicasOf(session.agentId)) session.needsFull.add(id);
    if (session.needsFull.size > 0 && nowMs - session.lastFullRequestMs >= FULL_REQUEST_EVERY_MS) {
      session.lastFullRequestMs = nowMs;
      const all = session.needsFull.size === registry.replicasOf(session.agentId).length;
      this.d.requestFull?.(session, all ? undefined : [...session.needsFull]);
    }
    return ok(undefined);
  }

  /** A valid config-ack: records which config version each replica runs. */
  configAck(ack: ConfigAck, transport: Transport, nowMs: number, connectionId: string | null = null): Handled<undefined> {
    const session = this.registry.sessionFor(ack.agentId, `config-ack#${ack.version}`, connectionId);
    if (isError(session)) return fail(session);
    const refused = this.registry.checkAck(session, ack, this.d.config().version);
    if (refused !== undefined) return fail(refused);
    session.lastSeenMs = nowMs;
    this.d.engine.agentSeen(session.agentId, nowMs);
    if (ack.ok) {
      for (const id of ack.replicas) this.d.engine.setConfigVersion(id, ack.version);
    } else {
      this.d.timeline.add({
        timeMs: nowMs,
        kind: "config",
        version: ack.version,
        summary: clip(`${plural(ack.replicas.length, "replica")} of ${ack.agentId} refused config v${ack.version}`),
        replicas: ack.replicas,
        detail: clip(`${ack.error?.code ?? "ERROR"}: ${ack.error?.message ?? ""}`, LIMITS.messageLength),
      });
    }
    this.d.metrics.ingestMessages.inc({ type: "config-ack", transport });
    return ok(undefined);
  }

  /** A valid bye: the agent's replicas leave the membership (what only they held is lost). */
  bye(bye: Bye, transport: Transport, nowMs: number, connectionId: string | null = null): Handled<undefined> {
    const session = this.registry.sessionFor(bye.agentId, "bye", connectionId);
    if (isError(session)) return fail(session);
    const gone = this.registry.replicasOf(bye.agentId);
    for (const id of gone) this.d.engine.removeReplica(id, nowMs, "bye");
    this.registry.forget(bye.agentId);
    this.d.engine.forgetAgent(bye.agentId);
    this.d.timeline.addAgent(
      { timeMs: nowMs, kind: "agent", summary: clip(`agent ${bye.agentId} left with ${plural(gone.length, "replica")}${bye.reason ? `: ${bye.reason}` : ""}`) },
      `${bye.agentId}\u0000bye`,
      `agent ${bye.agentId} left`,
    );
    this.d.metrics.ingestMessages.inc({ type: "bye", transport });
    return ok(undefined);
  }

  /** The exchanges seen since the last call, as index pairs in `order` (a frame's replica order). */
  takeExchanges(order: readonly string[]): Array<[number, number]> {
    const index = new Map<string, number>();
    order.forEach((id, i) => index.set(id, i));
    const out: Array<[number, number]> = [];
    for (const [from, to] of this.exchanges.values()) {
      const a = index.get(from);
      const b = index.get(to);
      if (a !== undefined && b !== undefined) out.push([a, b]);
    }
    this.exchanges = new Map();
    return out.slice(0, LIMITS.exchangesPerFrame);
  }

  /** Telemetry events agents reported dropping since `sinceMs`. */
  droppedWithin(sinceMs: number): number {
    while (this.dropped.length > 0 && this.dropped[0]![0] < sinceMs) this.dropped.shift();
    return this.dropped.reduce((sum, [, n]) => sum + n, 0);
  }

  /** Refuses a report that would make the collector track more distinct ids than it may. */
  private checkOrigins(report: Report): ErrorMessage | undefined {
    const max = this.d.maxTrackedIds;
    const engine = this.d.engine;
    let entries = 0;
    for (const r of report.replicas) entries += vvLength(r) + (r.included?.length ?? 0);
    if (engine.idCount + entries <= max) return undefined; // cannot overflow: skip the lookups
    const fresh = new Set<string>();
    for (const [i, r] of report.replicas.entries()) {
      const lists: Array<[string, ReadonlyArray<readonly [string, ...unknown[]]>]> = [["vv", vvPairs(r)], ["included", r.included ?? []]];
      for (const [field, list] of lists) {
        for (const [j, [origin]] of list.entries()) {
          if (!engine.knowsId(origin)) fresh.add(origin);
          if (engine.idCount + fresh.size <= max) continue;
          const reason = `the collector tracks at most ${max} distinct replica ids; this origin would be one more`;
          return protocolError("VALIDATION", `report#${report.seq} refused: ${reason}`, { issues: [{ path: `replicas[${i}].${field}[${j}][0]`, reason }], ref: `report#${report.seq}` });
        }
      }
    }
    return undefined;
  }

  /** Refuses a report whose replica seq goes backwards without a new incarnation (dot reuse). */
  private checkSeqs(report: Report): ErrorMessage | undefined {
    const issues = this.d.engine.seqRegressions(report.replicas);
    if (issues.length === 0) return undefined;
    return protocolError("CONFLICT", `report#${report.seq} refused: ${issues[0]!.reason}`, { issues, ref: `report#${report.seq}` });
  }
}

/** Whether a session lookup failed (the registry answers an error message instead). */
export function isError(value: AgentSession | ErrorMessage): value is ErrorMessage {
  return "type" in value && value.type === "error";
}
