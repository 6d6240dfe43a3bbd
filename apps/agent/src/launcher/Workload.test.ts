import { GossipEvents, InMemoryNetwork, Membership, Replica, Rng, VirtualScheduler } from "@driftscope/gossip";
import { crdtTypeByName } from "@driftscope/crdt";
import { describe, expect, it } from "vitest";
import { checkOpMix, Workload } from "./Workload.js";

function replicas(n: number, type: "awset" | "pncounter" = "awset") {
  const scheduler = new VirtualScheduler();
  const rng = new Rng(5);
  const network = new InMemoryNetwork(scheduler, rng.fork());
  const ids = Array.from({ length: n }, (_, i) => `w${i}`);
  const membership = new Membership(ids);
  const events = new GossipEvents();
  const list = ids.map((id) => new Replica({ id, type: crdtTypeByName(type), transport: network, scheduler, rng: rng.fork(), view: membership, events, config: { intervalMs: 1000 } }));
  return { scheduler, rng, list, events };
}

describe("launcher workload", () => {
  it("issues about rate × replicas × seconds updates, spread over the replicas", () => {
    const { scheduler, rng, list } = replicas(10);
    const w = new Workload(scheduler, rng.fork(), () => list);
    w.set(5);
    scheduler.runFor(20_000);
    expect(w.issued).toBeGreaterThan(900);
    expect(w.issued).toBeLessThan(1100);
    for (const r of list) expect(r.state.seq).toBeGreaterThan(50);
    w.set(0);
    const n = w.issued;
    scheduler.runFor(5_000);
    expect(w.issued).toBe(n);
  });

  it("follows the op mix", () => {
    const { scheduler, rng, list, events } = replicas(4, "pncounter");
    let inc = 0;
    let dec = 0;
    const seen = new Set<string>();
    events.on("update", (e) => seen.add(`${e.replica}/${e.dot.seq}`));
    const w = new Workload(scheduler, rng.fork(), () => list);
    w.set(50, [{ op: "decrement", weight: 9 }, { op: "increment", weight: 1 }]);
    scheduler.runFor(5_000);
    for (const r of list) {
      const value = r.value() as number;
      inc += (r.state.seq + value) / 2;
      dec += (r.state.seq - value) / 2;
    }
    expect(dec / (inc + dec)).toBeGreaterThan(0.8);
    expect(seen.size).toBe(w.issued);
  });

  it("op mixes must name the type's operations", () => {
    expect(checkOpMix("awset", [{ op: "add", weight: 1 }, { op: "remove", weight: 1 }])).toBeUndefined();
    expect(checkOpMix("awset", [{ op: "increment", weight: 1 }])).toContain("awset has no operation");
    expect(checkOpMix("gcounter", [{ op: "increment", weight: 0 }])).toContain("0");
  });
});
