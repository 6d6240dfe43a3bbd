// Packing one tick's replica digests into as few `report` messages as the protocol
// limits allow (usually one): socket.io moves batched messages ~4× faster than single
// ones, and the collector processes a report in one pass.
import { LIMITS, type Report, type ReplicaReport, type SyncEvent } from "@driftscope/protocol";

/** A report waiting in the buffer, with the events it carries (counted if it is dropped). */
export interface PendingReport {
  report: Report;
  events: number;
  /** Estimated JSON size, for the buffer's memory cap. */
  bytes: number;
}

/** Limits a report must respect (the protocol's; smaller in tests). */
export interface ReportLimits {
  replicasPerReport: number;
  entriesPerReport: number;
  eventsPerReport: number;
  /**
   * Estimated JSON bytes per report (optional; a replica entry is never split, so one larger
   * than this goes alone).
   */
  bytesPerReport?: number;
}

/**
 * The protocol's limits, and reports of at most about 64 KB: a 256-replica tick is about
 * 230 KB of JSON, and as one string it is allocated outside the young generation, where only
 * the host's full garbage collections (which mark its whole heap) reclaim it; the collector,
 * too, parses and checks a smaller message in one short step. A tick is split by size into
 * at most MAX_SIZE_SPLITS reports, though (larger ones for a larger tick): a collector takes
 * 200 messages a second per connection by default.
 */
export const PROTOCOL_REPORT_LIMITS: ReportLimits = {
  replicasPerReport: LIMITS.replicasPerAgent,
  entriesPerReport: LIMITS.entriesPerReport,
  eventsPerReport: LIMITS.eventsPerReport,
  bytesPerReport: 64 * 1024,
};

/** Rough JSON size of a replica entry: enough to keep the buffer's cap honest without serialising. */
export function estimateReplicaBytes(r: ReplicaReport): number {
  return 200 + (r.summary === undefined ? 0 : 60 + r.summary.length) + r.replica.length + 24 * r.vv.length + 28 * (r.included?.length ?? 0) + 24 * (r.issued?.length ?? 0);
}

/** Reports a tick is split into by size at most (the entry and replica limits may split it further). */
const MAX_SIZE_SPLITS = 8;

function entriesOf(r: ReplicaReport): number {
  return r.vv.length + (r.issued?.length ?? 0) + (r.included?.length ?? 0);
}

/**
 * Splits the digests of one tick into reports within `limits`. `next` gives each report's
 * envelope (type, agentId, seq, timeMs…). Sync events ride on the first report. Always
 * returns at least one report, so that an idle agent still says it is alive.
 */
export function packReports(
  digests: ReadonlyArray<{ report: ReplicaReport; events: number }>,
  syncEvents: SyncEvent[],
  next: () => Omit<Report, "replicas" | "events">,
  limits: ReportLimits = PROTOCOL_REPORT_LIMITS,
): PendingReport[] {
  const out: PendingReport[] = [];
  const sizes = digests.map((d) => estimateReplicaBytes(d.report));
  const total = sizes.reduce((a, b) => a + b, 0);
  const maxBytes = limits.bytesPerReport === undefined ? Infinity : Math.max(limits.bytesPerReport, Math.ceil(total / MAX_SIZE_SPLITS));
  let replicas: ReplicaReport[] = [];
  let entries = 0;
  let events = 0;
  let bytes = 0;
  const flush = () => {
    const report: Report = { ...next(), replicas };
    if (out.length === 0 && syncEvents.length > 0) {
      report.events = syncEvents.slice(0, limits.eventsPerReport);
      bytes += 110 * report.events.length;
    }
    out.push({ report, events, bytes: bytes + 160 });
    replicas = [];
    entries = 0;
    events = 0;
    bytes = 0;
  };
  for (let i = 0; i < digests.length; i++) {
    const d = digests[i]!;
    const n = entriesOf(d.report);
    const size = sizes[i]!;
    const full = replicas.length >= limits.replicasPerReport || entries + n > limits.entriesPerReport || bytes + size > maxBytes;
    if (replicas.length > 0 && full) flush();
    replicas.push(d.report);
    entries += n;
    events += d.events;
    bytes += size;
  }
  if (replicas.length > 0 || out.length === 0) flush();
  return out;
}
