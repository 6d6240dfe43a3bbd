import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_CLUSTER_CONFIG, type Kpis, type Theory } from "@driftscope/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { theoryFor } from "../metrics/theoryFor.js";
import { CSV_COLUMNS, csvField, csvLines, jsonChunks } from "./export.js";
import { Recorder } from "./Recorder.js";
import { RunStore, runIdOf, runNumberOf } from "./RunStore.js";

const KPIS: Kpis = {
  live: 2,
  unreachable: 1,
  crashed: 0,
  total: 3,
  convergedShare: 0.5,
  distinctStates: 2,
  missingUpdatesTotal: 7,
  maxStalenessMs: 120,
  meanMissingUpdates: 3.5,
  inFlight: 4,
  oldestInFlightMs: 120,
  lostUpdates: 0,
  convergenceP50Ms: 10,
  convergenceP95Ms: 20,
  convergenceP99Ms: 30,
  convergenceMaxMs: 40,
  convergenceSamples: 5,
  convergenceAtLeast: { p50: false, p95: false, p99: true, max: true },
  updatesPerSec: 1.5,
  messagesPerSec: 3,
  bytesPerSec: 300,
  deliveriesPerSec: 3,
  bytesPerUpdate: 100,
  configVersion: 1,
  ackedReplicas: 2,
};
const RETENTION = { maxRuns: 50, maxBytes: 1e9 };
const OPTS = { retention: RETENTION, collectorVersion: "0.1.0", protocol: 1 };

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "driftscope-runs-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("run ids", () => {
  it("round-trips and refuses what is not a run id", () => {
    expect(runNumberOf(runIdOf(42))).toBe(42);
    for (const bad of ["run-0", "run-01", "run-", "42", "run-1e3", "__proto__"]) expect(runNumberOf(bad)).toBeUndefined();
  });
});

