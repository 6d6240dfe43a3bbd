// Runs every benchmark (or those named on the command line): `pnpm bench` at the root.
// Each benchmark prints a table and writes bench/results/<name>.json.
import type { BenchResult } from "./src/report.ts";

type Bench = { run: () => Promise<BenchResult> };
const benches: Record<string, () => Promise<Bench>> = {
  // one line per benchmark: name → module
  crdt: () => import("./src/crdt.bench.ts"),
  "collector-ingest": () => import("./src/collector-ingest.bench.ts"),
  "collector-fold": () => import("./src/collector-fold.bench.ts"),
  "collector-outage": () => import("./src/collector-outage.bench.ts"),
  "collector-hostile": () => import("./src/collector-hostile.bench.ts"),
  "collector-bye": () => import("./src/collector-bye.bench.ts"),
  "collector-visibility": () => import("./src/collector-visibility.bench.ts"),
  "agent-overhead": () => import("./src/agent-overhead.bench.ts"),
  "dashboard-render": () => import("./src/dashboard-render.bench.ts"),
  "gossip-theory": () => import("./src/gossip-theory.bench.ts"),
  "gossip-async-theory": () => import("./src/gossip-async-theory.bench.ts"),
  "gossip-delta": () => import("./src/gossip-delta.bench.ts"),
  "gossip-scale": () => import("./src/gossip-scale.bench.ts"),
  tuner: () => import("./src/tuner.bench.ts"),
  "experiment-sweep": () => import("./src/experiment-sweep.bench.ts"),
};

// Arguments starting with "--" are options for the benchmarks (e.g. --quick), not names.
const wanted = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const names = wanted.length > 0 ? wanted : Object.keys(benches);
const unknown = names.filter((n) => !(n in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(", ")}; known: ${Object.keys(benches).join(", ")}`);
  process.exit(2);
}
let failed = 0;
for (const name of names) {
  const started = performance.now();
  console.log(`\n# bench ${name}`);
  try {
    const bench = await benches[name]!();
    await bench.run();
  } catch (error) {
    failed++;
    console.error(`bench ${name} failed:`, error);
  }
  console.log(`  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
}
process.exit(failed > 0 ? 1 : 0);
