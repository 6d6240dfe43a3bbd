// Bytes sent until convergence: 32 replicas that all hold the same 10,000-element AWSet receive
// 100 adds (at random replicas). Same cluster, same seed, same adds; payload full vs delta
// (and digest, for reference). Bytes = encoded message lengths actually handed to the network.
import { AWSet, type AWSetOp } from "@driftscope/crdt";
import { Cluster, Rng, type GossipConfig } from "@driftscope/gossip";
import { report, type BenchResult, type BenchRow } from "./report.ts";

const REPLICAS = 32;
const ELEMENTS = 10_000;
const ADDS = 100;

function measure(payload: GossipConfig["payload"], mode: GossipConfig["mode"]) {
  const cluster = new Cluster({ type: AWSet, replicas: REPLICAS, seed: 7, config: { intervalMs: 1000, fanout: 3, mode, payload } });
  const origin = new Cluster({ type: AWSet, replicas: ["seed"] }).replica("seed");
  for (let i = 0; i < ELEMENTS; i++) origin.update({ type: "add", element: `e${i}` });
  const snapshot = origin.state.snapshot();
  for (const r of cluster.replicas()) r.load(snapshot);
  let bytes = 0;
  let messages = 0;
  let fullStates = 0;
  cluster.events.on("send", (e) => {
    bytes += e.bytes;
    messages++;
    if (e.full) fullStates++;
  });
  const rng = new Rng(11);
  const started = cluster.scheduler.now();
  for (let i = 0; i < ADDS; i++) {
    const op: AWSetOp = { type: "add", element: `new${i}` };
    cluster.update(`r${rng.int(REPLICAS)}`, op);
  }
  const converged = cluster.runUntilConverged(600_000, 100);
  const ms = cluster.scheduler.now() - started;
  const size = (cluster.replica("r0").value() as unknown[]).length;
  void cluster.close();
  return { bytes, messages, fullStates, converged, ms, size, stateBytes: cluster.replica("r0").digest().bytes };
}

export async function run(): Promise<BenchResult> {
  const rows: BenchRow[] = [];
  const byPayload = new Map<string, number>();
  for (const mode of ["push-pull", "push"] as const) {
    for (const payload of ["full", "delta", "digest"] as const) {
      const m = measure(payload, mode);
      if (mode === "push-pull") byPayload.set(payload, m.bytes);
      rows.push({
        mode,
        payload,
        converged: m.converged,
        "elements after": m.size,
        "convergence ms": m.ms,
        messages: m.messages,
        "full states sent": m.fullStates,
        "bytes sent": m.bytes,
        "bytes per add": m.bytes / ADDS,
        "state bytes": m.stateBytes,
      });
    }
  }
  for (const r of rows) {
    const full = rows.find((x) => x.mode === r.mode && x.payload === "full")!["bytes sent"] as number;
    r["× of full"] = (r["bytes sent"] as number) / full;
  }
  const ratio = byPayload.get("delta")! / byPayload.get("full")!;
  return report({
    name: "gossip-delta",
    title: `Bytes until convergence: ${REPLICAS} replicas holding a ${ELEMENTS.toLocaleString("en-US")}-element AWSet receive ${ADDS} adds`,
    rows,
    notes: [
      "virtual time, interval 1000 ms, fanout 3, full view, no loss; every replica starts from the same state (loaded, not gossiped).",
      "bytes = encoded gossip messages handed to the network (headers included); convergence checked every 100 ms.",
    ],
    targets: [{ description: "push-pull: delta bytes ≤ 1/20 of full", met: ratio <= 1 / 20, value: `1/${(1 / ratio).toFixed(0)}` }],
  });
}
