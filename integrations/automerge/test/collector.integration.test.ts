// The example node (4 Automerge replicas syncing with Automerge's sync protocol over an
// in-process network) against a real collector for more than 10 s. The test keeps its own
// truth from every step of the documents — when each change (actor, seq) was made and when
// each replica came to hold it — and checks the collector's view against it: exact version
// vectors, every change's convergence sample within one report tick, and a deletion (in
// Automerge a change like any other) in the hash and in the missing counts.
import * as A from "@automerge/automerge";
import { ConvergenceTruth } from "@driftscope/agent/testing";
import { afterEach, describe, expect, it } from "vitest";
import { AutomergeCluster, type Board } from "../examples/automergeCluster.js";
import { originOfActor } from "../src/index.js";
import { automergeTruth } from "./automergeTruth.js";
import { eventually, sleep, startCollector } from "./liveCollector.js";

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

/** The version vector computed from the document's own change history, sorted. */
function vectorOf(doc: A.Doc<Board>): Array<[string, number]> {
  const top = new Map<string, number>();
  for (const c of A.getAllChanges(doc).map((change) => A.decodeChange(change))) top.set(originOfActor(c.actor), Math.max(c.seq, top.get(originOfActor(c.actor)) ?? 0));
  return [...top].sort(([a], [b]) => (a < b ? -1 : 1));
}

const sortedVector = (vv: Iterable<readonly [string, number]>): Array<[string, number]> =>
  [...vv].filter(([, s]) => s > 0).map(([o, s]): [string, number] => [o, s]).sort(([a], [b]) => (a < b ? -1 : 1));

describe("Automerge replicas against the real collector", () => {
  it("version vectors are exact, every change's convergence sample is within one report tick of the truth, and a deletion shows in the hash and the missing counts", async () => {
    const collector = await startCollector(clock);
    cleanups.push(() => collector.stop());
    const truth = new ConvergenceTruth();
    const ids = ["am-0", "am-1", "am-2", "am-3"];
    const cluster = new AutomergeCluster({
      collectorUrl: collector.url,
      replicas: 4,
      changesPerSec: 6,
      intervalMs: 500,
      followConfig: false,
      agent: { reportIntervalMs: REPORT_INTERVAL_MS, now: clock, logger: { info: () => {}, warn: () => {} } },
      // The truth, from each step's new changes (their actor and seq as Automerge decodes them).
      onStep: (i, before, after, local) => {
        const at = clock();
        for (const change of A.getChanges(before, after).map((c) => A.decodeChange(c))) {
          const origin = originOfActor(change.actor);
          if (local) truth.issued(origin, change.seq, at);
          truth.included(ids[i]!, origin, change.seq, change.seq, at);
        }
      },
    });
    cleanups.push(() => cluster.close());
    const engine = collector.core.engine;
    const docs = () => cluster.sources.map((s) => s.doc);
    const snapshot = async () => (await (await fetch(`${collector.url}/api/v1/cluster`)).json()) as Snapshot;

    await sleep(RUN_MS);
    cluster.stopChanging();
    await eventually("the documents to converge", () => new Set(docs().map(automergeTruth)).size === 1, 15_000);

    const truthVector = vectorOf(docs()[0]!);
    await eventually("the collector's vectors to match the documents'", () =>
      ids.every((id, i) => JSON.stringify(sortedVector(engine.versionVector(id) ?? [])) === JSON.stringify(vectorOf(docs()[i]!))),
    ).catch((error: unknown) => {
      throw new Error(`${String(error)}: ${JSON.stringify(ids.map((id) => [id, sortedVector(engine.versionVector(id) ?? [])]))} vs ${JSON.stringify(truthVector)}`);
    });
    expect(truthVector.map(([origin]) => origin)).toEqual(ids);
    expect(ids.map((id) => engine.missingUpdates(id))).toEqual([0, 0, 0, 0]);
    const changesMade = [...truth.issuedCounts().values()].reduce((a, b) => a + b, 0);
    expect(changesMade).toBe(truthVector.reduce((n, [, seq]) => n + seq, 0));
    expect(changesMade).toBeGreaterThan(60);

    let samples: Snapshot["samples"] = [];
    await eventually("a convergence sample for every change", async () => {
      samples = (await snapshot()).samples.filter(([origin]) => ids.includes(origin));
      return samples.length >= changesMade;
    });
    const { compared, problems } = truth.compare(samples, ids, REPORT_INTERVAL_MS);
    expect(problems.slice(0, 10)).toEqual([]);
    expect(compared).toBe(changesMade);
    expect(new Set(samples.map(([o, s]) => `${o}#${s}`)).size).toBe(changesMade);

    // A deletion is a change in Automerge: while sync is paused the deleting replica's hash
    // differs and the others miss one update; once synced, one hash everywhere again.
    const hashAt = (id: string) => engine.replicaFigures(clock()).find((f) => f.id === id)?.hash;
    await eventually("one hash everywhere", () => new Set(ids.map(hashAt)).size === 1 && hashAt(ids[0]!) === cluster.sources[0]!.digest().hash);
    cluster.syncPaused = true;
    await eventually("no message in flight", () => cluster.network.inFlight === 0);
    cluster.changeAt(0, (d) => void d.items!.splice(0, 1));
    const deletedHash = cluster.sources[0]!.digest().hash;
    await eventually("the deletion at the collector", () => hashAt(ids[0]!) === deletedHash && ids.slice(1).every((id) => engine.missingUpdates(id) === 1));
    expect(new Set(ids.map(hashAt)).size).toBe(2);
    await eventually("two distinct states in a frame", async () => (await snapshot()).frames.at(-1)?.kpis.distinctStates === 2);
    cluster.syncPaused = false;
    await eventually("the deletion everywhere", () => new Set(docs().map(automergeTruth)).size === 1, 10_000);
    await eventually("one hash again, nothing missing", () => ids.every((id) => hashAt(id) === deletedHash && engine.missingUpdates(id) === 0));
  }, 60_000);
});
