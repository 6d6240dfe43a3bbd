// The example node (4 Yjs replicas syncing through y-protocols over a lossy in-process
// network) against a real collector for more than 10 s. The test keeps its own truth from the
// documents' transactions — when each dot was issued and when each replica included it —
// and checks the collector's view against it: exact version vectors, every dot's
// convergence sample within one report tick, and a deletion (no dot) visible in the hash and
// the count of distinct states but not in the missing counts.
import { ConvergenceTruth } from "@driftscope/agent/testing";
import * as Y from "yjs";
import { afterEach, describe, expect, it } from "vitest";
import { YjsCluster } from "../examples/yjsCluster.js";
import { ORIGINS_MAP } from "../src/index.js";
import { eventually, sleep, startCollector } from "./liveCollector.js";
import { yjsTruth } from "./yjsTruth.js";

const REPORT_INTERVAL_MS = 100;
const RUN_MS = 5_500;
const clock = () => performance.timeOrigin + performance.now();

/** The part of `GET /api/v1/cluster` this test reads (docs/protocol.md). */
interface Snapshot {
  samples: Array<[origin: string, seq: number, issuedAtMs: number, convergenceMs: number]>;
  frames: Array<{ kpis: { distinctStates: number } }>;
}

let cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

/** The test's own reading of a client's origin name: the claim in the document, else its client id. */
const nameIn = (doc: Y.Doc, client: number): string => {
  const claimed = doc.getMap(ORIGINS_MAP).get(String(client));
  return typeof claimed === "string" ? claimed : String(client);
};

/** The version vector computed from the document itself, sorted. */
const vectorOf = (doc: Y.Doc): Array<[string, number]> =>
  [...Y.decodeStateVector(Y.encodeStateVector(doc))].map(([client, clock]): [string, number] => [nameIn(doc, client), clock]).sort(([a], [b]) => (a < b ? -1 : 1));

const sortedVector = (vv: Iterable<readonly [string, number]>): Array<[string, number]> =>
  [...vv].filter(([, s]) => s > 0).map(([o, s]): [string, number] => [o, s]).sort(([a], [b]) => (a < b ? -1 : 1));

/** Records, from each document's own transactions, when its dots were issued and included. */
function recordTruth(cluster: YjsCluster): ConvergenceTruth {
  const truth = new ConvergenceTruth();
  cluster.docs.forEach((doc, i) => {
    const replica = cluster.sources[i]!.id;
    doc.on("afterTransaction", (tr: Y.Transaction) => {
      const at = clock();
      for (const [client, after] of tr.afterState) {
        const before = tr.beforeState.get(client) ?? 0;
        if (after <= before) continue;
        const origin = nameIn(doc, client);
        // Dots are 1-based seqs; Yjs clocks start at 0.
        if (tr.local) for (let seq = before + 1; seq <= after; seq++) truth.issued(origin, seq, at);
        truth.included(replica, origin, before + 1, after, at);
      }
    });
  });
  return truth;
}

describe("Yjs replicas against the real collector", () => {
  it("version vectors are exact, every dot's convergence sample is within one report tick of the truth, and a deletion shows in the hash", async () => {
    const collector = await startCollector(clock);
    cleanups.push(() => collector.stop());
    const cluster = new YjsCluster({
      collectorUrl: collector.url,
      replicas: 4,
      editsPerSec: 6,
      antiEntropyMs: 500,
      lossRate: 0.25,
      followConfig: false,
      agent: { reportIntervalMs: REPORT_INTERVAL_MS, now: clock, logger: { info: () => {}, warn: () => {} } },
    });
    cleanups.push(() => cluster.close());
    const truth = recordTruth(cluster);
    const ids = cluster.sources.map((s) => s.id);
    const engine = collector.core.engine;
    const snapshot = async () => (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as Snapshot;

    await sleep(RUN_MS);
    cluster.stopEditing();
    await eventually("the documents to converge", () => cluster.network.inFlight === 0 && new Set(cluster.docs.map(yjsTruth)).size === 1, 15_000);

    // Version vectors at the collector are the documents' own, and nothing is missing.
    const truthVector = vectorOf(cluster.docs[0]!);
    await eventually("the collector's vectors to match the documents'", () =>
      ids.every((id, i) => JSON.stringify(sortedVector(engine.versionVector(id) ?? [])) === JSON.stringify(vectorOf(cluster.docs[i]!))),
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(ids.map((id) => [id, sortedVector(engine.versionVector(id) ?? [])]))} vs ${JSON.stringify(truthVector)}`);
    });
    expect(truthVector.map(([origin]) => origin)).toEqual([...ids].sort());
    expect(ids.map((id) => engine.missingUpdates(id))).toEqual([0, 0, 0, 0]);
    const dotsIssued = [...truth.issuedCounts().values()].reduce((a, b) => a + b, 0);
    expect(dotsIssued).toBe(truthVector.reduce((n, [, seq]) => n + seq, 0));
    expect(dotsIssued).toBeGreaterThan(100);

    // Every dot has one convergence sample, within one report tick of what the test measured.
    let samples: Snapshot["samples"] = [];
    await eventually("a convergence sample for every dot", async () => {
      samples = (await snapshot()).samples.filter(([origin]) => ids.includes(origin));
      return samples.length >= dotsIssued;
    });
    const { compared, problems } = truth.compare(samples, ids, REPORT_INTERVAL_MS);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(compared).toBe(dotsIssued);
    expect(new Set(samples.map(([o, s]) => `${o}#${s}`)).size).toBe(dotsIssued);
    expect(Math.max(...samples.map(([, , , ms]) => ms))).toBeGreaterThan(REPORT_INTERVAL_MS); // lost updates waited for anti-entropy

    // A deletion issues no dot: the vectors stay equal and nothing is missing, but the
    // deleting replica's hash differs from the others' and the states count as two.
    const hashAt = (id: string) => engine.replicaFigures(clock()).find((f) => f.id === id)?.hash;
    await eventually("one hash everywhere", () => new Set(ids.map(hashAt)).size === 1 && hashAt(ids[0]!) === cluster.sources[0]!.digest().hash);
    cluster.syncPaused = true;
    cluster.docs[0]!.getText("t").delete(0, 1);
    const deletedHash = cluster.sources[0]!.digest().hash;
    await eventually("the deletion's hash at the collector", () => hashAt(ids[0]!) === deletedHash);
    expect(new Set(ids.map(hashAt)).size).toBe(2);
    expect(ids.map((id) => JSON.stringify(sortedVector(engine.versionVector(id) ?? [])))).toEqual(Array(4).fill(JSON.stringify(truthVector)));
    expect(ids.map((id) => engine.missingUpdates(id))).toEqual([0, 0, 0, 0]);
    await eventually("two distinct states in a frame", async () => (await snapshot()).frames.at(-1)?.kpis.distinctStates === 2);
    cluster.syncPaused = false;
    await eventually("the deletion everywhere", () => new Set(cluster.docs.map(yjsTruth)).size === 1, 10_000);
    await eventually("one hash again, the deletion's", () => ids.every((id) => hashAt(id) === cluster.sources[0]!.digest().hash));
    await eventually("one state in a frame", async () => (await snapshot()).frames.at(-1)?.kpis.distinctStates === 1);
  }, 60_000);
});
