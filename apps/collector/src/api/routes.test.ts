import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { IngestAnswerSchema, type IngestAnswer } from "@driftscope/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { CSV_COLUMNS } from "../recordings/export.js";
import { handshake, helloMsg, replicaReport, reportMsg, startCollector, type TestCollector } from "../../test/harness.js";

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const ndjson = (...messages: unknown[]) => messages.map((m) => JSON.stringify(m)).join("\n") + "\n";

async function post(url: string, body: string, contentType = "application/x-ndjson") {
  const res = await fetch(`${url}/api/v1/ingest`, { method: "POST", headers: { "content-type": contentType }, body });
  return { status: res.status, body: (await res.json()) as IngestAnswer };
}

describe("HTTP ingest", () => {
  it("CL-I1: NDJSON hello + report from a node in any language: accepted, answered with clock and config", async () => {
    t = await startCollector();
    const before = Date.now();
    const { status, body } = await post(
      t.url,
      ndjson(helloMsg("py-node", ["p1", "p2"], { node: { name: "python-node", language: "python" } }), reportMsg("py-node", 1, [replicaReport("p1", 2, [["p1", 2]], { full: true }), replicaReport("p2", 0, [], { full: true })])),
    );
    expect(status).toBe(200);
    expect(IngestAnswerSchema.safeParse(body).success).toBe(true);
    expect(body).toMatchObject({ accepted: 2, rejected: [] });
    expect(body.collectorTimeMs).toBeGreaterThanOrEqual(before);
    expect(body.config).toEqual(t.collector.core.config);
    expect(t.collector.core.engine.missingUpdates("p2")).toBe(2);
    const frame = t.collector.core.tick(Date.now());
    expect(frame.columns.missingUpdates).toEqual([0, 2]);
  });

  it("CL-I2: a JSON array works the same; good lines are applied even when others are rejected", async () => {
    t = await startCollector();
    const { status, body } = await post(t.url, JSON.stringify([helloMsg("n", ["x1"]), { type: "report" }, reportMsg("n", 1, [replicaReport("x1", 1, [["x1", 1]])])]), "application/json");
    expect(status).toBe(200);
    expect(body.accepted).toBe(2);
    expect(body.rejected).toMatchObject([{ line: 2, code: "VALIDATION" }]);
    // the report was sparse: the collector asks for whole vectors
    expect(body.requestFull).toBe(true);
  });
});

describe("replica detail", () => {
  it("CL-API1: GET /api/v1/replicas/:id gives one replica's figures and version vector; unknown ids are 404", async () => {
    t = await startCollector();
    const { agent } = await handshake(t.url, "a", ["r1", "r2"]);
    agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]], { full: true, summary: "count=3" }), replicaReport("r2", 0, [["r1", 1]], { full: true })]));
    await new Promise((r) => setTimeout(r, 50));
    const res = await fetch(`${t.url}/api/v1/replicas/r2`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: "r2", agentId: "a", node: "node-a", missingUpdates: 2, versionVector: [["r1", 1]] });
    expect((await fetch(`${t.url}/api/v1/replicas/nope`)).status).toBe(404);
  });
});

describe("runs API", () => {
  it("CL-RA1: list, detail and exports (CSV with the documented columns, JSON)", async () => {
    t = await startCollector();
    const { agent } = await handshake(t.url, "a", ["r1", "r2"]);
    agent.emit(
      "report",
      reportMsg("a", 1, [replicaReport("r1", 4, [["r1", 4]], { full: true, issued: [[1, Date.now() - 50], [4, Date.now() - 10]] }), replicaReport("r2", 0, [], { full: true })]),
    );
    await new Promise((r) => setTimeout(r, 50));
    t.collector.core.tick(Date.now());
    agent.emit("report", reportMsg("a", 2, [replicaReport("r2", 0, [["r1", 4]])]));
    await new Promise((r) => setTimeout(r, 50));
    t.collector.core.tick(Date.now() + 1500); // a second later: a recorded 1 Hz frame with the samples
    t.collector.core.changeConfig({ gossip: { fanout: 3 } }, Date.now(), "test");

    const runs = (await (await fetch(`${t.url}/api/v1/runs`)).json()) as { runs: Array<{ id: string; current: boolean; samples: number; frames: number }> };
    expect(runs.runs).toHaveLength(1);
    const run = runs.runs[0]!;
    expect(run).toMatchObject({ current: true });
    expect(run.samples).toBe(4);
    expect(run.frames).toBeGreaterThanOrEqual(2);

    const detail = (await (await fetch(`${t.url}/api/v1/runs/${run.id}`)).json()) as {
      configs: Array<{ version: number }>;
      events: Array<{ kind: string }>;
      convergence: { count: number };
      kpis: Array<{ timeMs: number }>;
    };
    expect(detail.configs.map((c) => c.version)).toEqual([1, 2]);
    expect(detail.events.map((e) => e.kind)).toEqual(expect.arrayContaining(["run", "agent", "config"]));
    expect(detail.convergence.count).toBe(4);
    expect(detail.kpis.length).toBeGreaterThanOrEqual(2);

    const csv = await fetch(`${t.url}/api/v1/runs/${run.id}/export?format=csv`);
    expect(csv.headers.get("content-type")).toMatch(/text\/csv/);
    expect(csv.headers.get("content-disposition")).toMatch(/attachment; filename="driftscope-run-\d+-frames\.csv"/);
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe(CSV_COLUMNS.frames.join(","));
    expect(lines.length).toBeGreaterThanOrEqual(3);
    const samples = (await (await fetch(`${t.url}/api/v1/runs/${run.id}/export?format=csv&data=samples`)).text()).trim().split("\r\n");
    expect(samples[0]).toBe(CSV_COLUMNS.samples.join(","));
    expect(samples.slice(1).map((l) => l.split(",").slice(0, 2).join(":"))).toEqual(["r1:1", "r1:2", "r1:3", "r1:4"]);
    const json = (await (await fetch(`${t.url}/api/v1/runs/${run.id}/export?format=json`)).json()) as { run: { id: string }; samples: unknown[]; frames: unknown[] };
    expect(json.run.id).toBe(run.id);
    expect(json.samples).toHaveLength(4);
  });
});

