// CRDT throughput: merge, encode and hash of a GCounter with 1,024 origins and of an AWSet
// with 10,000 elements over 64 replicas; delta vs full-state size of one AWSet add.
import { loadavg } from "node:os";
import {
  AWSet,
  CausalContext,
  GCounter,
  ReplicaState,
  encodeDelta,
  hash64,
  type AWSetOp,
  type AWSetState,
  type Delta,
  type GCounterState,
} from "@driftscope/crdt";
import { opsPerSec, report, type BenchResult, type BenchRow } from "./report.ts";

const MEASURE_MS = 400;

function row(kase: string, operation: string, fn: () => void, bytes?: number, maxCalls?: number): BenchRow {
  const ops = maxCalls === undefined ? opsPerSec(fn, MEASURE_MS) : opsPerCalls(fn, maxCalls);
  const r: BenchRow = { case: kase, operation, "ops/s": ops, "ms/op": 1000 / ops };
  r["MB/s"] = bytes === undefined ? "" : (ops * bytes) / 1e6;
  r.bytes = bytes ?? "";
  return r;
}

/** For operations that can run only a bounded number of times (each delta is fresh once); no warm-up. */
function opsPerCalls(fn: () => void, calls: number): number {
  const start = performance.now();
  let n = 0;
  while (n < calls && performance.now() - start < MEASURE_MS) {
    fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

function gcounter(origins: number, seed: number): GCounterState {
  let s = GCounter.empty();
  for (let i = 0; i < origins; i++) {
    const replica = `replica-${String(i).padStart(4, "0")}`;
    const amount = 1 + ((i * 7919 + seed) % 1000);
    s = GCounter.mergeInto!(s, GCounter.mutate(s, { type: "increment", amount }, { replica, seq: 1 }));
  }
  return s;
}

/** 64 replicas each add their share of 10,000 elements; returns every replica and the deltas. */
function awsetCluster(elements: number, replicas: number) {
  const reps = Array.from({ length: replicas }, (_, i) => new ReplicaState(AWSet, `replica-${String(i).padStart(2, "0")}`));
  const deltas: Array<Delta<AWSetState>> = [];
  for (let i = 0; i < elements; i++) deltas.push(reps[i % replicas]!.update({ type: "add", element: `item-${i}` }).delta);
  return { reps, deltas };
}

export async function run(): Promise<BenchResult> {
  const rows: BenchRow[] = [];

  // GCounter, 1,024 origins: two replicas that differ in every other entry.
  const ga = gcounter(1024, 1);
  const gb = GCounter.merge(gcounter(512, 2), ga);
  const gBytes = GCounter.encode(ga);
  rows.push(row("gcounter 1,024 origins", "merge", () => void GCounter.merge(ga, gb)));
  rows.push(row("gcounter 1,024 origins", "encode", () => void GCounter.encode(ga), gBytes.length));
  rows.push(row("gcounter 1,024 origins", "hash64", () => void hash64(gBytes), gBytes.length));
  rows.push(row("gcounter 1,024 origins", "decode", () => void GCounter.decode(gBytes), gBytes.length));
  const gRep = new ReplicaState(GCounter, "replica-0000");
  gRep.merge({ state: ga, context: CausalContext.fromVersionVector(new Map([...ga.keys()].map((r) => [r, 1]))) });
  rows.push(
    row("gcounter 1,024 origins", "update + digest()", () => {
      gRep.update({ type: "increment" });
      void gRep.digest();
    }),
  );

  // AWSet, 10,000 elements over 64 replicas.
  const { reps, deltas } = awsetCluster(10_000, 64);
  const full = new ReplicaState(AWSet, "observer");
  for (const d of deltas) full.merge(d);
  // Two replicas that saw all 10,000 adds, then 50 concurrent updates each (25 adds and
  // 25 removes, from 4 origins each) that the other has not seen: they differ by 1%.
  const diverged = (origins: number[], tag: string) => {
    const rep = ReplicaState.fromSnapshot(AWSet, `merger-${tag}`, full.snapshot());
    for (let i = 0; i < 50; i++) {
      const r = reps[origins[i % origins.length]!]!;
      r.merge(full.snapshot());
      const op: AWSetOp = i % 2 === 0 ? { type: "add", element: `${tag}-${i}` } : { type: "remove", element: `item-${(i * 97 + origins[0]!) % 10_000}` };
      rep.merge(r.update(op).delta);
    }
    return rep;
  };
  const aRep = diverged([0, 1, 2, 3], "a");
  const bRep = diverged([4, 5, 6, 7], "b");
  const a = aRep.snapshot().state;
  const b = bRep.snapshot().state;
  const half = (from: number) => {
    const h = new ReplicaState(AWSet, `half-${from}`);
    for (const d of deltas) if (Number(d.context.replicas()[0]!.slice(8)) >= from && Number(d.context.replicas()[0]!.slice(8)) < from + 32) h.merge(d);
    return h.snapshot().state;
  };
  const [h1, h2] = [half(0), half(32)];
  const aBytes = AWSet.encode(a);
  rows.push(row("awset 10k × 64 replicas", "merge (concurrent states, 1% differ)", () => void AWSet.merge(a, b)));
  rows.push(row("awset 10k × 64 replicas", "merge (two disjoint 5k halves)", () => void AWSet.merge(h1, h2)));
  rows.push(row("awset 10k × 64 replicas", "encode", () => void AWSet.encode(a), aBytes.length));
  rows.push(row("awset 10k × 64 replicas", "hash64", () => void hash64(aBytes), aBytes.length));
  rows.push(row("awset 10k × 64 replicas", "decode", () => void AWSet.decode(aBytes), aBytes.length));

  // Replica-level: a 10k replica applying fresh remote deltas (each once: a repeat is a no-op),
  // and merging a peer's full state that differs by 1% (in place, no copy).
  const target = new ReplicaState(AWSet, "target");
  target.merge(full.snapshot());
  const sources = Array.from({ length: 8 }, (_, i) => new ReplicaState(AWSet, `source-${i}`));
  for (const src of sources) src.merge(full.snapshot());
  const remoteDeltas = Array.from({ length: 20_000 }, (_, i) => {
    const src = sources[i % sources.length]!;
    const op: AWSetOp = i % 2 === 0 ? { type: "add", element: `fresh-${i}` } : { type: "remove", element: `item-${i % 10_000}` };
    return src.update(op).delta;
  });
  target.merge(remoteDeltas[0]!); // builds the dot index once
  let next = 1;
  rows.push(row("awset 10k × 64 replicas", "ReplicaState.merge(one fresh delta)", () => void target.merge(remoteDeltas[next++]!), undefined, remoteDeltas.length - 10));
  // In place (no copy): 40 replicas in state a each merge the full state b once.
  const peerFull = bRep.snapshot();
  const targets = Array.from({ length: 48 }, () => ReplicaState.fromSnapshot(AWSet, "t", aRep.snapshot()));
  for (let w = 0; w < 8; w++) targets.pop()!.merge(peerFull); // warm up
  let k = 0;
  rows.push(row("awset 10k × 64 replicas", "ReplicaState.merge(peer full state, 1% differ)", () => void targets[k++]!.merge(peerFull), undefined, targets.length));
  let m = 0;
  rows.push(
    row("awset 10k × 64 replicas", "update + digest()", () => {
      target.update({ type: m % 2 === 0 ? "add" : "remove", element: `churn-${m++ % 64}` });
      void target.digest();
    }),
  );

  // Size of one add as a delta vs the full 10,000-element state.
  const probe = new ReplicaState(AWSet, "replica-07");
  probe.merge(full.snapshot());
  const { delta } = probe.update({ type: "add", element: "item-10000" });
  const deltaBytes = encodeDelta(AWSet, delta).length;
  const fullBytes = encodeDelta(AWSet, probe.snapshot()).length;
  const stateBytes = AWSet.encode(probe.snapshot().state).length;
  const ratio = fullBytes / deltaBytes;
  rows.push({ case: "awset 10k × 64 replicas", operation: "one add as a delta (encodeDelta)", "ops/s": "", "ms/op": "", "MB/s": "", bytes: deltaBytes });
  rows.push({ case: "awset 10k × 64 replicas", operation: "full snapshot (encodeDelta)", "ops/s": "", "ms/op": "", "MB/s": "", bytes: fullBytes });
  rows.push({ case: "awset 10k × 64 replicas", operation: "full state (AWSet.encode)", "ops/s": "", "ms/op": "", "MB/s": "", bytes: stateBytes });

  const mergeMs = 1000 / (rows.find((r) => r.operation === "merge (concurrent states, 1% differ)")!["ops/s"] as number);
  return report({
    name: "crdt",
    title: "CRDT merge / encode / hash throughput (single thread)",
    rows,
    notes: [
      "merge is the pure join (copies its first argument); replicas apply deltas in place via ReplicaState.merge",
      "hash64 = first 64 bits of MurmurHash3 x86_128 over the canonical encoding",
      `delta/full size ratio ${ratio.toFixed(0)}× (${deltaBytes} B vs ${fullBytes} B)`,
      "update + digest() = one local update, then re-encode + hash of the whole state (digests are cached until a change)",
      `wall-clock figures; 1-min load average at the end of the run: ${loadavg()[0]!.toFixed(1)} (shared machine)`,
    ],
    targets: [
      { description: "one AWSet add as a delta ≥ 100× smaller than the full 10,000-element state", met: ratio >= 100, value: `${ratio.toFixed(0)}×` },
      { description: "AWSet merge of 10k-element states well under a few ms", met: mergeMs < 5, value: `${mergeMs.toFixed(2)} ms` },
    ],
  });
}
