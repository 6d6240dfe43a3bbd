import { InMemoryNetwork, Rng, VirtualScheduler, type Endpoint, type Transport } from "@driftscope/gossip";
import type { NetworkConfig } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { FaultyTransport, inMemoryFaults } from "./faults.js";

const calm: NetworkConfig = { latencyMs: 0, jitterMs: 0, lossRate: 0, partitions: [], cuts: [], crashed: [] };

/** A transport that records what reaches it. */
class Recorder implements Transport {
  sent: Array<[string, string]> = [];
  attach(id: string): Endpoint {
    return { id, send: (to) => this.sent.push([id, to]), close: () => {} };
  }
  async close() {}
}

describe("simulated network faults", () => {
  it("FaultyTransport drops across partitions and one-way cuts, and stops dropping when healed", () => {
    const inner = new Recorder();
    const t = new FaultyTransport(inner, new Rng(1));
    const a = t.attach("a", () => {});
    t.apply({ ...calm, partitions: [["a"], ["b"]] as never, cuts: [] });
    a.send("b", new Uint8Array(1));
    a.send("c", new Uint8Array(1)); // replicas named in no group form one more group: c is cut off from a too
    expect(inner.sent).toEqual([]);
    t.apply({ ...calm, cuts: [{ from: "a" as never, to: "b" as never }] });
    a.send("b", new Uint8Array(1));
    a.send("c", new Uint8Array(1));
    expect(inner.sent).toEqual([["a", "c"]]);
    t.apply(calm);
    a.send("b", new Uint8Array(1));
    expect(inner.sent).toEqual([["a", "c"], ["a", "b"]]);
    expect(t.dropped).toBe(3);
  });

  it("FaultyTransport loses about lossRate of the messages", () => {
    const inner = new Recorder();
    const t = new FaultyTransport(inner, new Rng(2));
    const a = t.attach("a", () => {});
    t.apply({ ...calm, lossRate: 0.3 });
    for (let i = 0; i < 2000; i++) a.send("b", new Uint8Array(1));
    expect(inner.sent.length / 2000).toBeGreaterThan(0.65);
    expect(inner.sent.length / 2000).toBeLessThan(0.75);
  });

  it("the in-memory network takes latency, partitions and cuts from the config, and drops cuts that were removed", () => {
    const scheduler = new VirtualScheduler();
    const network = new InMemoryNetwork(scheduler, new Rng(3));
    const faults = inMemoryFaults(network);
    faults.apply({ ...calm, latencyMs: 40, partitions: [["a", "b"]] as never, cuts: [{ from: "a" as never, to: "b" as never }] });
    expect(network.conditions("a", "b").latencyMs).toBe(40);
    expect(network.reachable("a", "b")).toBe("cut");
    expect(network.reachable("b", "a")).toBeNull();
    expect(network.reachable("a", "z")).toBe("partition");
    faults.apply(calm);
    expect(network.reachable("a", "b")).toBeNull();
    expect(network.reachable("a", "z")).toBeNull();
  });
});
