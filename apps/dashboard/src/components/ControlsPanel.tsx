import { CONFIG_LIMITS } from "@driftscope/protocol";
import { useSectionCoverage } from "../hooks/useSectionCoverage.js";
import { useDashboard } from "../store/store.js";
import { formatDurationMs } from "../viz/format.js";
import type { SliderScale } from "../viz/scales.js";
import { blockedReason } from "../viz/sections.js";
import { ChoiceField } from "./ChoiceField.js";
import { CutsEditor } from "./CutsEditor.js";
import { DisabledReason } from "./DisabledReason.js";
import { OwnGossipNote } from "./OwnGossipNote.js";
import { PartitionEditor } from "./PartitionEditor.js";
import { SectionCoverageNote } from "./SectionCoverageNote.js";
import { SliderField } from "./SliderField.js";
import { TunerPanel } from "./TunerPanel.js";

// The sliders span the protocol's ranges (CONFIG_LIMITS), the same the boxes accept.
const INTERVAL: SliderScale = { kind: "log", min: CONFIG_LIMITS["gossip.intervalMs"].min, max: CONFIG_LIMITS["gossip.intervalMs"].max };
const LATENCY: SliderScale = { kind: "log0", min: 1, max: CONFIG_LIMITS["network.latencyMs"].max };
const JITTER: SliderScale = { kind: "log0", min: 1, max: CONFIG_LIMITS["network.jitterMs"].max };
const UPDATES: SliderScale = { kind: "log0", min: 0.1, max: CONFIG_LIMITS["workload.updatesPerSecPerReplica"].max };

/**
 * The knobs that retune the running cluster; each applies at once (debounced). A section no
 * live replica applies (its nodes did not declare it) is disabled, with the reason on hover.
 */
export function ControlsPanel() {
  const replay = useDashboard((s) => s.view === "replay");
  const n = useDashboard((s) => s.live.latestKpis?.live ?? s.live.order.length);
  const coverage = useSectionCoverage();
  const why = { gossip: blockedReason(coverage.gossip), workload: blockedReason(coverage.workload), network: blockedReason(coverage.network) };
  const disabled = replay;
  const maxFanout = Math.max(2, Math.min(64, n - 1));
  return (
    <aside className="sidebar" aria-label="Cluster controls">
      {replay && <div className="note" style={{ marginBottom: 10 }}>Viewing a recording: controls act on the live cluster and are disabled here.</div>}
      <div className="section" data-testid="section-gossip">
        <h2>Gossip</h2>
        <SectionCoverageNote coverage={coverage.gossip} />
        <DisabledReason reason={why.gossip} testId="gossip-disabled">
        <SliderField testId="interval" label="Sync interval" field="gossip.intervalMs" scale={INTERVAL} unit="ms" format={formatDurationMs} fallback={1000} disabled={disabled || !!why.gossip} hint="Log scale, 10 ms – 1 min" />
        <SliderField testId="fanout" label="Fanout" field="gossip.fanout" scale={{ kind: "linear", min: 1, max: maxFanout, step: 1 }} unit="peers" format={(v) => `${v} peers`} fallback={2} disabled={disabled || !!why.gossip} />
        <ChoiceField
          testId="mode"
          label="Mode"
          field="gossip.mode"
          disabled={disabled || !!why.gossip}
          options={[
            { value: "push", label: "push" },
            { value: "pull", label: "pull" },
            { value: "push-pull", label: "push-pull" },
          ]}
        />
        <ChoiceField
          testId="payload"
          label="Payload"
          field="gossip.payload"
          disabled={disabled || !!why.gossip}
          options={[
            { value: "full", label: "full state" },
            { value: "delta", label: "delta" },
            { value: "digest", label: "digest-driven", title: "Exchange digests first, then only what is missing" },
          ]}
        />
        </DisabledReason>
        <OwnGossipNote />
        <TunerPanel disabled={disabled || !!why.gossip} />
      </div>
      <div className="section" data-testid="section-workload">
        <h2>Workload</h2>
        <SectionCoverageNote coverage={coverage.workload} />
        <DisabledReason reason={why.workload} testId="workload-disabled">
          <SliderField testId="updates" label="Updates per replica" field="workload.updatesPerSecPerReplica" scale={UPDATES} unit="/s" format={(v) => `${v} updates/s`} fallback={1} disabled={disabled || !!why.workload} />
        </DisabledReason>
      </div>
      <div className="section" data-testid="section-network">
        <h2>Network</h2>
        <SectionCoverageNote coverage={coverage.network} />
        <DisabledReason reason={why.network} testId="network-disabled">
        <SliderField testId="latency" label="Latency" field="network.latencyMs" scale={LATENCY} unit="ms" format={formatDurationMs} fallback={0} disabled={disabled || !!why.network} />
        <SliderField testId="jitter" label="Jitter" field="network.jitterMs" scale={JITTER} unit="ms" format={formatDurationMs} fallback={0} disabled={disabled || !!why.network} />
        <SliderField
          testId="loss"
          label="Message loss"
          field="network.lossRate"
          scale={{ kind: "linear", min: 0, max: 100, step: 0.5 }}
          toDisplay={(v) => Math.round(v * 1000) / 10}
          fromDisplay={(v) => Math.round(v * 10) / 1000}
          unit="%"
          format={(v) => `${v} %`}
          fallback={0}
          disabled={disabled || !!why.network}
        />
        </DisabledReason>
      </div>
      <div className="section" data-testid="section-faults">
        <h2>Faults</h2>
        <DisabledReason reason={why.network} testId="faults-disabled">
          <PartitionEditor disabled={disabled} notInForce={why.network} />
          <CutsEditor disabled={disabled} notInForce={why.network} />
        </DisabledReason>
        <div className="note">Crash or restore a replica from the Replicas table.</div>
      </div>
    </aside>
  );
}
