import { DEFAULT_CLUSTER_CONFIG, type Experiment } from "@driftscope/protocol";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createDashboardStore } from "../store/store.js";
import { testPoint } from "../testPoints.js";
import { applyPoint, POLL_MS, recommend, retryAfterToken, showExperiment, startPlan, startWatching, stopWatching } from "./experimentsActions.js";

const experiment = (id: string, status: Experiment["status"], done: number): Experiment => ({
  id,
  status,
  createdAtMs: 1,
  endedAtMs: status === "running" ? null : 2,
  totalPoints: 3,
  etaMs: status === "running" && done > 0 ? 1000 : null,
  error: null,
  plan: { name: "p", engine: "simulated", cluster: { replicas: 5, crdtType: "gcounter" }, fixed: {}, sweep: { intervalMs: [10, 100, 1000] }, warmupMs: 0, measure: { durationMs: 1000 }, repetitions: 1, seed: 1 },
  results: [testPoint(0, { intervalMs: 10 }), testPoint(1, { intervalMs: 100 }), testPoint(2, { intervalMs: 1000 })].slice(0, done),
});

type Call = { method: string; url: string; auth: string | null; body: unknown };
let calls: Call[] = [];
let answer: (call: Call) => { status: number; body?: unknown };

const json = (status: number, body?: unknown) => ({ status, body });
const refusal = (code: string, message: string, issues?: { path: string; reason: string }[]) => ({ type: "error", code, message, ...(issues ? { issues } : {}) });

beforeEach(() => {
  calls = [];
  vi.stubGlobal("fetch", async (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) => {
    const call = { method: init.method ?? "GET", url, auth: init.headers?.authorization ?? null, body: init.body === undefined ? undefined : JSON.parse(init.body) };
    calls.push(call);
    const a = answer(call);
    return { ok: a.status < 400, status: a.status, statusText: "", json: async () => a.body, text: async () => JSON.stringify(a.body) };
  });
});

afterEach(() => {
  stopWatching();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("experiments actions", () => {
  it("a plan refused for want of the token opens the token dialog, and starts once the token is given", async () => {
    const store = createDashboardStore();
    answer = (c) => (c.auth === "Bearer s3cret" ? json(201, experiment("exp-4", "running", 0)) : json(401, refusal("UNAUTHORIZED", "starting an experiment refused: the operator token is required")));
    await startPlan(store);
    expect(store.getState().tokenPrompt?.reason).toMatch(/requires the operator token/);
    expect(store.getState().shownIds).toEqual([]);
    store.getState().setToken("s3cret");
    retryAfterToken();
    await vi.waitFor(() => expect(store.getState().shownIds).toEqual(["exp-4"]));
    expect(calls.map((c) => [c.method, c.url, c.auth])).toEqual([
      ["POST", "/api/v1/experiments", null],
      ["POST", "/api/v1/experiments", "Bearer s3cret"],
    ]);
    expect(calls[1]!.body).toMatchObject({ engine: "simulated", cluster: { replicas: 5 }, sweep: { intervalMs: [10, 100, 1000] } });
  });

  it("the collector's validation issues come back to the form, with its message", async () => {
    const store = createDashboardStore();
    answer = () => json(400, refusal("VALIDATION", "invalid experiment plan: cluster.replicas: Too small", [{ path: "cluster.replicas", reason: "Too small: expected number to be >=2" }]));
    await startPlan(store);
    expect(store.getState().planSubmit).toEqual({ phase: "failed", message: "invalid experiment plan: cluster.replicas: Too small" });
    expect(store.getState().planIssues).toEqual([{ path: "cluster.replicas", reason: "Too small: expected number to be >=2" }]);
  });

  it("a running experiment is read again every POLL_MS until it ends, then the list is reloaded", async () => {
    vi.useFakeTimers();
    const store = createDashboardStore();
    let done = 0;
    answer = (c) => (c.url === "/api/v1/experiments" ? json(200, { experiments: [] }) : json(200, experiment("exp-1", done >= 3 ? "done" : "running", done)));
    startWatching(store);
    await showExperiment(store, "exp-1");
    for (let i = 1; i <= 3; i++) {
      done = i;
      await vi.advanceTimersByTimeAsync(POLL_MS);
    }
    const reads = calls.filter((c) => c.url === "/api/v1/experiments/exp-1").length;
    expect(reads).toBe(4); // the first read, then one per second
    expect(store.getState().loaded["exp-1"]).toMatchObject({ status: "done" });
    await vi.advanceTimersByTimeAsync(5 * POLL_MS);
    expect(calls.filter((c) => c.url === "/api/v1/experiments/exp-1").length).toBe(4); // ended: no more reads
    expect(calls.at(-1)!.url).toBe("/api/v1/experiments");
  });

  it("asks for a recommendation per update rate, and applying one carries the token and records the version", async () => {
    const store = createDashboardStore();
    const e = { ...experiment("exp-2", "done", 3), results: [testPoint(0, { updatesPerSecPerReplica: 1 }), testPoint(1, { updatesPerSecPerReplica: 10 })] };
    store.getState().setToken("tok");
    answer = (c) =>
      c.url.includes("/recommendation")
        ? json(200, { met: true, point: e.results[c.url.includes("updatesPerSecPerReplica=10") ? 1 : 0], reason: "the cheapest" })
        : c.url.endsWith("/apply")
          ? json(200, { config: { ...DEFAULT_CLUSTER_CONFIG, version: 7 }, changed: ["gossip.fanout"] })
          : json(200, e);
    await showExperiment(store, "exp-2");
    store.getState().setTarget({ kind: "periods", value: "2", budget: "500" });
    await recommend(store);
    expect(calls.filter((c) => c.url.includes("/recommendation")).map((c) => c.url).sort()).toEqual([
      "/api/v1/experiments/exp-2/recommendation?p95UpdatePeriods=2&maxBytesPerSecPerReplica=500&updatesPerSecPerReplica=1",
      "/api/v1/experiments/exp-2/recommendation?p95UpdatePeriods=2&maxBytesPerSecPerReplica=500&updatesPerSecPerReplica=10",
    ]);
    expect(Object.keys(store.getState().recommendations["exp-2"]!).sort()).toEqual(["1", "10"]);
    await applyPoint(store, "exp-2", 1);
    const apply = calls.at(-1)!;
    expect([apply.method, apply.url, apply.auth, apply.body]).toEqual(["POST", "/api/v1/experiments/exp-2/apply", "Bearer tok", { point: 1 }]);
    expect(store.getState().applied).toEqual({ experimentId: "exp-2", index: 1, phase: "applied", version: 7 });
  });
});

