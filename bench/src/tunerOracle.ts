// The tuner benchmark's oracle: per update rate, the cheapest fixed config meeting the target,
// found by a simulated sweep (simulatePoint, the experiments' engine, ground truth turned into
// the collector's censored p95). Per fanout the sweep starts at the interval the asynchronous
// model says meets the limit, moves by the measured ratio (p95 is nearly proportional to the
// interval), then by STEP until the longest interval measured to meet it has a measured
// neighbour above that does not, or `refine` steps were taken.
import { censoredFromSorted } from "@driftscope/collector";
import { simulatePoint } from "@driftscope/gossip";
import { asyncConvergence } from "@driftscope/gossip/theory";

const STEP = 1.03;
/** A point measures at least this many times the p95 it is checked against. */
const LIMITS_MEASURED = 12;

export interface SweepSpec {
  replicas: number;
  network: { latencyMs: number; jitterMs: number; lossRate: number };
  seed: number;
  warmupMs: number;
  measureMs: number;
  fanouts: readonly number[];
  intervalMs: { min: number; max: number };
  refine: number;
}

/** One measured fixed config. */
export interface SweepPoint {
  rate: number;
  intervalMs: number;
  fanout: number;
  p95Ms: number | null;
  atLeast: boolean;
  bytesPerSecPerReplica: number;
}

export class Sweep {
  readonly points: SweepPoint[] = [];
  private readonly byKey = new Map<string, SweepPoint>();

  constructor(private readonly spec: SweepSpec) {}

  /** Whether a point meets a limit: an exact p95 at or under it (a lower bound never does). */
  static meets(p: SweepPoint, limitMs: number): boolean {
    return p.p95Ms !== null && !p.atLeast && p.p95Ms <= limitMs;
  }

  /** One fixed config at one rate; `limitMs` sets the warm-up and measurement (long against the p95 sought, or its tail is all censored). */
  measure(rate: number, intervalMs: number, fanout: number, limitMs = 0): SweepPoint {
    const key = `${rate}|${intervalMs}|${fanout}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const s = this.spec;
    const o = simulatePoint({
      replicas: s.replicas,
      crdtType: "gcounter",
      gossip: { intervalMs, fanout, mode: "push-pull", payload: "delta" },
      updatesPerSecPerReplica: rate,
      network: s.network,
      warmupMs: Math.max(s.warmupMs, 2 * limitMs),
      stop: { durationMs: Math.max(s.measureMs, LIMITS_MEASURED * limitMs) },
      seed: s.seed,
    });
    const stats = censoredFromSorted(Float64Array.from(o.convergedMs), Float64Array.from(o.inFlightAgesMs));
    const point = { rate, intervalMs, fanout, p95Ms: stats.p95, atLeast: stats.atLeast.p95, bytesPerSecPerReplica: o.bytesSent / s.replicas / (o.measuredMs / 1000) };
    this.byKey.set(key, point);
    this.points.push(point);
    return point;
  }

  /** The longest interval measured to meet `limitMs` at this rate and fanout, if any. */
  longestMeeting(rate: number, fanout: number, limitMs: number): SweepPoint | undefined {
    const { min, max } = this.spec.intervalMs;
    const clamp = (t: number) => Math.min(max, Math.max(min, Math.round(t)));
    const first = this.measure(rate, clamp(this.modelInterval(fanout, limitMs)), fanout, limitMs);
    const ratio = first.p95Ms === null || first.atLeast ? 0.5 : (0.99 * limitMs) / first.p95Ms;
    this.measure(rate, clamp(first.intervalMs * ratio), fanout, limitMs);
    for (let i = 0; i < this.spec.refine; i++) {
      const mine = this.points.filter((p) => p.rate === rate && p.fanout === fanout);
      const best = mine.filter((p) => Sweep.meets(p, limitMs)).sort((a, b) => b.intervalMs - a.intervalMs)[0];
      const next = best === undefined ? Math.min(...mine.map((p) => p.intervalMs)) / STEP : best.intervalMs * STEP;
      const t = clamp(next);
      if (mine.some((p) => p.intervalMs === t) || (best !== undefined && mine.some((p) => p.intervalMs > best.intervalMs && p.intervalMs <= t))) break;
      this.measure(rate, t, fanout, limitMs);
    }
    return this.points
      .filter((p) => p.rate === rate && p.fanout === fanout && Sweep.meets(p, limitMs))
      .sort((a, b) => b.intervalMs - a.intervalMs)[0];
  }

  /** The cheapest config (bytes/s per replica) measured to meet `limitMs` at this rate. */
  oracle(rate: number, limitMs: number): SweepPoint | undefined {
    const best = this.spec.fanouts.map((f) => this.longestMeeting(rate, f, limitMs)).filter((p) => p !== undefined);
    return best.sort((a, b) => a.bytesPerSecPerReplica - b.bytesPerSecPerReplica)[0];
  }

  /** Where the model puts p95 = limit for this fanout (the sweep's first guess). */
  private modelInterval(fanout: number, limitMs: number): number {
    const p95 = (t: number) => asyncConvergence({ n: this.spec.replicas, intervalMs: t, fanout, mode: "push-pull", ...this.spec.network }).p95Ms;
    let lo = this.spec.intervalMs.min;
    let hi = this.spec.intervalMs.max;
    for (let i = 0; i < 20; i++) {
      const mid = Math.sqrt(lo * hi);
      if (p95(mid) <= limitMs) lo = mid;
      else hi = mid;
    }
    return lo;
  }
}
