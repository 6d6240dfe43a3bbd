// tuner: the auto-tuner (apps/collector/src/tuner, issue 17) in the loop of a 64-replica gossip
// cluster in virtual time while the workload goes 1 → 10 → 1 updates/s per replica in 5-minute
// steps, starting from the default config (1 s, fanout 3). Against an oracle: per step, the
// cheapest fixed config that meets the target in a simulated sweep. Per step: time to settle
// (the first second from which the target holds and the tuner makes no change for SETTLED_MS),
// the share of seconds the target held after it, and bytes sent relative to the oracle's; the
// same for the best single fixed config over the whole schedule.
// Two targets: the issue's p95 ≤ 500 ms, and p95 ≤ 5 update periods (5 s at 1/s, 500 ms at
// 10/s), where the right config moves with the workload. --quick: 2-minute steps, shorter sweep;
// --scenario=tuner (or tuner-periods): that target only.
import { availableParallelism, loadavg } from "node:os";
import { TunerController, type TunerTarget } from "@driftscope/collector";
import { targetMsAt, type Target } from "@driftscope/protocol";
import { report, type BenchResult, type BenchRow } from "./report.ts";
import { runLoop, type Second, type Step } from "./tunerLoop.ts";
import { Sweep, type SweepPoint } from "./tunerOracle.ts";

const QUICK = process.argv.includes("--quick");
const ONLY = process.argv.find((a) => a.startsWith("--scenario="))?.slice("--scenario=".length);
const REPLICAS = 64;
const RATES = [1, 10, 1];
const STEP_MS = QUICK ? 120_000 : 300_000;
const START = { intervalMs: 1000, fanout: 3 };
const RANGE = { intervalMs: { min: 20, max: 5_000 }, fanout: { min: 1, max: 3 } };
const FANOUTS = Array.from({ length: RANGE.fanout.max - RANGE.fanout.min + 1 }, (_, i) => RANGE.fanout.min + i);
const NETWORK = { latencyMs: 5, jitterMs: 2, lossRate: 0 };
const WINDOW_MS = 60_000;
const SEED = 11;
const SETTLED_MS = 30_000;
const GOALS = { settleS: 30, heldShare: 0.95, bytesRatio: 1.25 };
const SCENARIOS: Array<{ name: string; target: Target; words: string }> = [
  { name: "tuner", target: { p95Ms: 500 }, words: "p95 ≤ 500 ms" },
  { name: "tuner-periods", target: { p95UpdatePeriods: 5 }, words: "p95 ≤ 5 update periods" },
];

interface StepFigures {
  settleS: number | null;
  heldShare: number | null;
  bytesRatio: number;
  /** The same over the seconds after settling (what holding costs, without the way there). */
  settledBytesRatio: number | null;
}

const cfg = (p: { intervalMs: number; fanout: number }) => `${p.intervalMs} ms · f${p.fanout}`;
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const cpuSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;

/** A step's figures from its seconds: settling, then the target's share, then bytes against the oracle's. */
function judge(seconds: Second[], limitMs: number, oracle: SweepPoint): StepFigures {
  const held = (s: Second) => s.p95Ms !== null && !s.p95AtLeast && s.p95Ms <= limitMs;
  const startMs = seconds[0]!.atMs - 1000;
  const settledAt = seconds.findIndex((s, i) => held(s) && !seconds.slice(i + 1).some((l) => l.changed && l.atMs - s.atMs <= SETTLED_MS));
  const ratio = (xs: Second[]) => sum(xs.map((s) => s.bytes)) / (oracle.bytesPerSecPerReplica * REPLICAS * xs.length);
  const bytesRatio = ratio(seconds);
  if (settledAt < 0) return { settleS: null, heldShare: null, bytesRatio, settledBytesRatio: null };
  const after = seconds.slice(settledAt);
  return { settleS: (seconds[settledAt]!.atMs - startMs) / 1000, heldShare: after.filter(held).length / after.length, bytesRatio, settledBytesRatio: ratio(after) };
}

