// Where a built frame goes besides the dashboards: Prometheus gauges and counters, the
// recording (samples always, one frame a second), and the member list frames describe.
import { sectionsOf, type Frame } from "@driftscope/protocol";
import type { AgentRegistry } from "../ingest/AgentRegistry.js";
import type { MetricsEngine } from "../metrics/MetricsEngine.js";
import type { ConvergenceSample } from "../metrics/types.js";
import type { CollectorMetrics } from "../prometheus.js";
import type { Recorder } from "../recordings/Recorder.js";
import type { FrameHistory, MemberInfo } from "./FrameHistory.js";

export class FramePublisher {
  private lostReported = 0;

  constructor(
    private readonly engine: MetricsEngine,
    private readonly frames: FrameHistory,
    private readonly metrics: CollectorMetrics,
    private readonly recorder: Recorder | null,
  ) {}

  /** Records `frame` (its samples always, its figures once a second) and updates `/metrics`. */
  record(frame: Frame, samples: readonly ConvergenceSample[]): void {
    const metrics = this.metrics;
    for (const s of samples) metrics.convergence.observe(s.convergenceMs / 1000);
    this.recorder?.addSamples(samples);
    metrics.framesSent.inc();
    const lostEver = this.engine.lostUpdatesEver;
    metrics.lostUpdates.inc(lostEver - this.lostReported);
    this.lostReported = lostEver;
    const replicaIds = this.engine.replicaIds();
    metrics.update({ replicaIds, missingUpdates: frame.columns.missingUpdates, stalenessMs: frame.columns.stalenessMs, status: frame.columns.status }, frame.kpis);
    if (this.frames.historyPoint(frame)) this.recorder?.addFrame(frame.timeMs, frame.kpis, { replicaIds, columns: frame.columns });
  }
}

/** Who replica `id` is, as frames and snapshots list it. */
export function memberInfo(engine: MetricsEngine, agents: AgentRegistry, id: string): MemberInfo {
  const rep = engine.replica(id);
  const owner = agents.ownerOf(id);
  return {
    id,
    agentId: rep?.agent.id ?? "unknown",
    node: owner?.node ?? "",
    crdtType: rep?.crdtType ?? "unknown",
    incarnation: rep?.incarnation ?? 0,
    dotReuse: rep?.dotReuse,
    applies: sectionsOf(owner?.capabilities),
    gossip: owner?.gossip,
  };
}
