import type { TunerState } from "@driftscope/protocol";
import { renderToStaticMarkup } from "react-dom/server";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { switchTunerOn } from "../net/tunerActions.js";
import { dashboardStore } from "../store/store.js";
import { shownTunerState, TUNER_OFF } from "../store/tunerSlice.js";
import { DEFAULT_TUNER_DRAFT, tunerRequestOf } from "../viz/tunerDraft.js";
import { eventsInWords } from "../viz/markerWords.js";
import { tunerTargetLine } from "../viz/tunerView.js";
import { TunerPanel } from "./TunerPanel.js";

const target = { p95Ms: 400, intervalMs: { min: 20, max: 2000 }, fanout: { min: 1, max: 3 } };
const holding: TunerState = { enabled: true, paused: null, state: "holding", why: null, reason: "p95 312 ms is within the dead band", target, lastChange: null };

type Call = { method: string; url: string; auth: string | null; body: unknown };
let calls: Call[] = [];
let answer: (call: Call) => { status: number; body?: unknown };
const initial = dashboardStore.getState();

beforeEach(() => {
  calls = [];
  dashboardStore.setState(initial, true);
  // Static rendering reads zustand's server snapshot (the initial state): point it at the current one.
  vi.spyOn(dashboardStore, "getInitialState").mockImplementation(() => dashboardStore.getState());
  vi.stubGlobal("fetch", async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const call = { method: init.method ?? "GET", url, auth: init.headers?.authorization ?? null, body: init.body === undefined ? undefined : JSON.parse(init.body) };
    calls.push(call);
    const a = answer(call);
    return { ok: a.status < 400, status: a.status, statusText: "", json: async () => a.body, text: async () => JSON.stringify(a.body) };
  });
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const html = () => renderToStaticMarkup(<TunerPanel disabled={false} />);
/** The text of the element with that test id (static markup: no nested tags of the same kind in these). */
const text = (markup: string, id: string) => new RegExp(`data-testid="${id}"[^>]*>(.*?)</(?:span|div)>`).exec(markup)?.[1]?.replace(/<[^>]+>/g, "").replace(/&gt;/g, ">").replace(/&lt;/g, "<").replace(/&amp;/g, "&");

describe("tuner panel", () => {
  it("shows off, then the state the collector answers: holding, its reason and target", () => {
    expect(text(html(), "tuner-state")).toBe("off");
    expect(html()).not.toContain('data-testid="tuner-target"');
    dashboardStore.getState().setTunerAnswer(holding);
    const m = html();
    expect(text(m, "tuner-state")).toBe("holding");
    expect(text(m, "tuner-reason")).toBe("p95 312 ms is within the dead band");
    expect(text(m, "tuner-target")).toBe("Target: p95 ≤ 400 ms · interval 20 ms–2 s, fanout 1–3");
    expect(m).toContain('data-testid="tuner-off"');
  });

  it("paused: says who changed what, with a one-click Resume that sends { enabled: true }", async () => {
    dashboardStore.getState().setTunerAnswer({ ...holding, state: "paused", paused: "paused: a person set the interval to 1 s (v7)" });
    const m = html();
    expect(text(m, "tuner-state")).toBe("paused");
    expect(m).toContain("a person set the interval to 1 s (v7)");
    expect(m).toContain('data-testid="tuner-resume"');
  });

  it("cannot meet: names why", () => {
    dashboardStore.getState().setTunerAnswer({ ...holding, state: "cannot-meet", why: "budget", reason: "the best p95 within 2 kB/s is 900 ms" });
    expect(text(html(), "tuner-state")).toBe("cannot meet: the byte ceiling is too low");
  });

  it("switching on sends the form's target with the operator token, and shows the answer", async () => {
    dashboardStore.getState().setToken("s3cret");
    dashboardStore.getState().setTunerDraft({ value: "400", intervalMin: "20", intervalMax: "2000", fanoutMax: "3" });
    answer = () => ({ status: 200, body: { ...holding, state: "adjusting", reason: "feed-forward: 1 s · f2 → 95 ms · f1" } });
    await switchTunerOn(dashboardStore);
    expect(calls).toEqual([{ method: "PUT", url: "/api/v1/tuner", auth: "Bearer s3cret", body: { enabled: true, target } }]);
    expect(text(html(), "tuner-state")).toBe("adjusting");
  });

  it("a refusal puts the collector's reasons next to their fields", async () => {
    dashboardStore.getState().setTunerDraft({ intervalMin: "5" });
    answer = () => ({
      status: 400,
      body: { type: "error", code: "VALIDATION", message: "tuner request invalid", issues: [{ path: "target.intervalMs.min", reason: "Too small: expected number to be >=10" }] },
    });
    await switchTunerOn(dashboardStore);
    const m = html();
    expect(dashboardStore.getState().tunerIssues).toEqual([{ field: "interval", reason: "Too small: expected number to be >=10" }]);
    expect(text(m, "tuner-error")).toBe("tuner request invalid");
    expect(text(m, "tuner-issue-interval")).toBe("Too small: expected number to be >=10"); // the ranges opened to show it
    expect(dashboardStore.getState().tunerSubmit.phase).toBe("failed");
    expect(text(m, "tuner-state")).toBe("off");
  });

  it("a refusal for want of the token opens the token dialog instead", async () => {
    answer = () => ({ status: 401, body: { type: "error", code: "UNAUTHORIZED", message: "the operator token is required" } });
    await switchTunerOn(dashboardStore);
    expect(dashboardStore.getState().tokenPrompt?.reason).toMatch(/operator token for the tuner/);
  });

  it("boxes without usable numbers are named and nothing is sent", async () => {
    dashboardStore.getState().setTunerDraft({ value: "fast", fanoutMin: "4", fanoutMax: "2" });
    await switchTunerOn(dashboardStore);
    expect(calls).toEqual([]);
    const m = html();
    expect(text(m, "tuner-issue-target")).toBe("the p95 target must be a positive number of ms");
    expect(dashboardStore.getState().tunerIssues.map((i) => i.field)).toEqual(["target", "fanout"]);
  });
});

describe("tuner figures", () => {
  it("the default form asks for the protocol's default ranges", () => {
    expect(tunerRequestOf(DEFAULT_TUNER_DRAFT)).toEqual({ ok: true, request: { enabled: true, target: { p95Ms: 400, intervalMs: { min: 10, max: 10_000 }, fanout: { min: 1, max: 8 } } } });
  });

  it("the chart's line: ms as written, k periods at the update rate, nothing while off or paused", () => {
    expect(tunerTargetLine(holding, 1)).toEqual({ ms: 400, label: "tuner target p95 400 ms" });
    const periods = { ...holding, target: { ...target, p95Ms: undefined, p95UpdatePeriods: 4 } };
    expect(tunerTargetLine(periods, 10)).toEqual({ ms: 400, label: "tuner target p95 400 ms (4 update periods at 10/s)" });
    expect(tunerTargetLine(periods, undefined)).toBeNull();
    expect(tunerTargetLine({ ...holding, state: "paused" }, 1)).toBeNull();
    expect(tunerTargetLine(TUNER_OFF, 1)).toBeNull();
  });

  it("the tuner's changes are labelled with it on the charts, its reason as the tooltip; others' are not", () => {
    const reason = "by the tuner: feed-forward for 1 updates/s per replica; interval 1 s → 108 ms";
    const [tuner, person] = eventsInWords([
      { timeMs: 1, kind: "config", version: 2, summary: "v2: gossip.intervalMs 1000 → 108, gossip.fanout 2 → 1", detail: reason },
      { timeMs: 2, kind: "config", version: 3, summary: "v3: gossip.intervalMs 108 → 50", detail: "by the dashboard" },
    ]);
    expect(tuner!.label).toBe("tuner: interval 1000 → 108 ms, fanout 2 → 1");
    expect(tuner!.title).toContain(reason);
    expect(person!.label).toBe("interval 108 → 50 ms");
  });

  it("frames' state wins once a frame after the answer carries it; without one, off", () => {
    const live = (framesIngested: number, tuner?: TunerState) => ({ framesIngested, latest: tuner ? ({ tuner } as never) : null }) as never;
    const answer = { state: holding, atFrame: 10 };
    expect(shownTunerState({ live: live(10), tunerAnswer: answer }).state).toBe("holding");
    expect(shownTunerState({ live: live(11, { ...holding, state: "adjusting" }), tunerAnswer: answer }).state).toBe("adjusting");
    expect(shownTunerState({ live: live(20), tunerAnswer: answer }).state).toBe("off");
    expect(shownTunerState({ live: live(11, holding), tunerAnswer: { state: TUNER_OFF, atFrame: 10 } }).state).toBe("off");
  });
});
