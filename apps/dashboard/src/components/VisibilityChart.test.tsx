import { FrameSchema, type Frame, type Visibility } from "@driftscope/protocol";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { dashboardStore } from "../store/store.js";
import { VisibilityChart } from "./VisibilityChart.js";

const initial = dashboardStore.getState();
const html = () => renderToStaticMarkup(<VisibilityChart />);

const visibility: Visibility = {
  windowMs: 60_000,
  lagMs: 1_000,
  updates: 12,
  points: [
    [1, 0.0625, 12],
    [128, 0.5, 12],
    [1024, 0.9, 11],
    [2048, 1, 10],
  ],
  t50Ms: 128,
  t90Ms: 1024,
  t99Ms: 2048,
  model: { points: [[1, 0.0625], [1024, 0.95], [2048, 0.9999]], t50Ms: 400, t90Ms: 900, t99Ms: 1600 },
};

/** A frame of one live replica, with or without the curve. */
function frame(seq: number, v?: Visibility): Frame {
  return FrameSchema.parse({
    type: "frame",
    seq,
    timeMs: 1_000 + seq * 100,
    membershipVersion: 1,
    replicaIds: ["r-0"],
    columns: { missingUpdates: [0], stalenessMs: [0], status: [0], updatesPerSec: [1], messagesPerSec: [1], bytesPerSec: [10], configVersion: [1], stateGroup: [0] },
    kpis: {
      live: 1, unreachable: 0, crashed: 0, total: 1, convergedShare: 1, distinctStates: 1, missingUpdatesTotal: 0, maxStalenessMs: 0, meanMissingUpdates: 0,
      inFlight: 0, oldestInFlightMs: 0, lostUpdates: 0, convergenceP50Ms: null, convergenceP95Ms: null, convergenceP99Ms: null, convergenceMaxMs: null,
      convergenceSamples: 0, convergenceAtLeast: { p50: false, p95: false, p99: false, max: false }, updatesPerSec: 1, messagesPerSec: 1, bytesPerSec: 10,
      deliveriesPerSec: 0, bytesPerUpdate: null, configVersion: 1, ackedReplicas: 1,
    },
    samples: [],
    exchanges: [],
    theory: null,
    sampling: { traceEveryK: 1, droppedEvents: 0 },
    events: [],
    ...(v ? { visibility: v } : {}),
  });
}

beforeEach(() => {
  dashboardStore.setState(initial, true);
  vi.spyOn(dashboardStore, "getInitialState").mockImplementation(() => dashboardStore.getState());
});
afterEach(() => vi.restoreAllMocks());

describe("the Visibility card on the Cluster tab", () => {
  it("waits for the first curve, then shows t50/t90/t99 beside the model's, the question it answers, the legend and its exports", () => {
    expect(html()).toContain("Waiting for the collector");
    dashboardStore.getState().ingestFrame(frame(1, visibility));
    const m = html();
    expect(m).toContain("If you read at a random live replica t ms after a write, the chance you see it.");
    expect(m).toContain("t50 128 ms · t90 1.02 s · t99 2.05 s (model: 400 ms · 900 ms · 1.6 s)");
    expect(m).toMatch(/data-testid="visibility-updates">12</);
    expect(m).toContain('data-testid="visibility-t90" data-ms="1024"');
    expect(m).toContain("expected (asynchronous model, not measured)");
    expect(m).toContain("measured (mean over 12 traced updates)");
    for (const f of ["svg", "png", "csv"]) expect(m).toContain(`data-testid="export-visibility-${f}"`);
    expect(m).not.toContain("Waiting for");
  });

  it("keeps the last curve through the frames that do not carry one; says why there is none yet, and in a replay", () => {
    const st = dashboardStore.getState();
    st.ingestFrame(frame(1, visibility));
    st.ingestFrame(frame(2));
    expect(html()).toContain("t50 128 ms");
    st.ingestFrame(frame(3, { ...visibility, updates: 0, points: [], t50Ms: null, t90Ms: null, t99Ms: null }));
    const m = html();
    expect(m).toContain("No traced update old enough yet (an update counts once it is 1 s old).");
    expect(m).not.toContain('data-testid="export-visibility-svg"'); // nothing to export
    dashboardStore.setState({ view: "replay" });
    expect(html()).toContain("Live only: recordings do not keep the visibility curve.");
  });
});
