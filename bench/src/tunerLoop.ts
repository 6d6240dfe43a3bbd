// A gossip cluster in virtual time seen as the collector sees one, with the auto-tuner in the
// loop (or a fixed config). Each simulated second: ground-truth convergence times go into the
// collector's own sliding window (a new epoch at every config change, as CollectorCore starts
// one) and censored percentiles; updates in flight and the oldest's age; update and byte
// rates over the last second (the collector's rate window). A tuner change is a new config
// version at once, reaches the replicas after PUSH_MS, and is acknowledged once every replica
// has ticked with it and reported (the old interval + REPORT_MS).
import { censoredFromSorted, SlidingWindow, type TunerController, type TunerFigures } from "@driftscope/collector";
import { Cluster, type VirtualScheduler } from "@driftscope/gossip";

const PUSH_MS = 100;
const REPORT_MS = 500;
const WINDOW_CAPACITY = 100_000;

/** One step of the workload schedule. */
export interface Step {
  durationMs: number;
  updatesPerSecPerReplica: number;
}

export interface LoopSpec {
  replicas: number;
  seed: number;
  network: { latencyMs: number; jitterMs: number; lossRate: number };
  start: { intervalMs: number; fanout: number };
  schedule: readonly Step[];
  /** The percentiles' sliding window (the collector's default: 60 s). */
  windowMs: number;
  tuner?: TunerController;
}

/** What was seen at the end of one simulated second. */
export interface Second {
  atMs: number;
  step: number;
  p95Ms: number | null;
  p95AtLeast: boolean;
  intervalMs: number;
  fanout: number;
  /** Bytes sent by all replicas during this second. */
  bytes: number;
  /** The tuner changed the config at this second. */
  changed: boolean;
  state: string;
}

interface InFlight {
  issuedAt: number;
  holders: number;
}

export function runLoop(spec: LoopSpec): { seconds: Second[]; reasons: string[] } {
  const n = spec.replicas;
  const cluster = new Cluster({
    type: "gcounter",
    replicas: n,
    seed: spec.seed,
    time: "virtual",
    config: { ...spec.start, mode: "push-pull", payload: "delta" },
    network: spec.network,
    workload: { updatesPerSecPerReplica: spec.schedule[0]!.updatesPerSecPerReplica },
  });
  const scheduler = cluster.scheduler as VirtualScheduler;
  const window = new SlidingWindow(spec.windowMs, WINDOW_CAPACITY);
  // Insertion order is issue order, so the first entry is the oldest update in flight.
  const inFlight = new Map<string, InFlight>();
  let issued = 0;
  cluster.events.on("update", (e) => {
    issued++;
    inFlight.set(`${e.dot.replica}:${e.dot.seq}`, { issuedAt: e.atMs, holders: 1 });
  });
  cluster.events.on("merge", (e) => {
    for (const range of e.newlyIncluded) {
      for (let s = range.from; s <= range.to; s++) {
        const key = `${range.replica}:${s}`;
        const u = inFlight.get(key);
        if (u === undefined || ++u.holders < n) continue;
        window.add(e.atMs, e.atMs - u.issuedAt, u.issuedAt);
        inFlight.delete(key);
      }
    }
  });
  const sentBytes = () => cluster.replicas().reduce((sum, r) => sum + r.traffic().sentBytes, 0);

  let config: TunerFigures["config"] = { ...spec.start, mode: "push-pull", version: 1, acked: true };
  let ackAtMs = 0;
  const change = (patch: { intervalMs?: number; fanout?: number }, nowMs: number) => {
    ackAtMs = nowMs + PUSH_MS + cluster.config.intervalMs + REPORT_MS;
    config = { ...config, ...patch, version: config.version + 1, acked: false };
    window.startEpoch(nowMs);
    if (Object.keys(patch).length > 0) scheduler.setTimeout(() => cluster.setConfig(patch), PUSH_MS);
  };

  const seconds: Second[] = [];
  const reasons: string[] = [];
  let stepEndMs = 0;
  let lastBytes = 0;
  let lastIssued = 0;
  for (let step = 0; step < spec.schedule.length; step++) {
    const s = spec.schedule[step]!;
    const startMs = stepEndMs;
    stepEndMs += s.durationMs;
    if (step > 0) {
      // A workload change is a config change too (DESIGN §4): a new version, a new epoch.
      cluster.setWorkload({ updatesPerSecPerReplica: s.updatesPerSecPerReplica });
      change({}, startMs);
    }
    for (let t = startMs + 1000; t <= stepEndMs; t += 1000) {
      scheduler.runUntil(t);
      if (!config.acked && t >= ackAtMs) config = { ...config, acked: true };
      const sel = window.select(t, spec.windowMs);
      const ages: number[] = [];
      for (const u of inFlight.values()) if (u.issuedAt >= sel.fromIssuedMs) ages.push(t - u.issuedAt);
      const stats = censoredFromSorted(sel.sorted, Float64Array.from(ages).sort());
      const oldest = inFlight.values().next().value;
      const bytes = sentBytes();
      const figures: TunerFigures = {
        nowMs: t,
        p95Ms: stats.p95,
        p95AtLeast: stats.atLeast.p95,
        samples: stats.count,
        inFlight: inFlight.size,
        oldestInFlightMs: oldest === undefined ? 0 : t - oldest.issuedAt,
        updatesPerSecPerReplica: (issued - lastIssued) / n,
        bytesPerSecPerReplica: (bytes - lastBytes) / n,
        live: n,
        unreachable: 0,
        config,
        network: spec.network,
      };
      const decision = spec.tuner?.decide(figures);
      seconds.push({
        atMs: t,
        step,
        p95Ms: stats.p95,
        p95AtLeast: stats.atLeast.p95,
        intervalMs: config.intervalMs,
        fanout: config.fanout,
        bytes: bytes - lastBytes,
        changed: decision?.change != null,
        state: decision?.state ?? "fixed",
      });
      if (decision?.change) {
        reasons.push(`${(t / 1000).toFixed(0)} s: ${decision.change.reason}`);
        change({ intervalMs: decision.change.intervalMs, fanout: decision.change.fanout }, t);
      }
      lastBytes = bytes;
      lastIssued = issued;
    }
  }
  void cluster.close();
  return { seconds, reasons };
}
