import { DEFAULT_CLUSTER_CONFIG, type ConfigPatch } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { createDashboardStore } from "../store/store.js";
import type { Connection } from "./connection.js";
import { createConfigSender } from "./configSender.js";

function fakeTimers() {
  let pending: (() => void) | null = null;
  return {
    timers: {
      set: ((fn: () => void) => {
        pending = fn;
        return 1 as unknown as ReturnType<typeof setTimeout>;
      }) as unknown as typeof setTimeout,
      clear: (() => {
        pending = null;
      }) as unknown as typeof clearTimeout,
    },
    fire: () => {
      const fn = pending;
      pending = null;
      fn?.();
    },
  };
}

describe("config sender", () => {
  it("a dragged slider sends one change with its resting value", () => {
    const store = createDashboardStore();
    const sent: ConfigPatch[] = [];
    const conn = { sendConfigChange: (p: ConfigPatch) => (sent.push(p), `r${sent.length}`) } as unknown as Connection;
    const t = fakeTimers();
    const sender = createConfigSender(store, () => conn, t.timers);
    for (const v of [900, 700, 500, 300]) sender.edit("gossip.intervalMs", v);
    expect(sent).toHaveLength(0);
    expect(store.getState().fields["gossip.intervalMs"]?.phase).toBe("editing");
    t.fire();
    expect(sent).toEqual([{ gossip: { intervalMs: 300 } }]);
    expect(store.getState().fields["gossip.intervalMs"]).toMatchObject({ phase: "sending", requestId: "r1" });
  });
  it("buttons send at once, together with any other pending edit", () => {
    const store = createDashboardStore();
    const sent: ConfigPatch[] = [];
    const conn = { sendConfigChange: (p: ConfigPatch) => (sent.push(p), "r") } as unknown as Connection;
    const sender = createConfigSender(store, () => conn, fakeTimers().timers);
    sender.edit("gossip.fanout", 3);
    sender.edit("network.crashed", ["r-01"], true);
    expect(sent).toEqual([{ gossip: { fanout: 3 }, network: { crashed: ["r-01"] } }]);
  });

  it("a change that keeps the cluster from converging is held until confirmed; cancel keeps the config in force", () => {
    const store = createDashboardStore();
    store.getState().live.setConfig({ ...DEFAULT_CLUSTER_CONFIG, version: 4 });
    const sent: ConfigPatch[] = [];
    const conn = { sendConfigChange: (p: ConfigPatch) => (sent.push(p), `r${sent.length}`) } as unknown as Connection;
    const sender = createConfigSender(store, () => conn, fakeTimers().timers);
    sender.edit("network.lossRate", 1, true);
    expect(sent).toHaveLength(0);
    expect(store.getState().riskPrompt).toMatchObject({ risks: [{ kind: "total-loss" }], keys: ["network.lossRate"] });
    store.getState().cancelRisk();
    expect(store.getState().riskPrompt).toBeNull();
    expect(store.getState().fields["network.lossRate"]).toBeUndefined();
    expect(sent).toHaveLength(0);

    sender.edit("network.lossRate", 1, true);
    sender.confirmRisk();
    expect(sent).toEqual([{ network: { lossRate: 1 } }]);
    expect(store.getState().riskPrompt).toBeNull();
  });

  it("asks once: a change while the risk is already in force goes out without asking", () => {
    const store = createDashboardStore();
    store.getState().live.setConfig({ ...DEFAULT_CLUSTER_CONFIG, version: 5, network: { ...DEFAULT_CLUSTER_CONFIG.network, lossRate: 1 } });
    const sent: ConfigPatch[] = [];
    const conn = { sendConfigChange: (p: ConfigPatch) => (sent.push(p), "r") } as unknown as Connection;
    const sender = createConfigSender(store, () => conn, fakeTimers().timers);
    sender.edit("network.jitterMs", 5, true);
    expect(sent).toEqual([{ network: { jitterMs: 5 } }]);
    expect(store.getState().riskPrompt).toBeNull();
  });
});

