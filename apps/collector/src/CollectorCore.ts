// The collector's state and rules, without sockets or HTTP: agents' messages in, frames
// and snapshots out, the config and the run timeline. A façade over
//   core/AgentIngest         hello, report, config-ack, bye (checked before they change anything),
//   metrics/MetricsEngine    the figures of DESIGN §3,
//   core/Timeline            what happened, coalesced,
//   core/TracingController   the tracing stride k,
//   core/FrameHistory        what a late-joining dashboard is sent.
import {
  applyConfigPatch,
  LIMITS,
  protocolError,
  type Bye,
  type ClusterConfig,
  type ConfigAck,
  type ConfigPatch,
  type ConfigPatchResult,
  type ConvergenceSample,
  type ErrorMessage,
  type Frame,
  type Hello,
  type Kpis,
  type Report,
  type RunInfo,
  type Snapshot,
  type TimelineEvent,
  type Visibility,
  type Welcome,
} from "@driftscope/protocol";
import { describeChange, isFaultChange } from "./control/describeChange.js";
import { AgentIngest, type Handled } from "./core/AgentIngest.js";
import { FrameHistory, replicaInfo } from "./core/FrameHistory.js";
import { FramePublisher, memberInfo } from "./core/FramePublisher.js";
import { liveClusterOf } from "./core/liveCluster.js";
import { gossipInForce } from "./core/runningGossip.js";
import { clip } from "./core/text.js";
import { Timeline } from "./core/Timeline.js";
import { TracingController } from "./core/TracingController.js";
import { convergenceFields, round2, wireColumns, wireKpis } from "./core/wireFigures.js";
import type { AgentRegistry, AgentSession, Transport } from "./ingest/AgentRegistry.js";
import { Experiments } from "./experiments/Experiments.js";
import { MetricsEngine, type MetricsEngineOptions } from "./metrics/MetricsEngine.js";
import { TheoryCache } from "./metrics/theoryFor.js";
import { VisibilityModelCache } from "./metrics/visibilityModel.js";
import { TunerRunner } from "./tuner/TunerRunner.js";
import type { CollectorMetrics } from "./prometheus.js";
import { ExperimentTable } from "./recordings/ExperimentTable.js";
import type { Recorder } from "./recordings/Recorder.js";

export { isError, type Handled } from "./core/AgentIngest.js";

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
  /** Budget of traced-dot entries per second across the cluster (the tracing controller's); 0: off. Default 20,000. */
  tracedEntriesPerSec?: number;
  /** Most distinct ids (replicas and origins) tracked. Default 2 × LIMITS.replicasPerCluster. */
  maxTrackedIds?: number;
  /** Called when an agent should send whole version vectors (undefined: all its replicas). */
  requestFull?: (session: AgentSession, replicas: string[] | undefined) => void;
}

