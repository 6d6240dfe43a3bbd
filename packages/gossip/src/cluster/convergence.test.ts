import { AWSet, type Dot } from "@driftscope/crdt";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { GossipConfig } from "../config.js";
import { Cluster } from "./Cluster.js";

// Random fault schedules in virtual time, then heal: every live replica ends with the same
// hash, value and version vector, and no update is lost (except those that existed only on a
// replica whose state was wiped or that left — those are *allowed* to be gone).

type Step =
  | { op: "update"; at: number; count: number }
  | { op: "partition"; split: number[] }
  | { op: "cut"; from: number; to: number }
  | { op: "heal" }
  | { op: "loss"; rate: number }
  | { op: "latency"; latencyMs: number; jitterMs: number }
  | { op: "link"; from: number; to: number; lossRate: number }
  | { op: "crash"; at: number }
  | { op: "restore"; at: number; keepState: boolean }
  | { op: "config"; change: Partial<GossipConfig> }
  | { op: "join" }
  | { op: "leave"; at: number }
  | { op: "run"; ms: number };

const N = 7;
const idx = fc.nat({ max: 30 });
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ op: fc.constant("update" as const), at: idx, count: fc.integer({ min: 1, max: 4 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("partition" as const), split: fc.array(fc.nat({ max: 2 }), { minLength: N, maxLength: N }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("cut" as const), from: idx, to: idx }) },
  { weight: 1, arbitrary: fc.constant({ op: "heal" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("loss" as const), rate: fc.double({ min: 0, max: 0.5, noNaN: true }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("latency" as const), latencyMs: fc.integer({ min: 0, max: 300 }), jitterMs: fc.integer({ min: 0, max: 100 }) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("link" as const), from: idx, to: idx, lossRate: fc.double({ min: 0, max: 1, noNaN: true }) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("crash" as const), at: idx }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("restore" as const), at: idx, keepState: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant("config" as const),
      change: fc.record(
        {
          intervalMs: fc.constantFrom(50, 100, 250, 1000),
          fanout: fc.integer({ min: 1, max: 4 }),
          mode: fc.constantFrom("push" as const, "pull" as const, "push-pull" as const),
          payload: fc.constantFrom("full" as const, "delta" as const, "digest" as const),
        },
        { requiredKeys: [] },
      ),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ op: "join" as const }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("leave" as const), at: idx }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("run" as const), ms: fc.integer({ min: 10, max: 1500 }) }) },
);

const key = (d: Dot) => `${d.replica}:${d.seq}`;

