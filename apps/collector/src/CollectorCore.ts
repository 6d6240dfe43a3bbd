// The collector's state and rules, without sockets or HTTP: agents' messages in,
// frames and snapshots out, the config and the run timeline. The socket and HTTP
// layers validate messages with the protocol schemas and then call in here; every
// state-dependent check happens before anything changes, so a refused message
// changes nothing.
import {
  applyConfigPatch,
  PROTOCOL_VERSION,
  REPLICA_STATUSES,
  protocolError,
  type Bye,
  type ClusterConfig,
  type ConfigAck,
  type ConfigPatch,
  type ConfigPatchResult,
  type ConvergenceSample,
  type ErrorMessage,
  type Frame,
  type FrameColumns,
  type Hello,
  type KpiPoint,
  type Kpis,
  type ReplicaInfo,
  type Report,
  type RunInfo,
  type Snapshot,
  type Theory,
  type TimelineEvent,
  type Welcome,
  LIMITS,
} from "@driftscope/protocol";
import { theoryFor } from "./metrics/theoryFor.js";
import { describeChange, isFaultChange } from "./control/describeChange.js";
import { AgentRegistry, type AgentSession, type Transport } from "./ingest/AgentRegistry.js";
import { toDigests } from "./ingest/toDigests.js";
import { MetricsEngine, type MetricsEngineOptions, type StatusTransition } from "./metrics/MetricsEngine.js";
import { STATUS_CRASHED, STATUS_LIVE, type ConvergenceStats, type EngineFrame, type Kpis as EngineKpis } from "./metrics/types.js";
import type { CollectorMetrics } from "./prometheus.js";
import type { Recorder } from "./recordings/Recorder.js";

/** What the core needs from its surroundings. */
export interface CollectorCoreOptions {
  config: ClusterConfig;
  /** Report interval asked of agents that do not state one. */
  reportIntervalMs: number;
  /** Sliding window of the convergence percentiles (default 60 s). */
  windowMs?: number;
  /** Recent frames kept for snapshots. */
  snapshotFrames?: number;
  recorder: Recorder | null;
  metrics: CollectorMetrics;
  engine?: MetricsEngineOptions;
  /** Called when a new config must reach every agent. */
  pushConfig?: (config: ClusterConfig) => void;
  /**
   * Budget of traced-dot entries (`issued` + `included`) per second across the cluster; the
   * collector raises `telemetry.traceEveryK` (powers of two) to stay under it and lowers it
   * again when there is room. 0 turns the adjustment off. Default 20,000.
   */
  tracedEntriesPerSec?: number;
  /**
   * Most distinct ids (replicas and origins seen in version vectors) the collector tracks.
   * Per-replica version vectors are dense arrays over these ids, so this bounds memory
   * (replicas × ids × 8 bytes). Default 2 × LIMITS.replicasPerCluster.
   */
  maxTrackedIds?: number;
  /** Called when an agent should send whole version vectors (undefined: all its replicas). */
  requestFull?: (session: AgentSession, replicas: string[] | undefined) => void;
}

/** Outcome of handling one agent message. */
export type Handled<T = undefined> = { ok: true; value: T } | { ok: false; error: ErrorMessage };

const ok = <T,>(value: T): Handled<T> => ({ ok: true, value });
const fail = (error: ErrorMessage): Handled<never> => ({ ok: false, error });

const EVENT_RING = LIMITS.snapshotEvents;
const SAMPLE_RING = LIMITS.snapshotSamples;
const HISTORY_RING = LIMITS.snapshotHistory;
const FULL_REQUEST_EVERY_MS = 2000;

const round2 = (x: number) => Math.round(x * 100) / 100;
/** Counts on the wire are safe integers; absurd frontiers (seq near 2^53) saturate instead of breaking frames. */
const safeCount = (x: number) => (x > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : x < 0 ? 0 : Math.round(x));

/** Ring buffer that keeps the newest `capacity` items. */
class Ring<T> {
  private items: T[] = [];
  constructor(private readonly capacity: number) {}
  push(...values: T[]): void {
    for (const v of values) this.items.push(v);
    if (this.items.length > this.capacity * 2) this.items = this.items.slice(-this.capacity);
  }
  toArray(): T[] {
    return this.items.length > this.capacity ? this.items.slice(-this.capacity) : [...this.items];
  }
  clear(): void {
    this.items = [];
  }
  get length(): number {
    return Math.min(this.items.length, this.capacity);
  }
}

