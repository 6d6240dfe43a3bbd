// `driftscope experiment run plan.json [--simulate] [--out dir] [--target-p95 ms]`: runs a
// plan without a server, shows progress, prints the results table and the recommendation,
// and writes results.csv, results.json and the three SVG charts. A bad plan exits non-zero
// with the field and the reason.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_CLUSTER_CONFIG, recommend, type Recommendation } from "@driftscope/protocol";
import { Experiments } from "./Experiments.js";
import { resultsCsv, resultsText } from "./resultsTable.js";
import { convergenceVsCost, convergenceVsInterval, costVsInterval } from "./svgCharts.js";

export interface RunFlags {
  simulate?: boolean;
  out?: string;
  targetP95?: number;
}

/** Runs the plan in `planPath`; returns the process exit code. */
export async function runExperimentCommand(planPath: string, flags: RunFlags, io: { out: (s: string) => void; err: (s: string) => void; tty: boolean }): Promise<number> {
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(planPath, "utf8"));
  } catch (error) {
    io.err(`driftscope: cannot read the plan ${planPath}: ${(error as Error).message}\n`);
    return 2;
  }
  if (flags.simulate === true && typeof input === "object" && input !== null) input = { ...input, engine: "simulated" };
  const started = Date.now();
  const experiments = new Experiments({
    config: () => DEFAULT_CLUSTER_CONFIG,
    now: () => Date.now(),
    onChange: (e) => {
      if (e.status !== "running") return;
      const done = e.results.length;
      const bar = "#".repeat(Math.round((done / e.totalPoints) * 30)).padEnd(30, ".");
      const eta = e.etaMs === null ? "" : `, about ${Math.ceil(e.etaMs / 1000)} s left`;
      const text = `[${bar}] point ${done} of ${e.totalPoints}${eta}`;
      io.err(io.tty ? `\r${text}` : `${text}\n`);
    },
  });
  const run = experiments.start(input);
  if (!run.ok) {
    const issue = run.error.issues?.[0];
    io.err(`driftscope: ${issue ? `${issue.path || "plan"}: ${issue.reason}` : run.error.message}\n`);
    return 2;
  }
  const e = (await experiments.finished(run.experiment.id))!;
  if (io.tty) io.err("\n");
  if (e.status !== "done") {
    io.err(`driftscope: the experiment ${e.status}${e.error ? `: ${e.error}` : ""}\n`);
    return 1;
  }
  io.out(`${resultsText(e.results)}\n`);
  let recommendation: Recommendation | undefined;
  if (flags.targetP95 !== undefined) {
    // The update rate is the workload, not a choice: one recommendation per rate swept.
    const rates = [...new Set(e.results.map((r) => r.config.updatesPerSecPerReplica))].sort((a, b) => a - b);
    for (const rate of rates) {
      const r = recommend(e.results.filter((p) => p.config.updatesPerSecPerReplica === rate), { p95Ms: flags.targetP95 });
      recommendation ??= r;
      io.out(`\n${rates.length > 1 ? `at ${rate} updates/s per replica, ` : ""}${r.met ? "recommended" : "not met"}: ${r.reason}\n`);
    }
  }
  io.out(`\n${e.results.length} points in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (flags.out !== undefined) {
    mkdirSync(flags.out, { recursive: true });
    writeFileSync(join(flags.out, "results.csv"), resultsCsv(e.results));
    writeFileSync(join(flags.out, "results.json"), `${JSON.stringify({ plan: e.plan, results: e.results, recommendation: recommendation ?? null }, null, 2)}\n`);
    writeFileSync(join(flags.out, "convergence-vs-interval.svg"), convergenceVsInterval(e.plan, e.results));
    writeFileSync(join(flags.out, "cost-vs-interval.svg"), costVsInterval(e.plan, e.results));
    writeFileSync(join(flags.out, "convergence-vs-cost.svg"), convergenceVsCost(e.plan, e.results, recommendation));
    io.out(`wrote results.csv, results.json and 3 SVG charts to ${flags.out}\n`);
  }
  return 0;
}