export class CollectorCore {
  readonly engine: MetricsEngine;
  readonly agents: AgentRegistry;
  /** Sweeps of configs (DESIGN §4), kept in the recording file when there is one. */
  readonly experiments: Experiments;
  /** The auto-tuner (DESIGN §4): off until a person switches it on. */
  readonly tuner: TunerRunner;
  private readonly ingest: AgentIngest;
  private readonly timeline: Timeline;
  private readonly tracing: TracingController;
  private readonly frames: FrameHistory;
  private readonly publisher: FramePublisher;
  private configValue: ClusterConfig;
  private readonly windowMs: number;
  private frameSeq = 0;
  private liveSetChangedAtMs = -Infinity;
  private readonly frameListeners = new Set<(frame: Frame) => void>();
  private readonly theory = new TheoryCache();
  private readonly visibilityModels = new VisibilityModelCache();
  private visibilitySentAtMs = -Infinity;

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
    this.timeline = new Timeline((e) => this.options.recorder?.addEvent(e));
    this.ingest = new AgentIngest({
      engine: this.engine,
      timeline: this.timeline,
      metrics: options.metrics,
      reportIntervalMs: options.reportIntervalMs,
      maxTrackedIds: options.maxTrackedIds ?? 2 * LIMITS.replicasPerCluster,
      config: () => this.configValue,
      runId: () => this.runInfo()?.id ?? null,
      ...(options.requestFull ? { requestFull: options.requestFull } : {}),
    });
    this.agents = this.ingest.registry;
    this.tracing = new TracingController({ budgetPerSec: options.tracedEntriesPerSec ?? 20_000 });
    this.frames = new FrameHistory(options.snapshotFrames ?? LIMITS.snapshotFrames);
    this.publisher = new FramePublisher(this.engine, this.frames, options.metrics, options.recorder);
    this.experiments = new Experiments({
      config: () => this.configValue,
      now: () => Date.now(),
      ...(options.recorder ? { store: new ExperimentTable(options.recorder.store.db) } : {}),
      live: liveClusterOf(this),
    });
    this.tuner = new TunerRunner({ config: () => this.configValue, changeConfig: (patch, source) => this.changeConfig(patch, Date.now(), source) });
  }

  get config(): ClusterConfig {
    return this.configValue;
  }

  /** Agents' report handling (ReportQueue folds through it; its load says what was shed). */
  get agentIngest(): AgentIngest {
    return this.ingest;
  }

  get defaultWindowMs(): number {
    return this.windowMs;
  }

  /** The run being recorded, in wire form (null when not recording). */
  runInfo(): RunInfo | null {
    const run = this.options.recorder?.current ?? null;
    return run === null ? null : { id: run.id as RunInfo["id"], name: run.name, startedAtMs: run.startedAtMs, endedAtMs: run.endedAtMs };
  }

  // ---- agents (core/AgentIngest) ---------------------------------------------------

  hello(hello: Hello, transport: Transport, connectionId: string | null, nowMs: number): Handled<{ welcome: Welcome; superseded: string | null }> {
    return this.ingest.hello(hello, transport, connectionId, nowMs);
  }

  report(report: Report, transport: Transport, nowMs: number, connectionId: string | null = null, firstSeq = report.seq): Handled<undefined> {
    return this.ingest.report(report, transport, nowMs, connectionId, firstSeq);
  }

  configAck(ack: ConfigAck, transport: Transport, nowMs: number, connectionId: string | null = null): Handled<undefined> {
    return this.ingest.configAck(ack, transport, nowMs, connectionId);
  }

  bye(bye: Bye, transport: Transport, nowMs: number, connectionId: string | null = null): Handled<undefined> {
    return this.ingest.bye(bye, transport, nowMs, connectionId);
  }

  /** A socket closed without bye: its replicas turn unreachable by the liveness rule. */
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
    // Percentiles describe the gossip and workload that run; a fault (or its healing) is part of the story.
    if (result.changed.some((f) => f.startsWith("gossip") || f.startsWith("workload"))) this.engine.startConfigEpoch(nowMs);
    const { expectedVersion: _unused, ...applied } = patch as ConfigPatch;
    this.options.recorder?.addConfig(result.config, applied, nowMs);
    this.timeline.add({
      timeMs: nowMs,
      kind: isFaultChange(result.changed) ? "fault" : "config",
      version: result.config.version,
      summary: describeChange(before, result.config, result.changed),
      patch: applied,
      detail: clip(`by ${source}`, LIMITS.messageLength),
    });
    this.options.metrics.configChanges.inc();
    this.options.pushConfig?.(result.config);
    this.tuner.configChanged(result.config, result.changed, source);
    return result;
  }

  /**
   * Starts a new run (closing the current one) or stops recording. `patch`, with a start,
   * is applied between the two runs, so the change belongs to the new run only; an invalid
   * patch refuses the whole action and changes nothing.
   */
  runControl(action: "start" | "stop", name: string | undefined, nowMs: number, patch?: unknown): { ok: true; run: RunInfo | null } | { ok: false; error: ErrorMessage } {
    const recorder = this.options.recorder;
    if (action === "start" && patch !== undefined) {
      const check = applyConfigPatch(this.configValue, patch);
      if (!check.ok) return check;
    }
    if (recorder === null) return { ok: true, run: null };
    const current = this.runInfo();
    if (current !== null) {
      this.timeline.add({ timeMs: nowMs, kind: "run", summary: clip(`run ${current.name} stopped`) });
      recorder.stop(nowMs, this.engine.inFlightAges(nowMs));
    }
    if (action === "stop") return { ok: true, run: null };
    if (patch !== undefined) this.changeConfig(patch, nowMs, `the start of run ${name ?? defaultRunName(nowMs)}`);
    const run = recorder.start(name ?? defaultRunName(nowMs), nowMs, this.configValue);
    this.engine.resetRunStats();
    this.engine.startConfigEpoch(nowMs); // the new run's percentiles are its own config's
    this.timeline.add({ timeMs: nowMs, kind: "run", summary: clip(`run ${run.name} started`), version: this.configValue.version });
    return { ok: true, run: this.runInfo() };
  }

  /** Calls `listener` with every frame, after it is built and recorded; returns the function that stops it. */
  onFrame(listener: (frame: Frame) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  /** Adds an entry to the timeline (recorded, and sent with the next frame). */
  addEvent(event: TimelineEvent): void {
    this.timeline.add(event);
  }

  // ---- the clock ------------------------------------------------------------------

  /**
   * Advances the collector to `nowMs` (10 Hz): the engine's liveness rule and rates, the
   * frame built from that state and recorded, then the tracing controller, whose change
   * (an ordinary config change) reaches the next frame.
   */
  tick(nowMs: number): Frame {
    const ef = this.engine.frame(nowMs);
    const transitions = this.engine.drainTransitions();
    const departures = this.engine.drainDepartures();
    if (transitions.length > 0 || departures.length > 0) this.liveSetChangedAtMs = nowMs;
    this.timeline.addTransitions(transitions, nowMs);
    this.timeline.addDepartures(departures, nowMs);
    this.timeline.addNotices(this.engine.drainNotices());
    const columns = wireColumns(ef);
    const kpis = wireKpis(ef.kpis, ef, this.configValue.version);
    const samples = ef.samples.map((s): ConvergenceSample => [s.origin as ConvergenceSample[0], s.seq, s.issuedAtMs, round2(s.convergenceMs)]);
    const membersChanged = this.frames.membershipChanged(ef.membershipVersion);
    const frame: Frame = {
      type: "frame",
      seq: ++this.frameSeq,
      timeMs: nowMs,
      membershipVersion: ef.membershipVersion,
      ...(membersChanged ? { replicaIds: ef.replicaIds as Frame["replicaIds"] } : {}),
      columns,
      kpis,
      samples: samples.length > LIMITS.samplesPerFrame ? samples.slice(-LIMITS.samplesPerFrame) : samples,
      exchanges: this.ingest.takeExchanges(ef.replicaIds),
      theory: this.theory.for(gossipInForce(this.configValue, this.agents, this.engine.lifecycle), kpis.live),
      sampling: { traceEveryK: ef.sampling.everyK, droppedEvents: this.ingest.droppedWithin(nowMs - this.windowMs), ingest: this.ingest.load.figures(nowMs) },
      events: this.timeline.takeForFrame(nowMs),
      ...(this.tuner.visible ? { tuner: this.tuner.state() } : {}),
      ...(nowMs - this.visibilitySentAtMs >= VISIBILITY_EVERY_MS ? { visibility: this.visibility(nowMs, kpis.live) } : {}),
    };
    if (frame.visibility !== undefined) this.visibilitySentAtMs = nowMs;
    this.frames.add(frame, membersChanged ? () => ef.replicaIds.map((id) => memberInfo(this.engine, this.agents, id)) : null);
    this.publisher.record(frame, ef.samples);
    const k = this.tracing.decide({ nowMs, k: ef.sampling.everyK, deliveriesPerSec: kpis.deliveriesPerSec, updatesPerSec: kpis.updatesPerSec, unreachable: kpis.unreachable, liveSetChangedAtMs: this.liveSetChangedAtMs });
    if (k !== undefined) this.changeConfig({ telemetry: { traceEveryK: k } }, nowMs, `the collector (traced-dot budget ${this.tracing.budgetPerSec}/s; ${Math.round(kpis.deliveriesPerSec + kpis.updatesPerSec)} entries/s at k = 1)`);
    this.tuner.frame(frame);
    for (const listener of this.frameListeners) listener(frame);
    return frame;
  }

  /** KPIs of a frame with the convergence percentiles of another window (a dashboard's choice). */
  kpisForWindow(frame: Frame, windowMs: number, nowMs: number): Kpis {
    return { ...frame.kpis, ...convergenceFields(this.engine.windowConvergence(nowMs, windowMs)) };
  }

  /** The live visibility curve now, with the asynchronous model's for the gossip in force (frames carry it once a second). */
  visibility(nowMs: number, live: number = this.engine.liveReplicas): Visibility {
    const measured = this.engine.visibility(nowMs);
    return { ...measured, model: this.visibilityModels.for(gossipInForce(this.configValue, this.agents, this.engine.lifecycle), live, measured.windowMs) };
  }

  // ---- snapshots ------------------------------------------------------------------

  /** Everything a dashboard needs to draw from scratch (also `GET /api/v1/cluster`). */
  snapshot(nowMs: number, windowMs: number = this.windowMs): Snapshot {
    const last = this.frames.last;
    // Incarnations and dot reuse change without a membership change: read them now.
    const replicas =
      last === null
        ? this.engine.replicaFigures(nowMs).map((f) => replicaInfo(memberInfo(this.engine, this.agents, f.id), f.status, f.configVersion ?? 0))
        : this.frames.replicas((id) => memberInfo(this.engine, this.agents, id));
    const frames = this.frames.recentFrames(replicas.length).map((f) => (windowMs === this.windowMs ? f : { ...f, kpis: this.kpisForWindow(f, windowMs, f.timeMs) }));
    return {
      type: "snapshot",
      timeMs: nowMs,
      windowMs,
      run: this.runInfo(),
      config: this.configValue,
      membershipVersion: last === null ? this.engine.currentMembershipVersion : last.membershipVersion,
      replicas,
      frames,
      history: this.frames.history.toArray(),
      samples: this.frames.samples.toArray(),
      events: this.timeline.toArray(),
      visibility: this.visibility(nowMs),
      replicaHistory: this.frames.replicaHistory(
        replicas.map((r) => r.id),
        frames[0]?.timeMs ?? nowMs,
      ),
    };
  }

  /** Errors for messages that arrive before the socket said hello. */
  static helloFirst(what: string): ErrorMessage {
    return protocolError("BAD_REQUEST", `${what} before hello: send hello first`, { ref: what });
  }
}

/** Frames carry the visibility curve this often (its figures move slowly; 128 points each). */
const VISIBILITY_EVERY_MS = 1_000;

/** Name of a run started without one: "session 2025-01-31 14:05:09". */
export function defaultRunName(nowMs: number): string {
  return `session ${new Date(nowMs).toISOString().slice(0, 19).replace("T", " ")}`;
}
