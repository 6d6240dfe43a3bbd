// One point of an experiment in virtual time (DESIGN §4): a fresh cluster with the point's
// settings and workload, warmed up, then measured. Returns ground truth, not figures:
// every measured update's convergence time (issue to inclusion by the last replica), the
// ages of those still in flight at the end, traffic, and time-averaged divergence, so the
// collector computes the figures with the same code as for a live cluster. Deterministic
// per seed.
import type { CrdtTypeName } from "@driftscope/crdt";
import { Cluster } from "../cluster/Cluster.js";
import type { GossipConfig } from "../config.js";
import type { VirtualScheduler } from "../time/VirtualScheduler.js";
import { relativeHalfWidth } from "../theory/medianConfidence.js";
import { originCount, originIndex } from "../wire/origins.js";
import { VisibilityCurve } from "./delayHistogram.js";
import { UpdateTruths } from "./updateTruths.js";

/** When a point's measurement ends. */
export type PointStop = { durationMs: number } | { minConverged: number; maxRelativeHalfWidth: number; capMs: number };

/** One point to simulate. */
export interface PointSpec {
  replicas: number;
  crdtType: CrdtTypeName;
  gossip: GossipConfig;
  updatesPerSecPerReplica: number;
  network: { latencyMs: number; jitterMs: number; lossRate: number };
  warmupMs: number;
  stop: PointStop;
  seed: number;
}

/** What happened during the measurement, from the simulation's own state. */
export interface PointObservation {
  measuredMs: number;
  updatesIssued: number;
  /** Convergence times (ms) of the updates issued during the measurement that reached every replica, ascending. */
  convergedMs: number[];
  /** Ages at the end (ms) of the updates issued during the measurement that had not, ascending. */
  inFlightAgesMs: number[];
  messagesSent: number;
  bytesSent: number;
  /** Dot inclusions at replicas other than the origin. */
  deliveries: number;
  /** Time averages (sampled every SAMPLE_MS) of updates in flight and of missing updates per replica. */
  meanInFlight: number;
  meanMissingUpdates: number;
  /** Share of replicas holding an update as a function of its age: `[ageMs, share]`, averaged over the updates observed that long. */
  visibility: Array<[number, number]>;
}

const SAMPLE_MS = 100;
const CHUNK_MS = 1000;

export function simulatePoint(spec: PointSpec): PointObservation {
  const ids = Array.from({ length: spec.replicas }, (_, i) => `r${i}`);
  const cluster = new Cluster({
    type: spec.crdtType,
    replicas: ids,
    seed: spec.seed,
    time: "virtual",
    config: spec.gossip,
    network: spec.network,
    workload: { updatesPerSecPerReplica: spec.updatesPerSecPerReplica },
  });
  const scheduler = cluster.scheduler as VirtualScheduler;
  const n = spec.replicas;
  const start = spec.warmupMs;
  const truths = new UpdateTruths(n);
  const visibility = new VisibilityCurve(n);
  let updates = 0;
  cluster.events.on("update", (e) => {
    if (e.atMs < start) return;
    updates++;
    truths.issued(originIndex(e.dot.replica), e.dot.seq, visibility.issued(e.atMs));
  });
  for (const r of cluster.replicas()) r.observeInclusions(truths);
  scheduler.runUntil(start);
  const before = traffic(cluster);
  let inFlightSum = 0;
  let missingSum = 0;
  let samples = 0;
  const sampleDivergence = () => {
    const { inFlight, missing } = divergence(cluster);
    inFlightSum += inFlight;
    missingSum += missing / n;
    samples++;
  };
  const cap = "durationMs" in spec.stop ? spec.stop.durationMs : spec.stop.capMs;
  let t = start;
  while (t < start + cap) {
    const chunkEnd = Math.min(start + cap, t + CHUNK_MS);
    for (let s = t + SAMPLE_MS; s <= chunkEnd; s += SAMPLE_MS) {
      scheduler.runUntil(s);
      sampleDivergence();
    }
    scheduler.runUntil(chunkEnd);
    t = chunkEnd;
    if ("minConverged" in spec.stop && truths.converged.length >= spec.stop.minConverged) {
      const sorted = [...truths.converged].sort((a, b) => a - b);
      if (relativeHalfWidth(sorted) <= spec.stop.maxRelativeHalfWidth) break;
    }
  }
  const after = traffic(cluster);
  const end = scheduler.now();
  const inFlightAgesMs = truths.inFlightAges(end).sort((a, b) => a - b);
  void cluster.close();
  return {
    measuredMs: end - start,
    updatesIssued: updates,
    convergedMs: truths.converged.sort((a, b) => a - b),
    inFlightAgesMs,
    messagesSent: after.messages - before.messages,
    bytesSent: after.bytes - before.bytes,
    deliveries: truths.deliveries,
    meanInFlight: samples > 0 ? inFlightSum / samples : 0,
    meanMissingUpdates: samples > 0 ? missingSum / samples : 0,
    visibility: visibility.curve(end),
  };
}

function traffic(cluster: Cluster): { messages: number; bytes: number } {
  let messages = 0;
  let bytes = 0;
  for (const r of cluster.replicas()) {
    const t = r.traffic();
    messages += t.sentMessages;
    bytes += t.sentBytes;
  }
  return { messages, bytes };
}

/**
 * Updates in flight (Σ_r F[r] − min_i VV_i[r]) and missing updates summed over replicas, from
 * the replicas' vectors, read entry by entry by origin number (origins no replica holds add 0).
 */
function divergence(cluster: Cluster): { inFlight: number; missing: number } {
  const replicas = cluster.replicas();
  let missing = 0;
  let inFlight = 0;
  for (let o = originCount() - 1; o >= 0; o--) {
    let frontier = 0;
    let floor = Infinity;
    let sum = 0;
    for (const r of replicas) {
      const s = r.versionVectorEntryOf(o);
      if (s > frontier) frontier = s;
      if (s < floor) floor = s;
      sum += s;
    }
    if (frontier === 0) continue;
    missing += frontier * replicas.length - sum;
    inFlight += frontier - floor;
  }
  return { inFlight, missing };
}