function runSchedule(seed: number, steps: Step[], deltaLogCapacity: number, viewSize?: number): void {
  const cluster = new Cluster({
    type: AWSet, replicas: N, seed, deltaLogCapacity, ...(viewSize !== undefined ? { viewSize } : {}),
    config: { intervalMs: 100, fanout: 2, mode: "push-pull", payload: "delta" },
  });
  const issued = new Map<string, Dot>();
  const mayBeLost = new Set<string>();
  cluster.events.on("update", (e) => issued.set(key(e.dot), e.dot));
  const pick = (i: number) => {
    const ids = cluster.ids();
    return ids[i % ids.length]!;
  };
  /** Dots only `id` holds (the ones its wipe or departure may destroy). */
  const onlyAt = (id: string) => {
    const others = cluster.replicas().filter((r) => r.id !== id).map((r) => r.state.context());
    const mine = cluster.replica(id).state.context();
    for (const [k, d] of issued) if (mine.includes(d) && !others.some((c) => c.includes(d))) mayBeLost.add(k);
  };

  for (const s of steps) {
    switch (s.op) {
      case "update": {
        const id = pick(s.at);
        if (cluster.replica(id).isRunning) for (let i = 0; i < s.count; i++) cluster.update(id);
        break;
      }
      case "partition": {
        const groups: string[][] = [[], [], []];
        cluster.ids().forEach((id, i) => groups[s.split[i % s.split.length]!]!.push(id));
        cluster.network.partition(groups.filter((g) => g.length > 0));
        break;
      }
      case "cut":
        cluster.network.cut(pick(s.from), pick(s.to));
        break;
      case "heal":
        cluster.network.heal();
        break;
      case "loss":
        cluster.network.setDefaultConditions({ lossRate: s.rate });
        break;
      case "latency":
        cluster.network.setDefaultConditions({ latencyMs: s.latencyMs, jitterMs: s.jitterMs });
        break;
      case "link":
        cluster.network.setLinkConditions(pick(s.from), pick(s.to), { lossRate: s.lossRate });
        break;
      case "crash":
        cluster.crash(pick(s.at));
        break;
      case "restore": {
        const id = pick(s.at);
        if (!cluster.replica(id).isRunning && !s.keepState) onlyAt(id);
        cluster.restore(id, { keepState: s.keepState });
        break;
      }
      case "config":
        cluster.setConfig(s.change);
        break;
      case "join":
        if (cluster.size < 10) cluster.join();
        break;
      case "leave":
        if (cluster.size > 3) {
          const id = pick(s.at);
          onlyAt(id);
          cluster.leave(id);
        }
        break;
      case "run":
        cluster.runFor(s.ms);
        break;
    }
  }

  // Heal everything: network, crashed replicas; keep the last config.
  cluster.network.heal({ conditions: true });
  for (const r of cluster.replicas()) if (!r.isRunning) cluster.restore(r.id, { keepState: true });
  cluster.runFor(2 * cluster.config.intervalMs); // let in-flight messages land first
  const converged = cluster.runUntilConverged(600_000);
  expect(converged, "live replicas converge after healing").toBe(true);

  const live = cluster.running();
  const values = new Set(live.map((r) => JSON.stringify(r.value())));
  const hashes = new Set(live.map((r) => r.digest().hash));
  expect(values.size).toBe(1);
  expect(hashes.size).toBe(1);
  for (const r of live) {
    const ctx = r.state.context();
    for (const [k, d] of issued) if (!mayBeLost.has(k)) expect(ctx.includes(d), `${r.id} lost update ${k}`).toBe(true);
  }
}

describe("convergence under random fault schedules (virtual time)", () => {
  it("G-K1: after healing, all live replicas agree and no update is lost", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(step, { minLength: 5, maxLength: 60 }), (seed, steps) => {
        runSchedule(seed, steps, 256);
      }),
      { numRuns: 300 },
    );
  });

  it("G-K2: the same with a tiny delta log (gaps and full-state fallbacks everywhere)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(step, { minLength: 5, maxLength: 60 }), (seed, steps) => {
        runSchedule(seed, steps, 2);
      }),
      { numRuns: 200 },
    );
  });

  it("G-K3: the same over partial views of 3 (symmetric neighbourhoods)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.array(step, { minLength: 5, maxLength: 60 }), (seed, steps) => {
        runSchedule(seed, steps, 64, 3);
      }),
      { numRuns: 150 },
    );
  });

  it("G-K4: a replica restored empty gets its old updates back from neighbours that had them only from it (a case G-K3 found)", () => {
    // Partial views of 3: r0's neighbours received r0:1 from r0 itself. After r0 restarts
    // empty they must send it back although it came "via r0" (it was lost with that incarnation).
    runSchedule(1, [
      { op: "update", at: 0, count: 1 },
      { op: "latency", latencyMs: 0, jitterMs: 64 },
      { op: "run", ms: 288 },
      { op: "crash", at: 0 },
      { op: "restore", at: 0, keepState: false },
      { op: "update", at: 0, count: 1 },
      { op: "latency", latencyMs: 0, jitterMs: 0 },
      { op: "update", at: 0, count: 1 },
    ], 64, 3);
  });

  it("G-K5: a replica restored empty with nothing to push still tells its peers, who then send it everything again (a case G-K3 found)", () => {
    // Push mode: r2 restarts empty and has no update of its own, so it had nothing to send; its
    // neighbours still believed it held what they had sent its previous incarnation.
    runSchedule(1, [
      { op: "leave", at: 0 },
      { op: "update", at: 0, count: 1 },
      { op: "run", ms: 311 },
      { op: "crash", at: 7 },
      { op: "config", change: { mode: "push" } },
      { op: "restore", at: 1, keepState: false },
      { op: "partition", split: [0, 0, 0, 0, 0, 0, 0] },
    ], 64, 3);
  });
});