describe("GET /metrics", () => {
  it("CL-P1: Prometheus text with per-replica gauges, the convergence histogram and ingest counters", async () => {
    t = await startCollector();
    const { agent } = await handshake(t.url, "a", ["r1", "r2"]);
    agent.emit("report", reportMsg("a", 1, [replicaReport("r1", 2, [["r1", 2]], { full: true, issued: [[1, Date.now() - 30]] }), replicaReport("r2", 0, [["r1", 2]], { full: true })]));
    await new Promise((r) => setTimeout(r, 50));
    t.collector.core.tick(Date.now());
    await post(t.url, "{oops");
    const res = await fetch(`${t.url}/metrics`);
    expect(res.headers.get("content-type")).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^driftscope_replica_missing_updates\{replica="r1"\} 0$/m);
    expect(text).toMatch(/^driftscope_replica_staleness_seconds\{replica="r2"\} 0$/m);
    expect(text).toMatch(/^driftscope_convergence_time_seconds_count \d+$/m);
    expect(text).toMatch(/^driftscope_convergence_time_seconds_bucket\{le="0.05"\} \d+$/m);
    expect(text).toMatch(/^driftscope_ingest_messages_total\{type="report",transport="socket"\} 1$/m);
    expect(text).toMatch(/^driftscope_ingest_vv_entries_total 2$/m);
    expect(text).toMatch(/^driftscope_ingest_rejected_total\{code="BAD_REQUEST",transport="http"\} 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
  });
});

describe("dashboard serving", () => {
  it("CL-W1: without a built dashboard, / explains how to build it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "no-dashboard-"));
    try {
      t = await startCollector({ dashboardDir: join(dir, "missing") });
      const res = await fetch(`${t.url}/`);
      expect(res.status).toBe(503);
      const html = await res.text();
      expect(html).toMatch(/dashboard is not built/);
      expect(html).toMatch(/npm run build/);
      expect((await fetch(`${t.url}/api/v1/health`)).status).toBe(200);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("CL-W2: a built dashboard is served at /, its assets as files, other paths fall back to index.html", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dashboard-"));
    try {
      mkdirSync(join(dir, "assets"));
      writeFileSync(join(dir, "index.html"), "<!doctype html><title>Driftscope</title><div id=root></div>");
      writeFileSync(join(dir, "assets", "app.js"), "console.log('hi')");
      t = await startCollector({ dashboardDir: dir });
      expect(await (await fetch(`${t.url}/`)).text()).toMatch(/<title>Driftscope<\/title>/);
      const asset = await fetch(`${t.url}/assets/app.js`);
      expect(asset.headers.get("content-type")).toMatch(/javascript/);
      expect(await (await fetch(`${t.url}/runs/run-3`)).text()).toMatch(/<title>Driftscope<\/title>/);
      const api = await fetch(`${t.url}/api/v1/unknown`);
      expect(api.status).toBe(404);
      expect(await api.json()).toMatchObject({ type: "error", code: "NOT_FOUND" });
      expect((await fetch(`${t.url}/..%2f..%2fpackage.json`)).status).not.toBe(500);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("CL-W3: a relative --dashboard-dir works, also inside a dot-directory", async () => {
    const dir = mkdtempSync(join(process.cwd(), ".dashboard-rel-"));
    try {
      writeFileSync(join(dir, "index.html"), "<!doctype html><title>Driftscope</title>");
      t = await startCollector({ dashboardDir: relative(process.cwd(), dir) });
      const res = await fetch(`${t.url}/runs/run-1`);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<title>Driftscope<\/title>/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