function scenario(sweep: Sweep, name: string, target: Target, words: string): BenchResult {
  const loadBefore = loadavg();
  const cpu = process.cpuUsage();
  const wall = performance.now();
  const limit = (rate: number) => targetMsAt(target, rate)!;
  const rates = [...new Set(RATES)];
  const oracles = new Map(rates.map((r) => [r, sweep.oracle(r, limit(r))] as const));
  for (const [r, o] of oracles) if (o === undefined) throw new Error(`the sweep found no config meeting ${limit(r)} ms at ${r} updates/s`);
  // The best single config: of those the sweep found meeting the target at some rate, the ones
  // that meet it at every step's rate, the cheapest over the schedule.
  const candidates = rates.flatMap((r) => FANOUTS.map((f) => sweep.longestMeeting(r, f, limit(r)))).filter((p) => p !== undefined);
  const fixed = candidates
    .map((c) => ({ c, at: RATES.map((r) => sweep.measure(r, c.intervalMs, c.fanout, limit(r))) }))
    .filter(({ at }) => at.every((p) => Sweep.meets(p, limit(p.rate))))
    .sort((a, b) => sum(a.at.map((p) => p.bytesPerSecPerReplica)) - sum(b.at.map((p) => p.bytesPerSecPerReplica)))[0]?.c;
  const sweepS = (performance.now() - wall) / 1000;

  const schedule: Step[] = RATES.map((r) => ({ durationMs: STEP_MS, updatesPerSecPerReplica: r }));
  const loop = { replicas: REPLICAS, seed: SEED, network: NETWORK, schedule, windowMs: WINDOW_MS };
  const tunerTarget: TunerTarget = { ...target, ...RANGE };
  const loopWall = performance.now();
  const tuned = runLoop({ ...loop, start: START, tuner: new TunerController(tunerTarget, { windowMs: WINDOW_MS }) });
  const fixedRun = fixed === undefined ? undefined : runLoop({ ...loop, start: { intervalMs: fixed.intervalMs, fanout: fixed.fanout } });
  const loopS = (performance.now() - loopWall) / 1000;

  const rows: BenchRow[] = [];
  const targets: NonNullable<BenchResult["targets"]> = [];
  const add = (who: string, seconds: Second[], isTuner: boolean) => {
    RATES.forEach((rate, step) => {
      const oracle = oracles.get(rate)!;
      const mine = seconds.filter((s) => s.step === step);
      const f = judge(mine, limit(rate), oracle);
      rows.push({
        config: who,
        step: step + 1,
        "updates/s": rate,
        "target ms": Math.round(limit(rate)),
        oracle: cfg(oracle),
        "oracle p95 ms": Math.round(oracle.p95Ms!),
        "at step end": cfg(mine.at(-1)!),
        "settle s": f.settleS,
        "held after %": f.heldShare === null ? null : Math.round(1000 * f.heldShare) / 10,
        "bytes ×oracle": Math.round(100 * f.bytesRatio) / 100,
        "settled ×oracle": f.settledBytesRatio === null ? null : Math.round(100 * f.settledBytesRatio) / 100,
      });
      if (!isTuner) return;
      targets.push(
        { description: `step ${step + 1}: settles within ${GOALS.settleS} s`, met: f.settleS !== null && f.settleS <= GOALS.settleS, value: f.settleS === null ? "never" : `${f.settleS} s` },
        { description: `step ${step + 1}: target held ≥ ${100 * GOALS.heldShare} % after settling`, met: f.heldShare !== null && f.heldShare >= GOALS.heldShare, value: f.heldShare === null ? "—" : `${(100 * f.heldShare).toFixed(1)} %` },
        { description: `step ${step + 1}: bytes ≤ ${GOALS.bytesRatio} × the oracle's`, met: f.bytesRatio <= GOALS.bytesRatio, value: `${f.bytesRatio.toFixed(2)} ×` },
      );
    });
  };
  add("tuner", tuned.seconds, true);
  if (fixedRun !== undefined) add(`fixed ${cfg(fixed!)}`, fixedRun.seconds, false);
  const loadAfter = loadavg();
  return report({
    name: QUICK ? `${name}-quick` : name,
    title: `auto-tuner vs oracle: ${REPLICAS} replicas, push-pull delta, ${RATES.join(" → ")} updates/s per replica in ${STEP_MS / 60_000}-minute steps, ${words} (${WINDOW_MS / 1000} s window)`,
    rows,
    targets,
    notes: [
      `start ${cfg(START)}; tuner range interval ${RANGE.intervalMs.min}–${RANGE.intervalMs.max} ms, fanout ${RANGE.fanout.min}–${RANGE.fanout.max}; network ${NETWORK.latencyMs} ± ${NETWORK.jitterMs} ms; seed ${SEED}; changes acknowledged after push 100 ms + one old interval + report 500 ms`,
      `settle: first second of the step from which p95 (exact) ≤ target and the tuner makes no change for ${SETTLED_MS / 1000} s; held: share of seconds after that with p95 exact ≤ target (the collector's censored p95, ${WINDOW_MS / 1000} s window, epoch at each config change); bytes ×oracle: the whole step's bytes over the oracle config's for as long (settled ×oracle: the seconds after settling only)`,
      `oracle: cheapest swept point meeting the target per rate (${rates.map((r) => `${r}/s: ${cfg(oracles.get(r)!)}, p95 ${Math.round(oracles.get(r)!.p95Ms!)} ms, ${Math.round(oracles.get(r)!.bytesPerSecPerReplica)} B/s per replica`).join("; ")}); ${sweep.points.length} points swept so far`,
      fixed === undefined ? "no single swept config met the target at every rate" : `best single fixed config: ${cfg(fixed)} (meets the target at every rate in the sweep, cheapest over the schedule)`,
      `tuner changes (${tuned.reasons.length}): ${tuned.reasons.join(" | ")}`,
      `wall: sweep ${sweepS.toFixed(0)} s, tuned and fixed runs ${loopS.toFixed(0)} s (CPU ${(cpuSeconds(process.cpuUsage(cpu))).toFixed(0)} s in all); ${availableParallelism()} cores, load ${loadBefore.map((l) => l.toFixed(1)).join("/")} before, ${loadAfter.map((l) => l.toFixed(1)).join("/")} after (1/5/15 min)`,
    ],
  });
}

export async function run(): Promise<BenchResult> {
  const sweep = new Sweep({ replicas: REPLICAS, network: NETWORK, seed: SEED, warmupMs: 3_000, measureMs: QUICK ? 15_000 : 30_000, fanouts: FANOUTS, intervalMs: RANGE.intervalMs, refine: QUICK ? 1 : 2 });
  const chosen = SCENARIOS.filter((s) => ONLY === undefined || s.name === ONLY);
  if (chosen.length === 0) throw new Error(`no scenario ${ONLY}; known: ${SCENARIOS.map((s) => s.name).join(", ")}`);
  return chosen.map((s) => scenario(sweep, s.name, s.target, s.words))[0]!;
}