interface MemberInfo {
  id: string;
  agentId: string;
  node: string;
  crdtType: string;
}

/** Replica × frame cells a snapshot carries at most (beyond MIN_SNAPSHOT_FRAMES). */
const SNAPSHOT_CELLS = 20_000;
const MIN_SNAPSHOT_FRAMES = 50;

export class CollectorCore {
  readonly engine: MetricsEngine;
  readonly agents: AgentRegistry;
  private configValue: ClusterConfig;
  private readonly windowMs: number;
  private frameSeq = 0;
  private lastFrame: Frame | null = null;
  private lastSentMembership = -1;
  private frameMembers: MemberInfo[] = [];
  private readonly recentFrames: Ring<Frame>;
  private readonly history = new Ring<KpiPoint>(HISTORY_RING);
  private readonly recentSamples = new Ring<ConvergenceSample>(SAMPLE_RING);
  private readonly timeline = new Ring<TimelineEvent>(EVENT_RING);
  private pendingEvents: TimelineEvent[] = [];
  private pendingExchanges = new Map<string, [string, string]>();
  private readonly dropped: Array<[number, number]> = [];
  private lastHistoryMs = -Infinity;
  private readonly theoryCache = new Map<string, Theory | null>();
  private lastTraceCheckMs = -Infinity;

  constructor(private readonly options: CollectorCoreOptions) {
    this.configValue = options.config;
    this.windowMs = options.windowMs ?? 60_000;
    this.engine = new MetricsEngine({
      windowMs: this.windowMs,
      defaultReportIntervalMs: options.reportIntervalMs,
      tracingEveryK: options.config.telemetry.traceEveryK,
      percentileRecomputeMs: 250,
      ...options.engine,
    });
    this.agents = new AgentRegistry((s) => s.reportIntervalMs * 3);
    this.recentFrames = new Ring<Frame>(options.snapshotFrames ?? LIMITS.snapshotFrames);
  }

  get config(): ClusterConfig {
    return this.configValue;
  }

  get defaultWindowMs(): number {
    return this.windowMs;
  }

  /** The run being recorded, in wire form (null when not recording). */
  runInfo(): RunInfo | null {
    const run = this.options.recorder?.current ?? null;
    return run === null ? null : { id: run.id as RunInfo["id"], name: run.name, startedAtMs: run.startedAtMs, endedAtMs: run.endedAtMs };
  }

  // ---- agents ---------------------------------------------------------------------

  /** A valid hello (token already checked): registers the agent and answers welcome. */
  hello(hello: Hello, transport: Transport, connectionId: string | null, nowMs: number): Handled<{ welcome: Welcome; superseded: string | null }> {
    const conflict = this.agents.checkHello(hello, nowMs);
    if (conflict !== undefined) return fail(conflict);
    const newReplicas = hello.replicas.filter((r) => !this.engine.hasReplica(r.id)).length;
    if (this.engine.replicaCount + newReplicas > LIMITS.replicasPerCluster) {
      const reason = `the cluster would have more than ${LIMITS.replicasPerCluster} replicas (it has ${this.engine.replicaCount})`;
      return fail(protocolError("VALIDATION", `hello refused: ${reason}`, { issues: [{ path: "replicas", reason }], ref: "hello" }));
    }
    const reportIntervalMs = hello.reportIntervalMs ?? this.options.reportIntervalMs;
    const { added, removed, superseded } = this.agents.applyHello(hello, transport, connectionId, reportIntervalMs, nowMs);
    this.engine.registerAgent(hello.agentId, reportIntervalMs, nowMs);
    for (const id of removed) this.engine.removeReplica(id, nowMs);
    for (const [id, type] of added) this.engine.addReplica(id, hello.agentId, type, nowMs);
    this.addEvent({
      timeMs: nowMs,
      kind: "agent",
      summary: clip(`agent ${hello.agentId} (${hello.node.name}) joined with ${added.length} replica${added.length === 1 ? "" : "s"} over ${transport}`),
      ...(removed.length > 0 ? { detail: clip(`no longer hosts: ${removed.join(", ")}`, LIMITS.messageLength) } : {}),
    });
    this.options.metrics.ingestMessages.inc({ type: "hello", transport });
    const welcome: Welcome = {
      type: "welcome",
      protocol: PROTOCOL_VERSION,
      agentId: hello.agentId,
      collectorTimeMs: nowMs,
      reportIntervalMs,
      config: this.configValue,
      runId: this.runInfo()?.id ?? null,
    };
    return ok({ welcome, superseded });
  }

