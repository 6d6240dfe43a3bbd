// Experiments in simulation, end to end through the simulator's own process
// (driftscope-simulate, built by the workspace build).
import { DEFAULT_CLUSTER_CONFIG, recommend } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { Experiments, type Experiment, type ExperimentStore } from "./Experiments.js";

const plan = (extra: Record<string, unknown> = {}) => ({
  name: "thesis table, simulated",
  engine: "simulated",
  cluster: { replicas: 5, crdtType: "gcounter" },
  fixed: { fanout: 4, mode: "push", payload: "full", updatesPerSecPerReplica: 1 },
  sweep: { intervalMs: [10, 100, 1000] },
  warmupMs: 2000,
  measure: { durationMs: 30_000 },
  seed: 5,
  ...extra,
});

function experiments(store?: ExperimentStore, onChange?: (e: Experiment) => void) {
  return new Experiments({ config: () => DEFAULT_CLUSTER_CONFIG, now: () => Date.now(), ...(store ? { store } : {}), ...(onChange ? { onChange } : {}) });
}

describe("experiments", () => {
  it("CL-X1: a simulated interval sweep measures every point: slower sync converges later and costs less; the recommendation names the cheapest that meets the target", async () => {
    const x = experiments();
    const started = x.start(plan());
    expect(started.ok).toBe(true);
    if (!started.ok) return;
    const e = (await x.finished(started.experiment.id))!;
    expect(e).toMatchObject({ status: "done", totalPoints: 3, error: null, etaMs: null });
    const [fast, mid, slow] = e.results.sort((a, b) => a.config.intervalMs - b.config.intervalMs);
    for (const r of [fast!, mid!, slow!]) {
      expect(r.convergence.samples).toBeGreaterThan(100); // 5 replicas × 1/s × 30 s
      expect(r.convergence.atLeast.p50).toBe(false);
      expect(r.replicas).toBe(5);
    }
    expect(fast!.convergence.p50Ms!).toBeLessThan(mid!.convergence.p50Ms!);
    expect(mid!.convergence.p50Ms!).toBeLessThan(slow!.convergence.p50Ms!);
    expect(fast!.messagesPerSecPerReplica).toBeGreaterThan(10 * slow!.messagesPerSecPerReplica);
    expect(slow!.theory.pushBoundMs).not.toBeNull();
    expect(slow!.visibility.t50Ms!).toBeLessThanOrEqual(slow!.visibility.t99Ms!);
    const r = recommend(e.results, { p95Ms: slow!.convergence.p95Ms! * 1.5 });
    expect(r.met && r.point.config.intervalMs).toBe(1000);
  });

  it("CL-X2: a bad plan is refused with its field; a live plan without a live cluster is refused plainly", () => {
    const x = experiments();
    const bad = x.start(plan({ sweep: {} }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.issues?.[0]).toMatchObject({ path: "sweep", reason: expect.stringMatching(/nothing varies/) });
    const live = x.start(plan({ engine: "live" }));
    expect(live.ok).toBe(false);
    if (!live.ok) expect(live.error.issues?.[0]).toMatchObject({ path: "engine", reason: expect.stringMatching(/no live cluster to drive/) });
    expect(x.list()).toEqual([]);
  });

  it("CL-X3: cancel stops a running experiment and keeps the points it finished", async () => {
    let cancelled = false;
    const x = experiments(undefined, (e) => {
      if (!cancelled && e.results.length === 1) {
        cancelled = true;
        x.cancel(e.id);
      }
    });
    const started = x.start(plan({ sweep: { intervalMs: [10, 20, 30, 40, 50, 60] } }));
    if (!started.ok) throw new Error(started.error.message);
    const e = (await x.finished(started.experiment.id))!;
    expect(e.status).toBe("cancelled");
    expect(e.results.length).toBeGreaterThanOrEqual(1);
    expect(e.results.length).toBeLessThan(6);
    expect(x.cancel(e.id)).toBe(false);
    expect(x.delete(e.id)).toBe(true);
    expect(x.get(e.id)).toBeUndefined();
  });

  it("CL-X4: an experiment that was running when the collector stopped comes back interrupted, its finished points kept", () => {
    const saved = new Map<string, Experiment>();
    const store: ExperimentStore = { save: (e) => saved.set(e.id, structuredClone(e)), list: () => [...saved.values()], delete: (id) => saved.delete(id) };
    const half: Experiment = { id: "exp-7", plan: {} as Experiment["plan"], status: "running", createdAtMs: 1, endedAtMs: null, totalPoints: 3, results: [{} as Experiment["results"][number]], etaMs: 5, error: null };
    store.save(half);
    const x = experiments(store);
    expect(x.get("exp-7")).toMatchObject({ status: "interrupted", results: [{}], etaMs: null });
    expect(saved.get("exp-7")?.status).toBe("interrupted");
    const next = x.start(plan({ sweep: { intervalMs: [100] }, measure: { durationMs: 1000 }, warmupMs: 0 }));
    expect(next.ok && next.experiment.id).toBe("exp-8");
    if (next.ok) x.cancel(next.experiment.id);
  });
});
