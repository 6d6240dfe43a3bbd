import { GCounter } from "@driftscope/crdt";
import { Cluster } from "../cluster/Cluster.js";
import type { PayloadKind } from "../wire/message.js";
import type { GossipMode } from "../theory/meanField.js";
import type { VirtualScheduler } from "../time/VirtualScheduler.js";

/** One epidemic: a single update spreading through a fresh cluster in virtual time. */
export interface SpreadTrialOptions {
  n: number;
  fanout: number;
  mode: GossipMode;
  payload?: PayloadKind;
  lossRate?: number;
  latencyMs?: number;
  intervalMs?: number;
  /** "synchronous-rounds" (the model of DESIGN.md §3) or "random-phase" (independent timers). */
  timing: "synchronous-rounds" | "random-phase";
  seed: number;
  /** Give up after this many intervals (the result then has `complete: false`). Default 10,000. */
  maxRounds?: number;
  /** Count messages and bytes sent (costs one event per message). Default false. */
  countMessages?: boolean;
}

export interface SpreadTrialResult {
  /** Synchronous rounds: rounds until every replica held the update. Random phase: timeMs / intervalMs. */
  rounds: number;
  /** Virtual ms from the update to the last replica including it. */
  timeMs: number;
  complete: boolean;
  messages: number;
  bytes: number;
}

/**
 * Runs one update through a fresh cluster of real replicas (GCounter, in-memory network,
 * virtual time) and measures how long until every replica holds it. With synchronous rounds
 * the update is issued at t = 0 and replicas tick at T, 2T, …; with random phases it is issued
 * at a uniformly random instant of the first interval, so the first push waits for the
 * origin's next tick, as in a real deployment.
 */
export function measureSpread(options: SpreadTrialOptions): SpreadTrialResult {
  const intervalMs = options.intervalMs ?? 1000;
  const cluster = new Cluster({
    type: GCounter,
    replicas: options.n,
    seed: options.seed,
    timing: options.timing,
    config: { intervalMs, fanout: options.fanout, mode: options.mode, payload: options.payload ?? "full" },
    network: { latencyMs: options.latencyMs ?? 0, lossRate: options.lossRate ?? 0 },
    deltaLogCapacity: 8,
  });
  const scheduler = cluster.scheduler as VirtualScheduler;
  let informed = 1;
  let lastAt = 0;
  let messages = 0;
  let bytes = 0;
  const replicas = cluster.replicas();
  const sync = options.timing === "synchronous-rounds";
  // Synchronous rounds count holders once per round (no event needed); random phases need the
  // exact instant of the last merge.
  if (!sync) {
    cluster.events.on("merge", (e) => {
      if (e.changed) {
        informed++;
        lastAt = e.atMs;
      }
    });
  }
  if (options.countMessages) {
    cluster.events.on("send", (e) => {
      messages++;
      bytes += e.bytes;
    });
  }
  const maxRounds = options.maxRounds ?? 10_000;
  const n = options.n;
  let startAt = 0;
  if (options.timing === "random-phase") {
    startAt = Math.floor(((options.seed * 2654435761) >>> 0) / 4294967296 * intervalMs);
    scheduler.runUntil(startAt);
  }
  cluster.update("r0", { type: "increment", amount: 1 });
  let rounds = 0;
  if (sync) {
    while (informed < n && rounds < maxRounds) {
      rounds++;
      scheduler.runUntil(rounds * intervalMs);
      informed = 0;
      for (const r of replicas) if ((r.versionVector().get("r0") ?? 0) >= 1) informed++;
      lastAt = scheduler.now();
    }
  } else {
    scheduler.runUntilTrue(() => informed >= n, startAt + maxRounds * intervalMs);
    rounds = (lastAt - startAt) / intervalMs;
  }
  const complete = informed >= n;
  void cluster.close();
  return { rounds, timeMs: (informed >= n ? lastAt : scheduler.now()) - startAt, complete, messages, bytes };
}