  /** A valid report: applied to the metrics unless it names replicas the agent does not host. */
  report(report: Report, transport: Transport, nowMs: number): Handled<undefined> {
    const session = this.agents.sessionFor(report.agentId, `report#${report.seq}`);
    if (isError(session)) return fail(session);
    const refused = this.agents.checkReport(session, report) ?? this.checkOrigins(report);
    if (refused !== undefined) return fail(refused);
    session.lastSeenMs = nowMs;
    if (session.lastReportSeq !== null && report.seq <= session.lastReportSeq) {
      // A retried body or a replayed message: refused, so it cannot count twice.
      this.engine.agentSeen(session.agentId, nowMs);
      const reason = `report seq must increase within a session; the last accepted was ${session.lastReportSeq}`;
      return fail(protocolError("CONFLICT", `report#${report.seq} refused: ${reason}`, { issues: [{ path: "seq", reason }], ref: `report#${report.seq}` }));
    }
    const gap = session.lastReportSeq !== null && report.seq > session.lastReportSeq + 1;
    session.lastReportSeq = report.seq;
    const { digests, exchanges, entries, droppedEvents } = toDigests(report);
    this.engine.ingestReport(session.agentId, report.timeMs, digests, nowMs);
    for (const [from, to] of exchanges) {
      if (this.pendingExchanges.size >= LIMITS.exchangesPerFrame) break;
      this.pendingExchanges.set(`${from}\u0000${to}`, [from, to]);
    }
    if (droppedEvents > 0) this.dropped.push([nowMs, droppedEvents]);
    const metrics = this.options.metrics;
    metrics.ingestMessages.inc({ type: "report", transport });
    metrics.ingestEntries.inc(entries);
    // Whole vectors are expected first; lost reports (a seq gap, dropped reports) mean the
    // sparse changes may have missed some entries.
    for (const r of report.replicas) if (r.full === true) session.needsFull.delete(r.replica);
    if (gap || (report.dropped?.reports ?? 0) > 0) for (const id of session.replicas.keys()) session.needsFull.add(id);
    if (session.needsFull.size > 0 && nowMs - session.lastFullRequestMs >= FULL_REQUEST_EVERY_MS) {
      session.lastFullRequestMs = nowMs;
      const all = session.needsFull.size === session.replicas.size;
      this.options.requestFull?.(session, all ? undefined : [...session.needsFull]);
    }
    return ok(undefined);
  }

  /** Refuses a report that would make the collector track more distinct ids than it may. */
  private checkOrigins(report: Report): ErrorMessage | undefined {
    const max = this.options.maxTrackedIds ?? 2 * LIMITS.replicasPerCluster;
    const engine = this.engine;
    let entries = 0;
    for (const r of report.replicas) entries += r.vv.length + (r.included?.length ?? 0);
    if (engine.idCount + entries <= max) return undefined; // cannot overflow: skip the lookups
    const fresh = new Set<string>();
    for (const [i, r] of report.replicas.entries()) {
      for (const [j, [origin]] of r.vv.entries()) {
        if (!engine.knowsId(origin)) fresh.add(origin);
        if (engine.idCount + fresh.size > max) {
          const reason = `the collector tracks at most ${max} distinct replica ids; this origin would be one more`;
          return protocolError("VALIDATION", `report#${report.seq} refused: ${reason}`, { issues: [{ path: `replicas[${i}].vv[${j}][0]`, reason }], ref: `report#${report.seq}` });
        }
      }
      for (const [j, [origin]] of (r.included ?? []).entries()) {
        if (!engine.knowsId(origin)) fresh.add(origin);
        if (engine.idCount + fresh.size > max) {
          const reason = `the collector tracks at most ${max} distinct replica ids; this origin would be one more`;
          return protocolError("VALIDATION", `report#${report.seq} refused: ${reason}`, { issues: [{ path: `replicas[${i}].included[${j}][0]`, reason }], ref: `report#${report.seq}` });
        }
      }
    }
    return undefined;
  }

