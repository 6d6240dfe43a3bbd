import { describe, expect, it } from "vitest";
import { modelP95Ms } from "./planConfig.js";
import { TunerController } from "./TunerController.js";
import type { TunerDecision, TunerFigures, TunerTarget } from "./types.js";

// A scripted cluster: its p95 is the model's for the config acknowledged, times a gain the
// tuner must discover (the runtime runs ~10 % slower than the model), times the script's
// noise; bytes grow with messages per second. Changes are applied at once as a new version and
// acknowledged `ackDelayS` calls later. One call per simulated second.
const N = 64;
const CLUSTER = { n: N, mode: "push-pull" as const, network: { latencyMs: 5, jitterMs: 2, lossRate: 0 } };
const TRUE_GAIN = 1.1;
const RANGE = { intervalMs: { min: 20, max: 5_000 }, fanout: { min: 1, max: 4 } };

interface Script {
  seconds: number;
  start?: { intervalMs: number; fanout: number };
  ratePerReplica?: (t: number) => number;
  /** Multiplies the true p95 (noise). */
  noise?: (t: number) => number;
  /** Replaces what the figures say at second t (a partition, unreachable replicas). */
  override?: (t: number, f: TunerFigures) => Partial<TunerFigures>;
  bytes?: (fanout: number, intervalMs: number) => number;
  ackDelayS?: number;
}

interface Trace {
  at: number;
  decision: TunerDecision;
  intervalMs: number;
  fanout: number;
  p95Ms: number;
}

const defaultBytes = (fanout: number, intervalMs: number) => (300_000 * fanout) / intervalMs;

function run(tuner: TunerController, script: Script): { trace: Trace[]; changes: Trace[] } {
  let config = { ...(script.start ?? { intervalMs: 1000, fanout: 3 }), mode: "push-pull" as const, version: 1, acked: true };
  let ackAt = -1;
  const trace: Trace[] = [];
  for (let t = 0; t < script.seconds; t++) {
    if (!config.acked && t >= ackAt) config = { ...config, acked: true };
    const rate = script.ratePerReplica?.(t) ?? 1;
    const p95 = TRUE_GAIN * modelP95Ms(CLUSTER, config.intervalMs, config.fanout) * (script.noise?.(t) ?? 1);
    let f: TunerFigures = {
      nowMs: t * 1000,
      p95Ms: p95,
      p95AtLeast: false,
      samples: 500,
      inFlight: Math.round(rate * N * (p95 / 1000) * 0.6),
      oldestInFlightMs: 1.3 * p95,
      updatesPerSecPerReplica: rate,
      bytesPerSecPerReplica: (script.bytes ?? defaultBytes)(config.fanout, config.intervalMs),
      live: N,
      unreachable: 0,
      config,
      network: CLUSTER.network,
    };
    f = { ...f, ...script.override?.(t, f) };
    const decision = tuner.decide(f);
    trace.push({ at: t, decision, intervalMs: config.intervalMs, fanout: config.fanout, p95Ms: f.p95Ms ?? NaN });
    if (decision.change !== null) {
      config = { ...config, intervalMs: decision.change.intervalMs, fanout: decision.change.fanout, version: config.version + 1, acked: false };
      ackAt = t + (script.ackDelayS ?? 1);
    }
  }
  return { trace, changes: trace.filter((s) => s.decision.change !== null) };
}

const msTarget = (p95Ms: number, extra: Partial<TunerTarget> = {}): TunerTarget => ({ p95Ms, ...RANGE, ...extra });
const cost = (s: { intervalMs: number; fanout: number }) => s.fanout / s.intervalMs;
const after = (trace: Trace[], at: number) => trace.filter((s) => s.at >= at);

