// The experiments API against a running collector (127.0.0.1), with a small simulated plan.
import { afterEach, describe, expect, it } from "vitest";
import { startCollector, type TestCollector } from "../../test/harness.js";

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const plan = {
  name: "two intervals",
  engine: "simulated",
  cluster: { replicas: 5, crdtType: "gcounter" },
  fixed: { fanout: 2, mode: "push-pull", payload: "delta", updatesPerSecPerReplica: 2 },
  sweep: { intervalMs: [50, 500] },
  warmupMs: 1000,
  measure: { durationMs: 10_000 },
};

const json = (url: string, init: RequestInit = {}) => fetch(url, { ...init, headers: { "content-type": "application/json", ...(init.headers as Record<string, string>) } });

describe("experiments API", () => {
  it("CL-X5: POST starts a plan (operator token), GET follows it to the end, the export has one CSV row per point, and a recommendation names a point", async () => {
    t = await startCollector({ operatorToken: "operator-secret" });
    const refused = await json(`${t.url}/api/v1/experiments`, { method: "POST", body: JSON.stringify(plan) });
    expect(refused.status).toBe(401);
    const bad = await json(`${t.url}/api/v1/experiments`, { method: "POST", body: JSON.stringify({ ...plan, sweep: {} }), headers: { authorization: "Bearer operator-secret" } });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: "VALIDATION", issues: [{ path: "sweep" }] });
    const res = await json(`${t.url}/api/v1/experiments`, { method: "POST", body: JSON.stringify(plan), headers: { authorization: "Bearer operator-secret" } });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    let e: { status: string; results: unknown[] } = { status: "running", results: [] };
    for (let i = 0; i < 300 && e.status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      e = (await (await fetch(`${t.url}/api/v1/experiments/${id}`)).json()) as typeof e;
    }
    expect(e.status).toBe("done");
    expect(e.results).toHaveLength(2);
    const list = (await (await fetch(`${t.url}/api/v1/experiments`)).json()) as { experiments: Array<{ id: string; donePoints: number }> };
    expect(list.experiments).toEqual([expect.objectContaining({ id, donePoints: 2, status: "done" })]);
    const csv = await (await fetch(`${t.url}/api/v1/experiments/${id}/export?format=csv`)).text();
    const lines = csv.trim().split("\r\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^index,repetition,seed,interval_ms,fanout/);
    const rec = (await (await fetch(`${t.url}/api/v1/experiments/${id}/recommendation?p95Ms=60000`)).json()) as { met: boolean; point: { config: { intervalMs: number } } };
    expect(rec).toMatchObject({ met: true, point: { config: { intervalMs: 500 } } });
    const badTarget = await fetch(`${t.url}/api/v1/experiments/${id}/recommendation`);
    expect(badTarget.status).toBe(400);
    expect((await json(`${t.url}/api/v1/experiments/${id}/cancel`, { method: "POST", headers: { authorization: "Bearer operator-secret" } })).status).toBe(409);
    // The recommended point goes to the live cluster as an ordinary config change, labelled with the experiment.
    const before = t.collector.core.config.version;
    const applied = await json(`${t.url}/api/v1/experiments/${id}/apply`, { method: "POST", body: JSON.stringify({ point: 1 }), headers: { authorization: "Bearer operator-secret" } });
    expect(applied.status).toBe(200);
    expect(t.collector.core.config).toMatchObject({ version: before + 1, gossip: { intervalMs: 500, fanout: 2, mode: "push-pull", payload: "delta" } });
    const events = t.collector.core.snapshot(Date.now()).events;
    expect(events.at(-1)).toMatchObject({ kind: "config", detail: expect.stringMatching(/^by experiment exp-\d+ \(two intervals\), point 1$/) });
    const noPoint = await json(`${t.url}/api/v1/experiments/${id}/apply`, { method: "POST", body: JSON.stringify({ point: 9 }), headers: { authorization: "Bearer operator-secret" } });
    expect(noPoint.status).toBe(400);
    expect((await fetch(`${t.url}/api/v1/experiments/nope`)).status).toBe(404);
  }, 60_000);
});