  /** A valid config-ack: records which config version each replica runs. */
  configAck(ack: ConfigAck, transport: Transport, nowMs: number): Handled<undefined> {
    const session = this.agents.sessionFor(ack.agentId, `config-ack#${ack.version}`);
    if (isError(session)) return fail(session);
    const refused = this.agents.checkAck(session, ack, this.configValue.version);
    if (refused !== undefined) return fail(refused);
    session.lastSeenMs = nowMs;
    this.engine.agentSeen(session.agentId, nowMs);
    if (ack.ok) {
      for (const id of ack.replicas) this.engine.setConfigVersion(id, ack.version);
    } else {
      this.addEvent({
        timeMs: nowMs,
        kind: "config",
        version: ack.version,
        summary: clip(`${ack.replicas.length} replica${ack.replicas.length === 1 ? "" : "s"} of ${ack.agentId} refused config v${ack.version}`),
        replicas: ack.replicas,
        detail: clip(`${ack.error?.code ?? "ERROR"}: ${ack.error?.message ?? ""}`, LIMITS.messageLength),
      });
    }
    this.options.metrics.ingestMessages.inc({ type: "config-ack", transport });
    return ok(undefined);
  }

  /** A valid bye: the agent's replicas leave the membership. */
  bye(bye: Bye, transport: Transport, nowMs: number): Handled<undefined> {
    const session = this.agents.sessionFor(bye.agentId, "bye");
    if (isError(session)) return fail(session);
    const gone = this.agents.remove(bye.agentId);
    for (const id of gone) this.engine.removeReplica(id, nowMs);
    this.engine.forgetAgent(bye.agentId);
    this.addEvent({
      timeMs: nowMs,
      kind: "agent",
      summary: clip(`agent ${bye.agentId} left with ${gone.length} replica${gone.length === 1 ? "" : "s"}${bye.reason ? `: ${bye.reason}` : ""}`),
    });
    this.options.metrics.ingestMessages.inc({ type: "bye", transport });
    return ok(undefined);
  }

  /** A socket closed without bye: the agent's replicas turn unreachable after 3 intervals. */
  socketClosed(connectionId: string): void {
    this.agents.disconnected(connectionId);
  }

  // ---- control --------------------------------------------------------------------

  /** Applies a config patch (operator permission already checked). */
  changeConfig(patch: unknown, nowMs: number, source: string): ConfigPatchResult {
    const before = this.configValue;
    const result = applyConfigPatch(before, patch);
    if (!result.ok) return result;
    this.configValue = result.config;
    this.engine.setTracingEveryK(result.config.telemetry.traceEveryK);
    if (result.changed.some((field) => !field.startsWith("telemetry"))) this.engine.startConfigEpoch(nowMs);
    const { expectedVersion: _unused, ...applied } = patch as ConfigPatch;
    this.options.recorder?.addConfig(result.config, applied, nowMs);
    this.addEvent({
      timeMs: nowMs,
      kind: isFaultChange(result.changed) ? "fault" : "config",
      version: result.config.version,
      summary: describeChange(before, result.config, result.changed),
      patch: applied,
      detail: clip(`by ${source}`, LIMITS.messageLength),
    });
    this.options.metrics.configChanges.inc();
    this.options.pushConfig?.(result.config);
    return result;
  }

  /** Starts a new run (closing the current one) or stops recording. */
  runControl(action: "start" | "stop", name: string | undefined, nowMs: number): RunInfo | null {
    const recorder = this.options.recorder;
    if (recorder === null) return null;
    const current = this.runInfo();
    if (action === "stop") {
      if (current !== null) {
        this.addEvent({ timeMs: nowMs, kind: "run", summary: clip(`run ${current.name} stopped`) });
        recorder.stop(nowMs);
      }
      return null;
    }
    if (current !== null) {
      this.addEvent({ timeMs: nowMs, kind: "run", summary: clip(`run ${current.name} stopped`) });
    }
    const run = recorder.start(name ?? defaultRunName(nowMs), nowMs, this.configValue);
    this.engine.resetRunStats();
    this.addEvent({ timeMs: nowMs, kind: "run", summary: clip(`run ${run.name} started`), version: this.configValue.version });
    return this.runInfo();
  }

