import { GCounter } from "@driftscope/crdt";
import { describe, expect, it } from "vitest";
import type { GossipEvent } from "../events.js";
import { RealScheduler } from "../time/RealScheduler.js";
import { Cluster } from "./Cluster.js";

/** A busy run with every kind of fault and config change, as one event trace. */
function trace(seed: number): string[] {
  const cluster = new Cluster({
    type: "awset", replicas: 12, seed, config: { intervalMs: 100, fanout: 2 }, network: { latencyMs: 15, jitterMs: 10, lossRate: 0.2 },
  });
  const events: string[] = [];
  const line = (e: GossipEvent) => events.push(JSON.stringify(e));
  cluster.events.onAny(line);
  cluster.setWorkload({ updatesPerSecPerReplica: 3 });
  cluster.runFor(1000);
  cluster.network.partition([["r0", "r1", "r2", "r3"]]);
  cluster.setConfig({ payload: "digest", mode: "pull" });
  cluster.runFor(700);
  cluster.crash("r5");
  cluster.network.cut("r6", "r7");
  cluster.setConfig({ payload: "full", fanout: 3, intervalMs: 70 });
  cluster.runFor(900);
  cluster.restore("r5", { keepState: false });
  cluster.join();
  cluster.network.heal();
  cluster.setWorkload({ updatesPerSecPerReplica: 0 });
  cluster.runUntilConverged(60_000);
  events.push(...cluster.running().map((r) => `${r.id} ${r.digest().hash}`));
  return events;
}

describe("Cluster", () => {
  it("G-D1: the same seed gives the identical event trace; another seed does not", () => {
    const a = trace(42);
    const b = trace(42);
    expect(a.length).toBeGreaterThan(2000);
    expect(b).toEqual(a);
    expect(trace(43)).not.toEqual(a);
  });

  it("G-D2: the workload issues about updatesPerSecPerReplica × running replicas × seconds", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 20, seed: 3 });
    let updates = 0;
    cluster.events.on("update", () => updates++);
    cluster.setWorkload({ updatesPerSecPerReplica: 0.5 });
    cluster.runFor(100_000); // expect 1,000
    expect(updates).toBeGreaterThan(900);
    expect(updates).toBeLessThan(1100);
    for (let i = 0; i < 10; i++) cluster.crash(`r${i}`); // half the replicas: half the rate
    updates = 0;
    cluster.runFor(100_000);
    expect(updates).toBeGreaterThan(430);
    expect(updates).toBeLessThan(570);
    expect(() => cluster.setWorkload({ updatesPerSecPerReplica: -1 })).toThrow(RangeError);
  });

  it("G-D3: membership events and ids; unknown ids are refused", () => {
    const cluster = new Cluster({ type: GCounter, replicas: ["a", "b"] });
    const changes: string[] = [];
    cluster.events.on("membership", (e) => changes.push(`${e.change}:${e.replica}${e.keepState === undefined ? "" : `:${e.keepState}`}`));
    const c = cluster.join();
    cluster.crash("a");
    cluster.restore("a", { keepState: false });
    cluster.leave("b");
    expect(changes).toEqual([`join:${c.id}`, "crash:a", "restore:a:false", "leave:b"]);
    expect(cluster.ids()).toEqual(["a", c.id]);
    expect(() => cluster.replica("zz")).toThrow(/no replica/);
    expect(() => cluster.join("a")).toThrow(/exists/);
    expect(() => cluster.runFor(1)).not.toThrow();
  });

  it("G-D4: a real-time cluster converges on wall-clock timers and closes cleanly", async () => {
    const scheduler = new RealScheduler();
    const cluster = new Cluster({ type: GCounter, replicas: 5, scheduler, config: { intervalMs: 10, fanout: 2 } });
    for (const id of cluster.ids()) cluster.update(id);
    const deadline = Date.now() + 10_000;
    while (!(cluster.isConverged() && cluster.replica("r0").value() === 5) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(cluster.replica("r4").value()).toBe(5);
    expect(() => cluster.runFor(10)).toThrow(/real time/);
    await cluster.close();
    await new Promise((r) => setTimeout(r, 50)); // messages already in flight land (and are dropped)
    expect(scheduler.pendingTimers).toBe(0); // no tick, workload or flush timer survives
    expect(cluster.running()).toEqual([]);
  });

  it("G-D5: partial views: each replica gossips within viewSize random others, kept up to date on join and leave", () => {
    const cluster = new Cluster({ type: GCounter, replicas: 40, seed: 5, viewSize: 4, config: { intervalMs: 100, fanout: 2, mode: "push" } });
    const targets = new Map<string, Set<string>>();
    cluster.events.on("send", (e) => {
      if (e.kind !== "state") return; // acknowledgements go back to whoever pushed
      if (!targets.has(e.from)) targets.set(e.from, new Set());
      targets.get(e.from)!.add(e.to);
    });
    for (const id of cluster.ids()) cluster.update(id);
    expect(cluster.runUntilConverged(60_000)).toBe(true);
    expect(cluster.replica("r7").value()).toBe(40);
    for (const id of cluster.ids()) {
      const view = cluster.viewOf(id).members();
      expect(view.length).toBeGreaterThanOrEqual(4);
      expect(view.length).toBeLessThanOrEqual(16);
      expect(view).not.toContain(id);
      for (const other of view) expect(cluster.viewOf(other).has(id)).toBe(true); // symmetric
      for (const to of targets.get(id) ?? []) expect(view).toContain(to);
    }
    const fresh = cluster.join();
    expect(cluster.viewOf(fresh.id).members()).toHaveLength(4);
    expect(cluster.ids().filter((id) => cluster.viewOf(id).has(fresh.id))).toHaveLength(4);
    cluster.leave("r3");
    for (const id of cluster.ids()) {
      expect(cluster.viewOf(id).has("r3")).toBe(false);
      expect(cluster.viewOf(id).members().length).toBeGreaterThanOrEqual(4);
    }
    cluster.update(fresh.id);
    cluster.runFor(200);
    expect(cluster.runUntilConverged(60_000)).toBe(true);
    expect(fresh.value()).toBe(41);
  });
});
