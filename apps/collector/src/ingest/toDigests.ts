// Translates a validated protocol report into the metrics engine's input: one digest
// per replica (issue and inclusion times of traced dots travel inside it), plus the
// gossip exchanges seen in the optional sync events.
import type { Report } from "@driftscope/protocol";
import type { ReplicaDigestInput } from "../metrics/types.js";

export interface ReportDigests {
  digests: readonly ReplicaDigestInput[];
  /** `[from, to]` replica ids of gossip messages sent. */
  exchanges: Array<[string, string]>;
  /** Version-vector entries in the report. */
  entries: number;
  /** Telemetry events the agent reported dropping. */
  droppedEvents: number;
}

export function toDigests(report: Report): ReportDigests {
  // Validated replica reports already have the engine's input shape: no copy on the hot path.
  const digests: readonly ReplicaDigestInput[] = report.replicas;
  let entries = 0;
  for (const r of report.replicas) entries += r.vv.length;
  const exchanges: Array<[string, string]> = [];
  // What a replica received really crossed the network (a sent message may have been
  // dropped by a partition or loss), so received events light the topology: peer → replica.
  for (const e of report.events ?? []) if (e.dir === "received") exchanges.push([e.peer, e.replica]);
  return { digests, exchanges, entries, droppedEvents: report.dropped?.events ?? 0 };
}