  /** Adds an entry to the timeline (recorded, and sent with the next frame). */
  addEvent(event: TimelineEvent): void {
    this.timeline.push(event);
    this.pendingEvents.push(event);
    this.options.recorder?.addEvent(event);
  }

  // ---- frames ---------------------------------------------------------------------

  /**
   * Computes the frame of `nowMs` (10 Hz): engine columns and KPIs, new samples,
   * timeline events, exchanges, theory. Records it (1 Hz) and its samples.
   */
  frame(nowMs: number): Frame {
    const ef = this.engine.frame(nowMs);
    this.transitionsToEvents(this.engine.drainTransitions(), nowMs);
    const membershipChanged = ef.membershipVersion !== this.lastSentMembership;
    if (membershipChanged) {
      this.recentFrames.clear();
      this.frameMembers = ef.replicaIds.map((id) => this.memberInfo(id));
    }
    const kpis = this.kpis(ef.kpis, ef.kpis.convergence, ef);
    const samples = ef.samples.map((s): ConvergenceSample => [s.origin as ConvergenceSample[0], s.seq, s.issuedAtMs, round2(s.convergenceMs)]);
    this.recentSamples.push(...samples);
    for (const s of ef.samples) this.options.metrics.convergence.observe(s.convergenceMs / 1000);
    this.options.recorder?.addSamples(ef.samples);

    const index = new Map<string, number>();
    ef.replicaIds.forEach((id, i) => index.set(id, i));
    const exchanges: Array<[number, number]> = [];
    for (const [from, to] of this.pendingExchanges.values()) {
      const a = index.get(from);
      const b = index.get(to);
      if (a !== undefined && b !== undefined) exchanges.push([a, b]);
    }
    this.pendingExchanges = new Map();
    const events = this.pendingEvents.slice(0, LIMITS.eventsPerFrame);
    this.pendingEvents = this.pendingEvents.slice(events.length);

    const columns: FrameColumns = {
      missingUpdates: ef.missingUpdates.map(safeCount),
      stalenessMs: ef.stalenessMs.map(Math.round),
      status: ef.status,
      updatesPerSec: ef.updatesPerSec.map(round2),
      messagesPerSec: ef.messagesPerSec.map(round2),
      bytesPerSec: ef.bytesPerSec.map(round2),
      configVersion: ef.configVersion.map((v) => v ?? 0),
      stateGroup: ef.stateGroup,
    };
    const frame: Frame = {
      type: "frame",
      seq: ++this.frameSeq,
      timeMs: nowMs,
      membershipVersion: ef.membershipVersion,
      ...(membershipChanged ? { replicaIds: ef.replicaIds as Frame["replicaIds"] } : {}),
      columns,
      kpis,
      samples: samples.length > LIMITS.samplesPerFrame ? samples.slice(-LIMITS.samplesPerFrame) : samples,
      exchanges: exchanges.slice(0, LIMITS.exchangesPerFrame),
      theory: this.theory(kpis.live),
      sampling: { traceEveryK: ef.sampling.everyK, droppedEvents: this.droppedInWindow(nowMs) },
      events,
    };
    this.lastSentMembership = ef.membershipVersion;
    this.lastFrame = frame;
    this.recentFrames.push(frame);
    this.options.metrics.framesSent.inc();
    this.options.metrics.update(
      { replicaIds: ef.replicaIds, missingUpdates: columns.missingUpdates, stalenessMs: columns.stalenessMs, status: columns.status },
      { live: kpis.live, total: kpis.total, convergedShare: kpis.convergedShare, distinctStates: kpis.distinctStates, configVersion: kpis.configVersion },
    );
    this.adjustTracing(kpis, nowMs);
    if (nowMs - this.lastHistoryMs >= 1000) {
      this.lastHistoryMs = nowMs;
      this.history.push({ timeMs: nowMs, kpis });
      this.options.recorder?.addFrame(nowMs, kpis, { replicaIds: ef.replicaIds, columns });
    }
    return frame;
  }

