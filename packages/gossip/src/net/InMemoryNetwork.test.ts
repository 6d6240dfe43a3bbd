import { describe, expect, it } from "vitest";
import { Rng } from "../time/Rng.js";
import { VirtualScheduler } from "../time/VirtualScheduler.js";
import { InMemoryNetwork } from "./InMemoryNetwork.js";
import type { DropReason } from "./Transport.js";

function setup(seed = 1) {
  const scheduler = new VirtualScheduler();
  const network = new InMemoryNetwork(scheduler, new Rng(seed));
  const got = new Map<string, Array<{ from: string; at: number; tag: number }>>();
  const drops: DropReason[] = [];
  network.onDrop((_f, _t, _b, reason) => drops.push(reason));
  const ids = ["a", "b", "c", "d"];
  const ep = new Map(
    ids.map((id) => {
      got.set(id, []);
      return [id, network.attach(id, (from, bytes) => got.get(id)!.push({ from, at: scheduler.now(), tag: bytes[0]! }))];
    }),
  );
  const send = (from: string, to: string, tag = 0) => ep.get(from)!.send(to, new Uint8Array([tag]));
  return { scheduler, network, got, drops, send };
}

describe("InMemoryNetwork faults", () => {
  it("G-N1: applies latency, and jitter within ±jitterMs", () => {
    const { scheduler, network, got, send } = setup();
    network.setDefaultConditions({ latencyMs: 50, jitterMs: 10 });
    for (let i = 0; i < 200; i++) send("a", "b", i);
    scheduler.runFor(1000);
    const times = got.get("b")!.map((m) => m.at);
    expect(times).toHaveLength(200);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(40);
    expect(Math.max(...times)).toBeLessThanOrEqual(60);
    expect(new Set(times).size).toBeGreaterThan(100); // really jittered
  });

  it("G-N2: loses about lossRate of the messages, reporting each as a loss", () => {
    const { scheduler, network, got, drops, send } = setup(3);
    network.setDefaultConditions({ lossRate: 0.3 });
    for (let i = 0; i < 5000; i++) send("a", "b");
    scheduler.runFor(10);
    const delivered = got.get("b")!.length;
    expect(delivered / 5000).toBeGreaterThan(0.67);
    expect(delivered / 5000).toBeLessThan(0.73);
    expect(drops.length + delivered).toBe(5000);
    expect(new Set(drops)).toEqual(new Set(["loss"]));
  });

  it("G-N3: partitions split groups; unlisted replicas form one more group; heal restores", () => {
    const { scheduler, network, got, drops, send } = setup();
    network.partition([["a", "b"]]);
    send("a", "b", 1);
    send("a", "c", 2);
    send("c", "d", 3);
    send("d", "b", 4);
    scheduler.runFor(1);
    expect(got.get("b")!.map((m) => m.tag)).toEqual([1]);
    expect(got.get("c")).toHaveLength(0);
    expect(got.get("d")!.map((m) => m.tag)).toEqual([3]);
    expect(drops).toEqual(["partition", "partition"]);
    network.heal();
    send("a", "c", 5);
    scheduler.runFor(1);
    expect(got.get("c")!.map((m) => m.tag)).toEqual([5]);
    expect(() => network.partition([["a"], ["a", "b"]])).toThrow();
  });

  it("G-N4: a partition also stops messages already in flight", () => {
    const { scheduler, network, got, send } = setup();
    network.setDefaultConditions({ latencyMs: 100 });
    send("a", "b");
    scheduler.runFor(50);
    network.partition([["a"], ["b"]]);
    scheduler.runFor(100);
    expect(got.get("b")).toHaveLength(0);
    expect(network.messagesInFlight).toBe(0);
  });

  it("G-N5: a cut is one-way and can be undone", () => {
    const { scheduler, network, got, drops, send } = setup();
    network.cut("a", "b");
    send("a", "b");
    send("b", "a");
    scheduler.runFor(1);
    expect(got.get("b")).toHaveLength(0);
    expect(got.get("a")).toHaveLength(1);
    expect(drops).toEqual(["cut"]);
    expect(network.faults().cuts).toEqual([["a", "b"]]);
    network.uncut("a", "b");
    send("a", "b");
    scheduler.runFor(1);
    expect(got.get("b")).toHaveLength(1);
  });

  it("G-N6: per-link overrides apply to one direction only and are cleared by heal({conditions})", () => {
    const { scheduler, network, got, send } = setup();
    network.setLinkConditions("a", "b", { latencyMs: 500 });
    network.setLinkConditions("c", "d", { lossRate: 1 });
    send("a", "b");
    send("b", "a");
    send("c", "d");
    scheduler.runFor(100);
    expect(got.get("a")).toHaveLength(1);
    expect(got.get("b")).toHaveLength(0);
    scheduler.runFor(400);
    expect(got.get("b")).toHaveLength(1);
    expect(got.get("d")).toHaveLength(0);
    expect(network.faults().overrides).toHaveLength(2);
    network.heal({ conditions: true });
    send("c", "d");
    scheduler.runFor(1);
    expect(got.get("d")).toHaveLength(1);
    expect(() => network.setDefaultConditions({ lossRate: 2 })).toThrow(RangeError);
  });

  it("G-N7: a detached replica is unreachable", () => {
    const { scheduler, network, drops } = setup();
    network.attach("e", () => {}).close();
    const e = network.attach("f", () => {});
    e.send("e", new Uint8Array(3));
    scheduler.runFor(1);
    expect(drops).toEqual(["unreachable"]);
    expect(network.isAttached("e")).toBe(false);
  });

  it("G-N8: is deterministic for a seed", () => {
    const trace = (seed: number) => {
      const { scheduler, network, got, send } = setup(seed);
      network.setDefaultConditions({ latencyMs: 10, jitterMs: 9, lossRate: 0.2 });
      for (let i = 0; i < 100; i++) send("a", "b", i);
      scheduler.runFor(100);
      return got.get("b")!.map((m) => `${m.tag}@${m.at}`);
    };
    expect(trace(9)).toEqual(trace(9));
    expect(trace(9)).not.toEqual(trace(10));
  });
});
