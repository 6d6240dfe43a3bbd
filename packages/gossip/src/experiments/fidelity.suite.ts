import { describe, expect, it } from "vitest";
import { expectedRounds, pushLowerBoundRounds, type GossipMode } from "../theory/index.js";
import { measureSpread } from "./spread.js";

const TRIALS = 200;

/**
 * DESIGN.md §3 fidelity: the REAL replica runtime (Cluster → Replica → InMemoryNetwork) in
 * synchronous rounds of the virtual scheduler, full view, one update, 200 trials per case.
 * One test file per mode calls this, so that vitest runs the modes in parallel workers.
 */
export function fidelitySuite(mode: GossipMode): void {
  describe(`fidelity to the mean-field model: ${mode}`, () => {
    for (const n of [64, 256]) {
      for (const fanout of [1, 2, 4]) {
        it(`G-F1: N=${n} f=${fanout}: mean rounds within ±5 % of E${mode === "push" ? "; no trial beats ⌈log_(1+f) N⌉" : ""}`, () => {
          const e = expectedRounds({ n, fanout, mode });
          const bound = pushLowerBoundRounds(n, fanout);
          let sum = 0;
          let min = Infinity;
          for (let seed = 1; seed <= TRIALS; seed++) {
            const trial = measureSpread({ n, fanout, mode, payload: "full", timing: "synchronous-rounds", seed });
            if (!trial.complete) throw new Error(`trial ${seed} did not complete`);
            sum += trial.rounds;
            min = Math.min(min, trial.rounds);
          }
          const mean = sum / TRIALS;
          expect(Math.abs(mean / e - 1), `mean ${mean.toFixed(3)} vs E ${e.toFixed(3)}`).toBeLessThanOrEqual(0.05);
          if (mode === "push") expect(min).toBeGreaterThanOrEqual(bound);
        });
      }
    }
  });
}
