// The auto-tuner on the live cluster (DESIGN §4): once a second, after a frame is built,
// the pure controller is fed the frame's figures; a change it asks for goes through the
// ordinary versioned config path, labelled "the tuner: …". A person (or an experiment)
// changing the interval or fanout pauses it, and says so; resuming is one request.
import type { ClusterConfig, ConfigPatchResult, Frame, TunerRequest, TunerState, TunerTargetSettings } from "@driftscope/protocol";
import { TunerController } from "./TunerController.js";
import type { TunerDecision, TunerFigures } from "./types.js";

/** What the runner needs of the collector. */
export interface TunedCluster {
  config(): ClusterConfig;
  changeConfig(patch: object, source: string): ConfigPatchResult;
}

/** Source label of the tuner's own changes (on the timeline: "by the tuner: …"). */
export const TUNER_SOURCE = "the tuner";
const CALL_EVERY_MS = 1000;

export class TunerRunner {
  private controller: TunerController | null = null;
  private target: TunerTargetSettings | null = null;
  private enabled = false;
  private pausedWhy: string | null = null;
  private last: TunerDecision | null = null;
  private lastCallMs = -Infinity;
  private changing = false;
  private lastChange: TunerState["lastChange"] = null;

  constructor(private readonly cluster: TunedCluster) {}

  /** Switches it on (with a target, or resuming the last one), or off. */
  set(request: TunerRequest): { ok: true; state: TunerState } | { ok: false; reason: string; path: string } {
    if (!request.enabled) {
      this.enabled = false;
      this.pausedWhy = null;
      return { ok: true, state: this.state() };
    }
    const target = request.target ?? this.target;
    if (target === null) return { ok: false, path: "target", reason: "the first time it is switched on, the tuner needs a target" };
    if (request.target !== undefined || this.controller === null) {
      this.target = target;
      this.controller = new TunerController({ ...target });
      this.last = null;
    }
    this.enabled = true;
    this.pausedWhy = null;
    this.lastCallMs = -Infinity;
    return { ok: true, state: this.state() };
  }

  state(): TunerState {
    const base = { enabled: this.enabled, paused: this.pausedWhy, target: this.target, lastChange: this.lastChange };
    if (!this.enabled) return { ...base, state: "off", why: null, reason: "off" };
    if (this.pausedWhy !== null) return { ...base, state: "paused", why: null, reason: this.pausedWhy };
    const d = this.last;
    if (d === null) return { ...base, state: "adjusting", why: null, reason: "waiting for its first figures" };
    return { ...base, state: d.state, why: d.state === "cannot-meet" ? d.why : null, reason: d.reason };
  }

  /** Whether frames should carry its state. */
  get visible(): boolean {
    return this.enabled;
  }

  /** A config change was applied: one touching the interval or fanout that is not its own pauses it. */
  configChanged(config: ClusterConfig, changed: readonly string[], source: string): void {
    if (!this.enabled || this.pausedWhy !== null || this.changing) return;
    const touched = changed.filter((f) => f === "gossip.intervalMs" || f === "gossip.fanout");
    if (touched.length === 0) return;
    this.pausedWhy = `paused: ${source} changed ${touched.join(" and ")} (v${config.version}); resume to let the tuner retune`;
  }

  /** After each frame: at most once a second, the controller decides; its change is applied. */
  frame(frame: Frame): void {
    if (!this.enabled || this.pausedWhy !== null || this.controller === null) return;
    if (frame.timeMs - this.lastCallMs < CALL_EVERY_MS) return;
    this.lastCallMs = frame.timeMs;
    const decision = this.controller.decide(figuresOf(frame, this.cluster.config()));
    this.last = decision;
    const change = decision.change;
    if (change === null) return;
    this.changing = true;
    try {
      const result = this.cluster.changeConfig({ gossip: { intervalMs: change.intervalMs, fanout: change.fanout } }, `${TUNER_SOURCE}: ${change.reason}`);
      if (result.ok) this.lastChange = { timeMs: frame.timeMs, version: result.config.version, reason: change.reason };
    } finally {
      this.changing = false;
    }
  }
}

/** The controller's input from a frame and the config in force. */
export function figuresOf(frame: Frame, config: ClusterConfig): TunerFigures {
  const k = frame.kpis;
  const live = Math.max(1, k.live);
  return {
    nowMs: frame.timeMs,
    p95Ms: k.convergenceP95Ms,
    p95AtLeast: k.convergenceAtLeast.p95,
    samples: k.convergenceSamples,
    inFlight: k.inFlight,
    oldestInFlightMs: k.oldestInFlightMs,
    updatesPerSecPerReplica: k.updatesPerSec / live,
    bytesPerSecPerReplica: k.bytesPerSec / live,
    live: k.live,
    unreachable: k.unreachable,
    config: { intervalMs: config.gossip.intervalMs, fanout: config.gossip.fanout, mode: config.gossip.mode, version: k.configVersion, acked: k.live > 0 && k.ackedReplicas === k.live },
    network: { latencyMs: config.network.latencyMs, jitterMs: config.network.jitterMs, lossRate: config.network.lossRate },
  };
}