/** Deterministic uniform [0, 1) (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let x = Math.imul(a ^ (a >>> 15), 1 | a);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}

describe("TunerController", () => {
  it("reaches a 500 ms target from the default config and then holds it without a change (steady state)", () => {
    const { trace, changes } = run(new TunerController(msTarget(500)), { seconds: 900 });
    expect(changes.length).toBeGreaterThan(0);
    expect(changes.at(-1)!.at).toBeLessThan(30);
    const settled = after(trace, 60);
    expect(settled.every((s) => s.p95Ms <= 500)).toBe(true);
    expect(settled.every((s) => s.decision.state === "holding")).toBe(true);
    // The least cost that meets it: fanout 1, and not much faster than needed.
    const last = trace.at(-1)!;
    expect(last.fanout).toBe(1);
    expect(last.p95Ms).toBeGreaterThan(0.75 * 500);
  });

  it("first waits for every live replica to acknowledge its change, then judges it", () => {
    const { trace, changes } = run(new TunerController(msTarget(500)), { seconds: 120, ackDelayS: 1_000 });
    expect(changes).toHaveLength(1);
    expect(trace.at(-1)!.decision).toMatchObject({ state: "adjusting", reason: expect.stringMatching(/acknowledge/) });
  });

  it("a step in update rate under a target of k update periods: feed-forward at once, settled within 30 s, back when the rate falls", () => {
    // 2 update periods: 2 s at 1 update/s, 250 ms at 8/s.
    const rate = (t: number) => (t >= 300 && t < 600 ? 8 : 1);
    const { trace, changes } = run(new TunerController({ p95UpdatePeriods: 2, ...RANGE }), { seconds: 900, ratePerReplica: rate });
    const first = (from: number) => changes.find((c) => c.at >= from)!;
    expect(first(300).at).toBeLessThan(300 + 5);
    expect(first(300).decision.change!.reason).toMatch(/feed-forward/);
    expect(cost(first(300).decision.change!)).toBeGreaterThan(cost(trace[299]!));
    expect(after(trace, 330).filter((s) => s.at < 600).every((s) => s.p95Ms <= 250)).toBe(true);
    expect(first(600).at).toBeLessThan(600 + 5);
    expect(cost(first(600).decision.change!)).toBeLessThan(cost(trace[599]!));
    expect(after(trace, 630).every((s) => s.p95Ms <= 2000)).toBe(true);
    // The step down is loosened to about what it was before the step up.
    expect(trace.at(-1)!.intervalMs / trace[299]!.intervalMs).toBeGreaterThan(0.8);
  });

  it("a step in update rate under a target in ms, which the rate does not move, changes nothing", () => {
    const rate = (t: number) => (t >= 300 && t < 600 ? 10 : 1);
    const { changes } = run(new TunerController(msTarget(500)), { seconds: 900, ratePerReplica: rate });
    expect(changes.filter((c) => c.at >= 60)).toEqual([]);
  });

  it("noise of ±20 % on the p95 does not make it oscillate: at most one direction change per settling period, and few changes", () => {
    const u = random(17);
    const { changes } = run(new TunerController(msTarget(500)), { seconds: 1800, noise: () => 0.8 + 0.4 * u() });
    const later = changes.filter((c) => c.at >= 60);
    expect(later.length).toBeLessThanOrEqual(6);
    const directions = changes.map((c, i) => ({ at: c.at, up: i > 0 && cost(c.decision.change!) > cost(changes[i - 1]!.decision.change!) }));
    const reversals = directions.filter((d, i) => i > 1 && d.up !== directions[i - 1]!.up).map((d) => d.at);
    for (let i = 1; i < reversals.length; i++) expect(reversals[i]! - reversals[i - 1]!).toBeGreaterThanOrEqual(30);
  });

  it("a partition (the oldest update in flight ages without bound, p95 a lower bound): changes nothing, says so, then holds one window", () => {
    const inPartition = (t: number) => t >= 300 && t < 420;
    const { trace, changes } = run(new TunerController(msTarget(500)), {
      seconds: 900,
      // No update converges across the cut: the window's p95 stays until the censored ones pass 5 % of it, then reads "≥".
      override: (t, f) => {
        if (!inPartition(t)) return {};
        const ageMs = (t - 300) * 1000 + f.oldestInFlightMs;
        return t < 303 ? { oldestInFlightMs: ageMs } : { p95Ms: Math.max(f.p95Ms!, ageMs / 2), p95AtLeast: true, oldestInFlightMs: ageMs };
      },
    });
    expect(changes.filter((c) => c.at >= 300)).toEqual([]);
    const during = trace.filter((s) => s.at >= 305 && s.at < 420);
    expect(during.every((s) => s.decision.state === "cannot-meet" && "why" in s.decision && s.decision.why === "partition")).toBe(true);
    expect(trace[430]!.decision.reason).toMatch(/partition ended/);
    expect(trace.at(-1)!.decision.state).toBe("holding");
  });

  it("unreachable replicas censor the p95: it does not drive the interval down, and reports a partition", () => {
    const { trace, changes } = run(new TunerController(msTarget(500)), {
      seconds: 600,
      override: (t) => (t >= 200 ? { unreachable: 8, p95Ms: 15_000, p95AtLeast: true, oldestInFlightMs: 15_000 } : {}),
    });
    expect(changes.filter((c) => c.at >= 200)).toEqual([]);
    expect(trace.at(-1)!.decision).toMatchObject({ state: "cannot-meet", why: "partition", reason: expect.stringMatching(/8 replicas unreachable/) });
  });

  it("a byte budget too low for the target: reports it and stays within the budget", () => {
    // The target needs fanout 1 at ≈ 95 ms (≈ 3,200 B/s here); 2,000 B/s allows ≈ 150 ms.
    const { trace } = run(new TunerController(msTarget(500, { maxBytesPerSecPerReplica: 2000 })), { seconds: 600 });
    const settled = after(trace, 120);
    expect(settled.every((s) => defaultBytes(s.fanout, s.intervalMs) <= 2000 * 1.05)).toBe(true);
    expect(trace.at(-1)!.decision).toMatchObject({ state: "cannot-meet", why: "budget" });
    // It spends the budget on the target rather than idling below it.
    expect(defaultBytes(trace.at(-1)!.fanout, trace.at(-1)!.intervalMs)).toBeGreaterThan(2000 * 0.8);
  });

  it("a range that cannot reach the target: the fastest config of the range, reported as the range", () => {
    const { trace } = run(new TunerController(msTarget(500, { intervalMs: { min: 300, max: 5000 }, fanout: { min: 1, max: 2 } })), { seconds: 300 });
    expect(trace.at(-1)).toMatchObject({ intervalMs: 300, fanout: 2 });
    expect(trace.at(-1)!.decision).toMatchObject({ state: "cannot-meet", why: "range" });
  });

  it("at most the cap of changes in any minute", () => {
    // A plant that contradicts every move: worse after each change, whichever way.
    const u = random(3);
    const { changes } = run(new TunerController(msTarget(500), { maxChangesPerMinute: 2, minSettleMs: 1000, settleIntervals: 0 }), { seconds: 600, noise: () => 0.3 + 2 * u() });
    for (const c of changes) expect(changes.filter((d) => d.at > c.at - 60 && d.at <= c.at).length).toBeLessThanOrEqual(2);
  });
});