describe("RunStore + Recorder", () => {
  it("CL-RS1: a run records configs, events, 1 Hz frames and samples, and survives reopening", () => {
    const path = join(dir, "a.db");
    const rec = new Recorder(new RunStore(path), OPTS);
    const run = rec.start("first", 1000, DEFAULT_CLUSTER_CONFIG);
    rec.addEvent({ timeMs: 1100, kind: "config", summary: "gossip.fanout 2 → 3", version: 2 });
    rec.addConfig({ ...DEFAULT_CLUSTER_CONFIG, version: 2 }, { gossip: { fanout: 3 } }, 1100);
    rec.addFrame(2000, KPIS, { replicaIds: ["a", "b", "c"], columns: { missingUpdates: [0, 3, 4], status: [0, 0, 1] } });
    rec.addSamples([
      { origin: "a", seq: 1, issuedAtMs: 1500, convergenceMs: 30 },
      { origin: "a", seq: 2, issuedAtMs: 1600, convergenceMs: 10 },
    ]);
    rec.close(3000);

    const store = new RunStore(path);
    expect(store.interrupted).toBe(0);
    const [summary] = store.listRuns();
    expect(summary).toMatchObject({ id: run.id, name: "first", status: "closed", endedAtMs: 3000, frames: 1, samples: 2, events: 1, configs: 2 });
    expect(store.configs(run.id).map((c) => c.version)).toEqual([1, 2]);
    expect(store.convergenceStats(run.id)).toMatchObject({ count: 2, p50: 10, p95: 30, p99: 30, max: 30, censored: 0, atLeast: { p99: false } });
    store.close();
  });

  it("CL-RS5: updates still in flight when a run ends keep its percentiles censored; frames keep in-flight and lost figures", () => {
    const path = join(dir, "c.db");
    const rec = new Recorder(new RunStore(path), OPTS);
    const run = rec.start("partitioned", 1000, DEFAULT_CLUSTER_CONFIG);
    rec.addFrame(2000, KPIS, { replicaIds: ["a"], columns: { missingUpdates: [0], status: [0] } });
    rec.addSamples(Array.from({ length: 9 }, (_, i) => ({ origin: "a", seq: i + 1, issuedAtMs: 1500, convergenceMs: 100 })));
    rec.stop(20_000, [15_000]);
    rec.close(20_000);
    const store = new RunStore(path);
    const stats = store.convergenceStats(run.id);
    expect(stats).toMatchObject({ count: 9, p50: 100, p99: 15_000, max: 15_000, censored: 1, atLeast: { p50: false, p99: true, max: true } });
    const [frame] = [...store.frames(run.id)];
    expect(frame).toMatchObject({ inFlight: 4, oldestInFlightMs: 120, lostUpdates: 0, meanMissingUpdates: 3.5, convergenceAtLeast: 4 | 8 });
    const csv = [...csvLines(store, store.getRun(run.id)!, "frames")];
    expect(csv[0]).toContain("in_flight,oldest_in_flight_ms,lost_updates,convergence_lower_bounds");
    expect(csv[1]!.trim().endsWith(",p99 max")).toBe(true);
    store.close();
  });

  it("CL-RS2: a run left running by a crash is marked interrupted, ending at its last write", () => {
    const path = join(dir, "b.db");
    const store = new RunStore(path);
    const rec = new Recorder(store, OPTS);
    const run = rec.start("crashy", 1000, DEFAULT_CLUSTER_CONFIG);
    rec.addFrame(2000, KPIS, { replicaIds: [], columns: {} });
    rec.flush(2500);
    rec.addFrame(3000, KPIS, { replicaIds: [], columns: {} }); // never flushed: lost with the crash
    store.db.close(); // the process dies without closing the run

    const again = new RunStore(path);
    expect(again.interrupted).toBe(1);
    expect(again.getRun(run.id)).toMatchObject({ status: "interrupted", endedAtMs: 2500 });
    expect([...again.frames(run.id)]).toHaveLength(1);
    again.close();
  });

  it("CL-RS3: retention keeps the newest runs and never deletes the current one", () => {
    const store = new RunStore(join(dir, "c.db"));
    const rec = new Recorder(store, { ...OPTS, retention: { maxRuns: 3, maxBytes: 1e9 } });
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) ids.push(rec.start(`run ${i}`, 1000 * i, DEFAULT_CLUSTER_CONFIG).id);
    expect(store.listRuns().map((r) => r.id)).toEqual(ids.slice(3).reverse());
    expect(rec.current?.id).toBe(ids[5]);
    rec.close(10_000);
  });

  it("CL-RS4: the size limit deletes old runs first, then the current run's oldest rows", () => {
    const store = new RunStore(join(dir, "d.db"));
    const rec = new Recorder(store, { ...OPTS, retention: { maxRuns: 10, maxBytes: 1e12 } });
    const old = rec.start("old", 0, DEFAULT_CLUSTER_CONFIG);
    const samples = Array.from({ length: 20_000 }, (_, i) => ({ origin: "a", seq: i + 1, issuedAtMs: i, convergenceMs: 5 }));
    rec.addSamples(samples);
    rec.flush(1);
    const cur = rec.start("current", 2, DEFAULT_CLUSTER_CONFIG);
    rec.addSamples(samples);
    rec.flush(3);
    const before = store.usedBytes();
    expect(store.enforceRetention({ maxRuns: 10, maxBytes: before * 0.7 }, cur.id)).toBe(1);
    expect(store.getRun(old.id)).toBeUndefined();
    expect(store.getRun(cur.id)).toBeDefined();
    store.enforceRetention({ maxRuns: 10, maxBytes: 64 * 1024 }, cur.id);
    expect(store.usedBytes()).toBeLessThanOrEqual(64 * 1024);
    expect(store.getRun(cur.id)?.status).toBe("running");
    rec.close(4);
  });
});

