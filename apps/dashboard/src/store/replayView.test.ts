import { describe, expect, it } from "vitest";
import { FakeCluster } from "../dev/fakeCluster.js";
import { headerTiles } from "../viz/headerTiles.js";
import { configRows } from "../viz/configRows.js";
import { createDashboardStore } from "./store.js";
import { modelFromRecording } from "./recording.js";
import { heatmapSummary } from "../viz/heatmapSummary.js";
import { columnsAt, configAt, kpisAt, replayAtMs, replayPillText, shownTimeLabel, theoryAt } from "./replayView.js";

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

describe("per-replica figures follow the scrubber", () => {
  /** The export with r0 7 behind until 20 s and the last replica crashed from 30 s (everyone else caught up). */
  function exportWithStates() {
    const e = exportWithChange();
    for (const f of e.frames) {
      const n = f.replicaIds.length;
      f.columns = { ...f.columns, missingUpdates: f.replicaIds.map((_, i) => (f.timeMs <= 20_000 && i === 0 ? 7 : 0)), stalenessMs: f.replicaIds.map((_, i) => (f.timeMs <= 20_000 && i === 0 ? 1500 : 0)), status: f.replicaIds.map((_, i) => (f.timeMs >= 30_000 && i === n - 1 ? 2 : 0)) };
    }
    return e;
  }

  it("the heatmap summary, topology and table read the recorded frame at the scrubber, and say its time", () => {
    const m = modelFromRecording(JSON.parse(JSON.stringify(exportWithStates())));
    const first = m.order[0]!;
    expect(heatmapSummary(columnsAt(m, 15_500), m.order, shownTimeLabel(m, 15_500))).toBe(`At 0:05: 1 of 4 live replicas behind · worst ${first}: 7 missing, 1.5 s stale`);
    expect(heatmapSummary(columnsAt(m, 35_000), m.order, shownTimeLabel(m, 35_000))).toBe("At 0:25: all 3 live replicas caught up · 1 crashed");
    expect(columnsAt(m, 35_000)?.timeMs).toBe(35_000);
    // Live (no scrubber): the latest frame, and "Now".
    expect(columnsAt(m, null)?.timeMs).toBe(40_000);
    expect(shownTimeLabel(m, null)).toBe("Now");
  });

  it("a replica that joined later is shown as not reporting in the frames before it joined", () => {
    const e = exportWithStates();
    const last = e.frames[0]!.replicaIds.at(-1)!;
    for (const f of e.frames) {
      if (f.timeMs >= 20_000) continue;
      f.replicaIds = f.replicaIds.slice(0, -1);
      f.columns = Object.fromEntries(Object.entries(f.columns).map(([k, v]) => [k, (v as number[]).slice(0, -1)])) as typeof f.columns;
    }
    const m = modelFromRecording(JSON.parse(JSON.stringify(e)));
    expect(m.order).toContain(last);
    const early = columnsAt(m, 15_000)!;
    expect(early.columns.status[m.order.indexOf(last)]).toBe(1);
    expect(early.columns.missingUpdates[m.order.indexOf(m.order[0]!)]).toBe(7);
    expect(early.columns.status).toHaveLength(m.order.length);
  });
});
