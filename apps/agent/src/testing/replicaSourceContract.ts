// The contract every replica source meets (apps/agent/SPEC.md §1), as a suite any test
// framework can run: `replicaSourceContract(harness, { describe, it, expect })`. Each case
// replays seeded random runs of the harness's library and expects no problems; a failure
// lists every problem found, one line each, naming the replica and the step.
import {
  callProblems,
  counterProblems,
  digestProblems,
  growthProblems,
  hashProblems,
  inclusionProblems,
  mergeProblems,
  ownSeqProblems,
  receivedBytesProblems,
  removalProblems,
} from "./checks.js";
import type { ContractOptions, ReplicaSourceHarness, TestApi } from "./harness.js";
import { ObservedCluster, type Step } from "./observedCluster.js";
import { converged, randomRun, type Run } from "./randomRun.js";

const MAX_LISTED = 20;

/**
 * Registers the replica-source contract for `harness` with the given test functions.
 *
 * @example
 * import { describe, expect, it } from "vitest";
 * import { replicaSourceContract } from "@driftscope/agent/testing";
 * replicaSourceContract(myHarness, { describe, it, expect });
 */
export function replicaSourceContract(harness: ReplicaSourceHarness, test: TestApi, options: ContractOptions = {}): void {
  const { describe, it, expect } = test;
  const seeds = options.seeds ?? [1, 2, 3];
  const timeoutMs = options.timeoutMs ?? 30_000;
  // One random run per seed, shared by the cases that only read it.
  const runs = new Map<number, Promise<Run>>();
  const runOf = (seed: number) => {
    let run = runs.get(seed);
    if (run === undefined) {
      run = randomRun(harness, seed, options);
      runs.set(seed, run);
    }
    return run;
  };
  /** A case's body: collects the problems of every seed's run, expects none. */
  const expectNone = (problemsOf: (run: Run) => string[]) => async () => {
    const problems: string[] = [];
    for (const seed of seeds) for (const p of problemsOf(await runOf(seed))) problems.push(`seed ${seed}: ${p}`);
    expect(listed(problems)).toEqual([]);
  };
  const everyStep = (run: Run, problemsOf: (step: Step) => string[]) =>
    [...run.steps, ...run.idle].flatMap((step, k) => problemsOf(step).map((p) => `step ${k} (${step.kind}): ${p}`));

  describe(`replica source contract: ${harness.name}`, () => {
    it(
      "A-RS1: ids, vector, hash, size and summary are what the protocol accepts, and the fast paths agree with the digest",
      expectNone((run) => everyStep(run, (step) => step.after.flatMap((view, i) => digestProblems(run.cluster.sources[i]!, view)))),
      timeoutMs,
    );

    it("A-RS2: versions only grow", expectNone((run) => everyStep(run, (step) => growthProblems(step, run.ids))), timeoutMs);

    it(
      "A-RS3: the own seq is the own vector entry, and updated() announces each own dot once, in order",
      expectNone((run) => everyStep(run, (step) => ownSeqProblems(step, run.ids))),
      timeoutMs,
    );

    it(
      "A-RS4: equal hashes exactly for equal states, at every step of generated runs",
      expectNone((run) => {
        const diverged = run.steps.some((s) => s.after.some((v) => v.stateKey !== s.after[0]!.stateKey));
        const problems = everyStep(run, (step) => hashProblems(step.after, run.ids, "after it"));
        if (!diverged) problems.push("the run never had replicas in different states: nothing was compared");
        return problems;
      }),
      timeoutMs,
    );

    it(
      "A-RS5: a removal changes the hash, even one that issues no dot",
      expectNone((run) => everyStep(run, (step) => removalProblems(step, run.ids))),
      timeoutMs,
    );

    it(
      "A-RS6: a merge is reported once, as changing exactly when the state changed, with the dots it included",
      expectNone((run) => [
        ...everyStep(run, (step) => [...mergeProblems(step, run.ids), ...inclusionProblems(step, run.ids, run.journals)]),
        ...receivedBytesProblems(run.steps, run.ids),
      ]),
      timeoutMs,
    );

    it("A-RS7: cumulative counters never go down", expectNone((run) => everyStep(run, (step) => counterProblems(step, run.ids))), timeoutMs);

    it(
      "A-RS8: once converged, a further exchange changes nothing and is not counted as a changing merge",
      expectNone((run) => {
        const problems = run.idle.flatMap((step) => mergeProblems(step, run.ids));
        if (run.idle.length === 0) problems.push("no exchange after convergence");
        return problems;
      }),
      timeoutMs,
    );

    it(
      "A-RS9: syncing brings every replica to one state, vector and hash",
      expectNone((run) => {
        const last = [...run.steps, ...run.idle].at(-1)?.after ?? [];
        const problems: string[] = [];
        for (const v of last) {
          if (v.stateKey !== last[0]!.stateKey) problems.push("states still differ after syncing until nothing changed");
          else if (v.hash !== last[0]!.hash) problems.push(`equal states, hashes ${v.hash} ≠ ${last[0]!.hash}`);
          else if (JSON.stringify(sorted(v.vv)) !== JSON.stringify(sorted(last[0]!.vv))) problems.push(`equal states, vectors ${JSON.stringify(sorted(v.vv))} ≠ ${JSON.stringify(sorted(last[0]!.vv))}`);
        }
        return [...new Set(problems)];
      }),
      timeoutMs,
    );

    it("A-RS10: observer calls carry usable arguments", expectNone((run) => everyStep(run, (step) => callProblems(step))), timeoutMs);

    it(
      "A-RS11: after observe()'s stop function, the source tells the observer nothing",
      async () => {
        const problems: string[] = [];
        for (const seed of seeds) {
          const cluster = await ObservedCluster.open(harness, options.replicas ?? 4, seed);
          try {
            const c = cluster.cluster;
            await c.update(0, () => 0.5);
            cluster.stopObserving();
            await c.update(0, () => 0.25);
            await c.update(1, () => 0.75);
            if (c.sync !== undefined) {
              await c.sync(0, 1);
              await c.sync(1, 0);
            } else {
              for (let k = 0; k < 5 && !converged(cluster); k++) await c.gossip!();
            }
            problems.push(...cluster.observers.flatMap((o) => o.take().problems).map((p) => `seed ${seed}: ${p}`));
          } finally {
            await cluster.close();
          }
        }
        expect(listed(problems)).toEqual([]);
      },
      timeoutMs,
    );
  });
}

function sorted(vv: Map<string, number>): Array<[string, number]> {
  return [...vv].filter(([, s]) => s > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** At most MAX_LISTED problems and a count of the rest, so a broken source gives a readable failure. */
function listed(problems: string[]): string[] {
  if (problems.length <= MAX_LISTED) return problems;
  return [...problems.slice(0, MAX_LISTED), `… and ${problems.length - MAX_LISTED} more`];
}