  /** KPIs of a frame with the convergence percentiles of another window (a dashboard's choice). */
  kpisForWindow(frame: Frame, windowMs: number, nowMs: number): Kpis {
    const c = this.engine.windowConvergence(nowMs, windowMs);
    return { ...frame.kpis, ...convergenceFields(c) };
  }

  private kpis(k: EngineKpis, c: ConvergenceStats, ef: EngineFrame): Kpis {
    const version = this.configValue.version;
    let acked = 0;
    for (let i = 0; i < ef.status.length; i++) if (ef.status[i] === STATUS_LIVE && ef.configVersion[i] === version) acked++;
    return {
      live: k.live,
      unreachable: k.unreachable,
      crashed: k.crashed,
      total: k.total,
      convergedShare: Math.min(1, Math.max(0, k.convergedShare)),
      distinctStates: k.distinctStates,
      missingUpdatesTotal: safeCount(k.missingUpdatesTotal),
      maxStalenessMs: Math.round(k.maxStalenessMs),
      ...convergenceFields(c),
      updatesPerSec: round2(k.updatesPerSec),
      messagesPerSec: round2(k.messagesPerSec),
      bytesPerSec: round2(k.bytesPerSec),
      deliveriesPerSec: round2(k.deliveriesPerSec),
      bytesPerUpdate: k.bytesPerUpdate === null ? null : round2(k.bytesPerUpdate),
      configVersion: version,
      ackedReplicas: acked,
    };
  }

  /**
   * Keeps traced-dot telemetry within budget (DESIGN.md §3): every included dot at every
   * replica would be N × update rate entries per second, so only seq % k === 0 is traced,
   * with k a power of two chosen from the measured delivery rate. A config change like any
   * other: versioned, recorded, pushed and acknowledged.
   */
  private adjustTracing(kpis: Kpis, nowMs: number): void {
    const budget = this.options.tracedEntriesPerSec ?? 20_000;
    if (budget <= 0 || nowMs - this.lastTraceCheckMs < 5000) return;
    this.lastTraceCheckMs = nowMs;
    const perK1 = kpis.deliveriesPerSec + kpis.updatesPerSec; // traced entries per second if k were 1
    const k = this.configValue.telemetry.traceEveryK;
    let wanted = k;
    if (perK1 / k > budget) {
      wanted = 1;
      while (perK1 / wanted > budget && wanted < 1_000_000) wanted *= 2;
    } else if (k > 1 && perK1 / (k / 2) <= budget / 2) {
      wanted = 1;
      while (perK1 / wanted > budget / 2 && wanted < k) wanted *= 2;
    }
    wanted = Math.min(wanted, 524_288);
    if (wanted === k) return;
    this.changeConfig({ telemetry: { traceEveryK: wanted } }, nowMs, `the collector (traced-dot budget ${budget}/s; ${Math.round(perK1)} entries/s at k = 1)`);
  }

  private theory(live: number): Theory | null {
    const { gossip, network } = this.configValue;
    const key = `${live}|${gossip.intervalMs}|${gossip.fanout}|${gossip.mode}|${network.lossRate}|${network.latencyMs}`;
    const cached = this.theoryCache.get(key);
    if (cached !== undefined) return cached;
    const theory = theoryFor(this.configValue, live);
    if (this.theoryCache.size > 256) this.theoryCache.clear();
    this.theoryCache.set(key, theory);
    return theory;
  }

  private droppedInWindow(nowMs: number): number {
    const cutoff = nowMs - this.windowMs;
    while (this.dropped.length > 0 && this.dropped[0]![0] < cutoff) this.dropped.shift();
    return this.dropped.reduce((sum, [, n]) => sum + n, 0);
  }

  private memberInfo(id: string): MemberInfo {
    const owner = this.agents.ownerOf(id);
    const agentId = this.engine.agentOf(id) ?? owner?.agentId ?? "unknown";
    return { id, agentId, node: owner?.node ?? "", crdtType: owner?.replicas.get(id) ?? "unknown" };
  }

