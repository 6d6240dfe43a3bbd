// Translates a validated protocol report into the metrics engine's input: one digest
// per replica (issue and inclusion times of traced dots travel inside it), plus the
// gossip exchanges seen in the optional sync events.
import type { Report } from "@driftscope/protocol";
import type { ReplicaDigestInput } from "../metrics/types.js";

export interface ReportDigests {
  digests: ReplicaDigestInput[];
  /** `[from, to]` replica ids of gossip messages sent. */
  exchanges: Array<[string, string]>;
  /** Version-vector entries in the report. */
  entries: number;
  /** Telemetry events the agent reported dropping. */
  droppedEvents: number;
}

export function toDigests(report: Report): ReportDigests {
  let entries = 0;
  const digests = report.replicas.map((r): ReplicaDigestInput => {
    entries += r.vv.length;
    const d: ReplicaDigestInput = {
      replica: r.replica,
      full: r.full === true,
      vv: r.vv,
      hash: r.hash,
      bytes: r.bytes,
      summary: r.summary,
      seq: r.seq,
      sync: r.sync,
    };
    if (r.issued !== undefined) d.issued = r.issued;
    if (r.included !== undefined) d.included = r.included;
    if (r.configVersion !== undefined) d.configVersion = r.configVersion;
    if (r.status !== undefined) d.status = r.status;
    return d;
  });
  const exchanges: Array<[string, string]> = [];
  for (const e of report.events ?? []) if (e.dir === "sent") exchanges.push([e.replica, e.peer]);
  return { digests, exchanges, entries, droppedEvents: report.dropped?.events ?? 0 };
}
