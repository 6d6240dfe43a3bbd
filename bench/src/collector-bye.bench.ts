// collector-bye: what one agent's bye costs the collector's event loop, next to folding one
// report of the same replicas' whole vectors (the same work per entry, measured in the same
// run). A bye of a converged cluster once scanned every member for every origin of every
// leaver: 1,024 replicas × 1,024 origins held the loop for over half a second. Target
// (issue 14): no single input holds the loop more than 100 ms; the fold beside it is the
// scale (a machine 3× slower is 3× slower at both).
import { availableParallelism, loadavg } from "node:os";
import { MetricsEngine } from "@driftscope/collector";
import type { ReplicaReport } from "@driftscope/protocol";
import { report, type BenchResult } from "./report.ts";

const SYNC = { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };
const SHAPES: Array<[replicas: number, origins: number]> = [[1024, 160], [1024, 1024], [256, 256]];

/** A converged cluster of `n` replicas, each holding `origins` origins at seq 5 (whole vectors). */
function entries(ids: string[], origins: number, seq: number): ReplicaReport[] {
  return ids.map((id, i) => ({
    replica: id,
    seq,
    full: true,
    hash: "h",
    bytes: 1,
    summary: "",
    vv: Array.from({ length: origins }, (_, k) => [ids[(i + k) % ids.length]!, seq] as [string, number]),
    sync: SYNC,
  })) as ReplicaReport[];
}

function once(n: number, origins: number): { foldMs: number; byeMs: number } {
  const engine = new MetricsEngine({ defaultReportIntervalMs: 100 });
  engine.registerAgent("a1", 100, 0);
  const ids = Array.from({ length: n }, (_, i) => `r${i}`);
  for (const id of ids) engine.addReplica(id, "a1", "gcounter", 0);
  engine.ingestReport("a1", 100, entries(ids, origins, 5), 100);
  const again = entries(ids, origins, 5);
  let t = performance.now();
  engine.ingestReport("a1", 200, again, 200);
  const foldMs = performance.now() - t;
  t = performance.now();
  for (const id of ids) engine.removeReplica(id, 300, "bye");
  return { foldMs, byeMs: performance.now() - t };
}

export async function run(): Promise<BenchResult> {
  const rows = [];
  let worstRatio = 0;
  let worstBye = 0;
  for (const [n, origins] of SHAPES) {
    once(n, origins); // warm-up
    const runs = Array.from({ length: 5 }, () => once(n, origins));
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const foldMs = median(runs.map((r) => r.foldMs));
    const byeMs = median(runs.map((r) => r.byeMs));
    worstRatio = Math.max(worstRatio, byeMs / foldMs);
    worstBye = Math.max(worstBye, byeMs);
    rows.push({ replicas: n, "origins each": origins, "fold of their whole vectors (ms)": foldMs.toFixed(1), "bye (ms)": byeMs.toFixed(1), "bye ÷ fold": (byeMs / foldMs).toFixed(2) });
  }
  return report({
    name: "collector-bye",
    title: "One agent's bye of all its replicas (a converged cluster) against folding one report of their whole vectors; median of 5",
    rows,
    notes: [`worst bye ÷ fold ${worstRatio.toFixed(2)}: a bye is about as much work as one report of the same vectors`, `machine: ${availableParallelism()} cores, 1-min load average ${loadavg()[0]!.toFixed(1)}`],
    targets: [
      { description: "the largest bye holds the event loop < 100 ms", met: worstBye < 100, value: `${worstBye.toFixed(0)} ms` },
    ],
  });
}
