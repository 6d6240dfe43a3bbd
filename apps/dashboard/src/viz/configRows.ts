// A cluster config as rows of words, for the replay's read-only sidebar: what was in force,
// in the same terms and units as the controls use.

import type { ClusterConfig } from "@driftscope/protocol";
import { formatDurationMs } from "./format.js";

/** One row: a stable key (test ids), the control's label, the value in words. */
export interface ConfigRow {
  key: string;
  section: "gossip" | "workload" | "network" | "faults";
  label: string;
  value: string;
}

const PAYLOAD: Record<string, string> = { full: "full state", delta: "delta", digest: "digest-driven" };

/** Replica ids of a group: listed when few, counted when many. */
function groupText(ids: readonly string[]): string {
  return ids.length <= 4 ? ids.join(", ") : `${ids.length} replicas`;
}

/** The config's values as the sidebar lists them. */
export function configRows(c: ClusterConfig): ConfigRow[] {
  const n = c.network;
  const percent = (share: number) => `${Math.round(share * 1000) / 10} %`;
  return [
    { key: "interval", section: "gossip", label: "Sync interval", value: formatDurationMs(c.gossip.intervalMs) },
    { key: "fanout", section: "gossip", label: "Fanout", value: `${c.gossip.fanout} peer${c.gossip.fanout === 1 ? "" : "s"}` },
    { key: "mode", section: "gossip", label: "Mode", value: c.gossip.mode },
    { key: "payload", section: "gossip", label: "Payload", value: PAYLOAD[c.gossip.payload] ?? c.gossip.payload },
    { key: "updates", section: "workload", label: "Updates per replica", value: `${c.workload.updatesPerSecPerReplica} updates/s` },
    { key: "crdt", section: "workload", label: "CRDT", value: c.workload.crdtType },
    { key: "latency", section: "network", label: "Latency", value: `${formatDurationMs(n.latencyMs)}${n.jitterMs > 0 ? ` ± ${formatDurationMs(n.jitterMs)}` : ""}` },
    { key: "loss", section: "network", label: "Message loss", value: percent(n.lossRate) },
    {
      key: "partitions",
      section: "faults",
      label: "Partition",
      value: n.partitions.length === 0 ? "none" : `${n.partitions.length} group${n.partitions.length === 1 ? "" : "s"}: ${n.partitions.map(groupText).join(" | ")} (the rest together)`,
    },
    { key: "cuts", section: "faults", label: "One-way cuts", value: n.cuts.length === 0 ? "none" : n.cuts.map((x) => `${x.from} → ${x.to}`).join(", ") },
    { key: "crashed", section: "faults", label: "Crashed", value: n.crashed.length === 0 ? "none" : groupText(n.crashed) },
  ];
}