  /** Status changes become timeline entries, one per agent and kind of change. */
  private transitionsToEvents(transitions: StatusTransition[], nowMs: number): void {
    if (transitions.length === 0) return;
    // Net change per replica within the frame (unreachable → live → crashed is "crashed").
    const net = new Map<string, StatusTransition>();
    for (const t of transitions) {
      const first = net.get(t.replica);
      net.set(t.replica, first === undefined ? t : { ...t, from: first.from });
    }
    const groups = new Map<string, { agentId: string; to: number; replicas: string[] }>();
    for (const t of net.values()) {
      if (t.from === t.to) continue;
      const key = `${t.agentId}\u0000${t.to}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { agentId: t.agentId, to: t.to, replicas: [] }));
      g.replicas.push(t.replica);
    }
    for (const g of groups.values()) {
      const what = REPLICA_STATUSES[g.to] ?? "changed";
      const n = g.replicas.length;
      this.addEvent({
        timeMs: nowMs,
        kind: g.to === STATUS_CRASHED ? "fault" : "agent",
        summary: clip(`${n === 1 ? `replica ${g.replicas[0]}` : `${n} replicas of ${g.agentId}`} ${what === "live" ? "back live" : what}`),
        replicas: g.replicas.slice(0, LIMITS.replicasPerCluster) as TimelineEvent["replicas"],
      });
    }
  }

  // ---- snapshots ------------------------------------------------------------------

  /** Everything a dashboard needs to draw from scratch (also `GET /api/v1/cluster`). */
  snapshot(nowMs: number, windowMs: number = this.windowMs): Snapshot {
    const last = this.lastFrame;
    let membershipVersion: number;
    let replicas: ReplicaInfo[];
    if (last === null) {
      // No frame yet: describe the membership as it is now.
      membershipVersion = this.engine.currentMembershipVersion;
      const figures = this.engine.replicaFigures(nowMs);
      replicas = figures.map((f) => {
        const info = this.memberInfo(f.id);
        return this.replicaInfo(info, f.status, f.configVersion ?? 0);
      });
    } else {
      membershipVersion = last.membershipVersion;
      replicas = this.frameMembers.map((info, i) => this.replicaInfo(info, last.columns.status[i] ?? 0, last.columns.configVersion[i] ?? 0));
    }
    // A late joiner gets up to a minute of per-replica history, fewer frames for large
    // clusters so that a snapshot stays a few MB (≈ SNAPSHOT_CELLS replica-frames).
    const keep = Math.max(MIN_SNAPSHOT_FRAMES, Math.floor(SNAPSHOT_CELLS / Math.max(1, replicas.length)));
    const frames = this.recentFrames.toArray().slice(-keep).map((f) => (windowMs === this.windowMs ? f : { ...f, kpis: this.kpisForWindow(f, windowMs, f.timeMs) }));
    return {
      type: "snapshot",
      timeMs: nowMs,
      windowMs,
      run: this.runInfo(),
      config: this.configValue,
      membershipVersion,
      replicas,
      frames,
      history: this.history.toArray(),
      samples: this.recentSamples.toArray(),
      events: this.timeline.toArray(),
    };
  }

  private replicaInfo(info: MemberInfo, status: number, configVersion: number): ReplicaInfo {
    return {
      id: info.id as ReplicaInfo["id"],
      agentId: info.agentId as ReplicaInfo["agentId"],
      node: info.node,
      crdtType: info.crdtType,
      status: REPLICA_STATUSES[status] ?? "live",
      configVersion,
    };
  }

  /** Errors for messages that arrive before the socket said hello. */
  static helloFirst(what: string): ErrorMessage {
    return protocolError("BAD_REQUEST", `${what} before hello: send hello first`, { ref: what });
  }
}

/** Whether a session lookup failed (the registry answers an error message instead). */
export function isError(value: AgentSession | ErrorMessage): value is ErrorMessage {
  return "type" in value && value.type === "error";
}

function convergenceFields(c: ConvergenceStats) {
  const r = (v: number | null) => (v === null ? null : round2(v));
  return {
    convergenceP50Ms: r(c.p50),
    convergenceP95Ms: r(c.p95),
    convergenceP99Ms: r(c.p99),
    convergenceMaxMs: r(c.max),
    convergenceSamples: c.count,
  };
}

function clip(text: string, max: number = LIMITS.stringLength): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Name of a run started without one: "session 2025-01-31 14:05:09". */
export function defaultRunName(nowMs: number): string {
  return `session ${new Date(nowMs).toISOString().slice(0, 19).replace("T", " ")}`;
}
