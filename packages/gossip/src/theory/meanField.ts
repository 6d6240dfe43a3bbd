// The mean-field epidemic model of DESIGN.md §3: the one place the reference line is computed.
// Pure arithmetic: no Node APIs, no timers (the collector and the dashboard import it).

/** How a replica exchanges state with the peers it picks each round. */
export type GossipMode = "push" | "pull" | "push-pull";

/** Parameters of one epidemic: `n` live replicas, each picking `fanout` peers per round. */
export interface EpidemicParams {
  readonly n: number;
  readonly fanout: number;
  readonly mode: GossipMode;
  /** Probability that one message is lost, in [0, 1]. Default 0. */
  readonly lossRate?: number;
}

/** Rounds after which the recurrences give up (an epidemic that slow is reported as Infinity). */
export const MAX_MODEL_ROUNDS = 100_000;
/** A round's term `1 − exp(−(N − I_r))` below this is negligible. */
const NEGLIGIBLE = 1e-12;

/** Validated parameters, fanout capped at N − 1 (shared by the asynchronous model). */
export function checked(params: EpidemicParams): { n: number; f: number; loss: number; push: boolean; pull: boolean } {
  const { n, fanout, mode } = params;
  const loss = params.lossRate ?? 0;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(fanout) || fanout < 1) throw new RangeError(`fanout must be an integer >= 1, got ${fanout}`);
  if (!(loss >= 0 && loss <= 1)) throw new RangeError(`lossRate must be in [0, 1], got ${loss}`);
  if (mode !== "push" && mode !== "pull" && mode !== "push-pull") throw new RangeError(`unknown mode ${String(mode)}`);
  // A replica cannot pick more distinct peers than exist.
  const f = Math.min(fanout, Math.max(1, n - 1));
  return { n, f, loss, push: mode !== "pull", pull: mode !== "push" };
}

/**
 * Probability that one uninformed replica stays uninformed during a round that starts
 * with `informed` informed replicas: `s(I)` of DESIGN.md §3.
 */
export function stayUninformedProbability(informed: number, params: EpidemicParams): number {
  const { n, f, loss, push, pull } = checked(params);
  if (n <= 1) return 0;
  let s = 1;
  if (push) s *= Math.pow(Math.max(0, 1 - (f * (1 - loss)) / (n - 1)), informed);
  if (pull) s *= Math.pow(Math.max(0, 1 - ((1 - loss) * informed) / (n - 1)), f);
  return s;
}

/**
 * Expected number of informed replicas after each round, `I_0 = 1, I_1, …`, until fewer than
 * `1e-9·N` remain uninformed (or MAX_MODEL_ROUNDS). The dashboard plots `I_r / N`.
 */
export function informedCurve(params: EpidemicParams): number[] {
  const { n } = checked(params);
  const curve = [Math.min(1, n)];
  let informed = curve[0]!;
  const stop = n * 1e-9;
  for (let r = 0; r < MAX_MODEL_ROUNDS && n - informed > stop; r++) {
    const next = informed + (n - informed) * (1 - stayUninformedProbability(informed, params));
    if (next === informed) break; // lossRate 1: nothing ever spreads
    informed = next;
    curve.push(informed);
  }
  return curve;
}

/** The informed fraction `I_r / N` per round r = 0, 1, … (starts at 1/N, ends near 1). */
export function informedFractionCurve(params: EpidemicParams): number[] {
  return informedCurve(params).map((i) => i / params.n);
}

/**
 * Expected rounds until every replica holds one update: `E = Σ_r (1 − exp(−(N − I_r)))`
 * (DESIGN.md §3). Infinity when the update cannot spread (lossRate 1).
 */
export function expectedRounds(params: EpidemicParams): number {
  const { n } = checked(params);
  if (n <= 1) return 0;
  let informed = 1;
  let sum = 0;
  for (let r = 0; r < MAX_MODEL_ROUNDS; r++) {
    const term = 1 - Math.exp(-(n - informed));
    sum += term;
    if (term < NEGLIGIBLE) return sum;
    const next = informed + (n - informed) * (1 - stayUninformedProbability(informed, params));
    if (next === informed) return Infinity;
    informed = next;
  }
  return Infinity;
}

/**
 * Push-only lower bound `⌈log_(1+f) N⌉`: the informed set at most multiplies by 1+f per round,
 * so no run can finish sooner. Computed with integers to avoid log rounding at exact powers.
 */
export function pushLowerBoundRounds(n: number, fanout: number): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be an integer >= 1, got ${n}`);
  if (!Number.isInteger(fanout) || fanout < 1) throw new RangeError(`fanout must be an integer >= 1, got ${fanout}`);
  let rounds = 0;
  for (let reach = 1; reach < n; reach *= 1 + fanout) rounds++;
  return rounds;
}

/** The lower bound in rounds for a mode: push has `⌈log_(1+f) N⌉`, pull and push-pull none (null). */
export function lowerBoundRounds(params: EpidemicParams): number | null {
  checked(params);
  return params.mode === "push" ? pushLowerBoundRounds(params.n, params.fanout) : null;
}