describe("writing in slices", () => {
  const turn = () => new Promise((resolve) => setImmediate(resolve));

  it("CL-RS6: a burst is written a slice per turn of the event loop, in order, nothing lost, and ending the run writes the rest", async () => {
    const store = new RunStore(join(dir, "s.db"));
    const rec = new Recorder(store, OPTS);
    const run = rec.start("burst", 0, DEFAULT_CLUSTER_CONFIG);
    const burst = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ origin: "a", seq: from + i, issuedAtMs: from + i, convergenceMs: 5 }));
    rec.addSamples(burst(1, 20_000));
    rec.addEvent({ timeMs: 10, kind: "fault", summary: "healed" });
    rec.addFrame(1000, KPIS, { replicaIds: [], columns: {} });
    rec.flushInSlices(1000);
    // The call returned after one slice: the rest waits for later turns.
    expect(rec.rowsWaiting).toBeGreaterThan(0);
    expect([...store.samples(run.id)].length).toBeLessThan(20_000);
    // Another second's rows while the first are still being written come after them.
    await turn();
    rec.addSamples(burst(20_001, 10_000));
    rec.flushInSlices(2000);
    let turns = 1;
    while (rec.rowsWaiting > 0 && turns < 10_000) {
      await turn();
      turns++;
    }
    expect(turns).toBeGreaterThan(2);
    const seqs = [...store.samples(run.id)].map((x) => x.seq);
    expect(seqs).toHaveLength(30_000);
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
    expect([...store.frames(run.id)]).toHaveLength(1);
    expect(store.getRun(run.id)).toMatchObject({ status: "running" });

    rec.addSamples(burst(30_001, 20_000));
    rec.flushInSlices(3000);
    rec.stop(3500); // writes what is left before the run ends
    expect([...store.samples(run.id)]).toHaveLength(50_000);
    expect(store.getRun(run.id)).toMatchObject({ status: "closed", endedAtMs: 3500 });
    rec.close(4000);
  });
});

describe("exports", () => {
  it("CL-EX1: CSV has the documented header and one line per row; JSON parses", () => {
    const store = new RunStore(join(dir, "e.db"));
    const rec = new Recorder(store, OPTS);
    const run = rec.start("export me", 1000, DEFAULT_CLUSTER_CONFIG);
    rec.addFrame(2000, KPIS, { replicaIds: ["a", "b"], columns: { missingUpdates: [0, 3], status: [0, 2], stalenessMs: [0, 50] } });
    rec.addSamples([{ origin: "a", seq: 4, issuedAtMs: 1500, convergenceMs: 30 }]);
    rec.addEvent({ timeMs: 1200, kind: "fault", summary: "partition, 2 groups", detail: 'say "hi", ok' });
    rec.flush(2500);
    const frames = [...csvLines(store, run, "frames")];
    expect(frames[0]).toBe(`${CSV_COLUMNS.frames.join(",")}\r\n`);
    expect(frames).toHaveLength(2);
    expect(frames[1]!.split(",")[0]).toBe("2000");
    expect([...csvLines(store, run, "samples")][1]).toBe("a,4,1500,1530,30\r\n");
    expect([...csvLines(store, run, "replicas")].slice(1)).toEqual(["2000,a,live,0,0,,,,,\r\n", "2000,b,crashed,3,50,,,,,\r\n"]);
    expect([...csvLines(store, run, "events")][1]).toContain('"say ""hi"", ok"');
    const json = JSON.parse([...jsonChunks(store, run)].join("")) as { run: { id: string }; frames: Array<{ replicaIds: string[] }>; samples: unknown[][] };
    expect(json.run.id).toBe(run.id);
    expect(json.frames[0]!.replicaIds).toEqual(["a", "b"]);
    expect(json.samples).toEqual([["a", 4, 1500, 30]]);
    // Replays draw the reference line of the config then in force, as live frames do.
    const theory = (json.frames[0] as unknown as { theory: Theory | null }).theory;
    expect(theory).toEqual(theoryFor(DEFAULT_CLUSTER_CONFIG, KPIS.live));
    expect(theory?.expectedMs).toBeGreaterThan(0);
    rec.close(3000);
  });

  it("CL-EX2: CSV fields that a spreadsheet would evaluate are kept as text", () => {
    expect(csvField("=1+2")).toBe("'=1+2");
    expect(csvField(-3)).toBe("-3");
    expect(csvField(null)).toBe("");
  });
});
