import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { headerTiles } from "../viz/headerTiles.js";
import { configRows } from "../viz/configRows.js";
import { createDashboardStore } from "./store.js";
import { modelFromRecording } from "./recording.js";
import { configAt, kpisAt, replayAtMs, replayPillText, theoryAt } from "./replayView.js";

/** A collector-shaped export of run-2: 1 s frames from 10 s to 40 s, the interval changed from 1 s to 200 ms at 25 s. */
function exportWithChange() {
  const c = new FakeCluster({ replicas: 4, startMs: 10_000 });
  const before = c.config;
  const after = { ...before, version: before.version + 1, gossip: { ...before.gossip, intervalMs: 200 } };
  const frames = [];
  for (let t = 10_100; t <= 40_000; t += 100) {
    const f = c.step(t);
    if (t % 1000 !== 0) continue;
    const { convergenceAtLeast: _unused, ...flat } = f.kpis;
    const late = t >= 25_000;
    frames.push({
      timeMs: t,
      ...flat,
      messagesPerSec: late ? 40 : 8,
      configVersion: late ? after.version : before.version,
      convergenceLowerBounds: [],
      replicaIds: [...c.ids],
      columns: f.columns,
      theory: { n: 4, intervalMs: late ? 200 : 1000, fanout: 2, mode: "push-pull", lossRate: 0, expectedRounds: 2, expectedMs: late ? 400 : 2000, lowerBoundRounds: null, lowerBoundMs: null, asyncExpectedMs: late ? 300 : 1500 },
    });
  }
  return {
    run: { id: "run-2", name: "run-2", startedAtMs: 10_000, endedAtMs: 40_000 },
    configs: [
      { version: before.version, timeMs: 10_000, config: before, patch: null },
      { version: after.version, timeMs: 25_000, config: after, patch: { gossip: { intervalMs: 200 } } },
    ],
    events: [],
    frames,
    samples: [],
  };
}

describe("a replay follows its scrubber", () => {
  it("header KPIs are the recorded frame's at the scrubber's time, not the run's end", () => {
    const m = modelFromRecording(JSON.parse(JSON.stringify(exportWithChange())));
    expect(kpisAt(m, 20_000)?.messagesPerSec).toBe(8);
    expect(kpisAt(m, 30_500)?.messagesPerSec).toBe(40);
    expect(kpisAt(m, 5_000)?.messagesPerSec).toBe(8); // before the first frame: the first one
    const early = headerTiles(kpisAt(m, 20_000), { windowMs: 30_000, configVersion: configAt(m, 20_000).config?.version, replay: true });
    const late = headerTiles(kpisAt(m, 30_000), { windowMs: 30_000, configVersion: configAt(m, 30_000).config?.version, replay: true });
    const text = (tiles: typeof early, id: string) => tiles.flatMap((t) => t.figures).find((f) => f.testId === id)?.text;
    expect(text(early, "kpi-messages-rate")).toBe("8");
    expect(text(late, "kpi-messages-rate")).toBe("40");
    expect(early.find((t) => t.key === "config")?.label).toBe("Config v1");
    expect(late.find((t) => t.key === "config")?.label).toBe("Config v2");
    expect(early[0]!.title).toContain("scrubber's time");
  });
  it("the sidebar's config is the one in force at the scrubber's time, with since when", () => {
    const m = modelFromRecording(JSON.parse(JSON.stringify(exportWithChange())));
    const early = configAt(m, 24_999);
    const late = configAt(m, 25_000);
    expect(early.config?.gossip.intervalMs).toBe(1000);
    expect(late).toMatchObject({ sinceMs: 25_000, config: { gossip: { intervalMs: 200 } } });
    expect(configRows(early.config!).find((r) => r.key === "interval")?.value).toBe("1 s");
    expect(configRows(late.config!).find((r) => r.key === "interval")?.value).toBe("200 ms");
  });
  it("the theory in force follows the scrubber too", () => {
    const m = modelFromRecording(JSON.parse(JSON.stringify(exportWithChange())));
    expect(theoryAt(m.theory, 20_000)?.intervalMs).toBe(1000);
    expect(theoryAt(m.theory, 31_000)?.intervalMs).toBe(200);
    expect(theoryAt(m.theory, null)?.intervalMs).toBe(200);
  });
  it("the pill names the mode, the run and the time; live shows no replay time", () => {
    const store = createDashboardStore();
    const m = modelFromRecording(JSON.parse(JSON.stringify(exportWithChange())));
    expect(replayAtMs(store.getState())).toBeNull();
    store.getState().setReplay(m);
    expect(replayAtMs(store.getState())).toBe(40_000);
    store.getState().setScrub(30_000);
    expect(replayAtMs(store.getState())).toBe(30_000);
    expect(replayPillText(m, 30_000)).toBe("Replay · run-2 · 0:20");
    store.getState().setView("live");
    expect(replayAtMs(store.getState())).toBeNull();
  });
});
