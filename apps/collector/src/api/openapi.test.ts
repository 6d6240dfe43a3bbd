// The served OpenAPI document describes the API that is served: every route of the router
// and nothing else, component schemas that a strict JSON Schema validator compiles, and
// real answers of a running collector (with tokens), successes and refusals, that validate
// against the document as it is served.
import { readFileSync } from "node:fs";
import { ConfigPatchSchema, DEFAULT_CLUSTER_CONFIG } from "@driftscope/protocol";
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg, startCollector, type TestCollector } from "../../test/harness.js";
import { DEFAULT_RATE_LIMITS } from "../ingest/rateLimit.js";
import { OPENAPI_PATH, openApiDocument } from "./openapi.js";
import { apiRouter, type ApiDeps } from "./routes.js";

interface Doc {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }>; requestBody?: { content: Record<string, { schema: object }> } }>>;
  components: { schemas: Record<string, object> };
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** `GET /api/v1/runs/{id}` for every route an express router serves, nested routers included. */
function routesOf(stack: readonly Layer[]): string[] {
  return stack.flatMap((layer) => {
    if (layer.route !== undefined) {
      const path = layer.route.path.replace(/:(\w+)/g, "{$1}");
      return Object.keys(layer.route.methods).map((m) => `${m.toUpperCase()} ${path}`);
    }
    return layer.handle?.stack !== undefined ? routesOf(layer.handle.stack) : [];
  });
}

const operationsOf = (doc: Doc) => Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));

describe("the OpenAPI document", () => {
  const doc = openApiDocument("test") as unknown as Doc;

  it("describes every route the API router serves, and no other", () => {
    // Nothing runs until a request comes: stand-ins are enough to build the router.
    const deps = { core: {}, recorder: {}, metrics: {}, version: "test", agentToken: undefined, operatorToken: undefined, limits: DEFAULT_RATE_LIMITS, ipBytes: {}, now: Date.now } as unknown as ApiDeps;
    const served = routesOf((apiRouter(deps) as unknown as { stack: Layer[] }).stack).filter((r) => !r.startsWith("HEAD "));
    expect(served).toContain(`GET ${OPENAPI_PATH}`);
    expect(operationsOf(doc).sort()).toEqual([...new Set(served)].sort());
  });

  it("has component schemas a strict JSON Schema 2020-12 validator compiles, and every $ref resolves", () => {
    const ajv = new Ajv2020({ strict: true, allErrors: true });
    ajv.addKeyword("components"); // where OpenAPI keeps the schemas; not a JSON Schema keyword
    ajv.addSchema({ $id: "doc", components: doc.components });
    for (const name of Object.keys(doc.components.schemas)) expect(() => ajv.compile({ $ref: `doc#/components/schemas/${name}` }), name).not.toThrow();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const name of refs) expect(doc.components.schemas, name).toHaveProperty(name);
  });
});

describe("docs/api.md", () => {
  const doc = openApiDocument("test") as unknown as Doc;
  const text = readFileSync(new URL("../../../../docs/api.md", import.meta.url), "utf8");

  it("has a section for every operation of the document, and none for another", () => {
    const headings = [...text.matchAll(/^### `([A-Z]+) ([^`]+)`$/gm)].map((m) => `${m[1]} ${m[2]!.replace(/:(\w+)/g, "{$1}")}`);
    expect(headings.sort()).toEqual(operationsOf(doc).sort());
  });

  it("shows answers that validate against the document", () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const examples = [...text.matchAll(/<!-- answer: ([A-Z]+) (\S+) (\d+) -->\n```json\n([\s\S]*?)\n```/g)];
    expect(examples.length).toBeGreaterThanOrEqual(8);
    for (const [, method, template, status, json] of examples) {
      const schema = doc.paths[template!]?.[method!.toLowerCase()]?.responses[status!]?.content?.["application/json"]?.schema;
      expect(schema, `${method} ${template} ${status}`).toBeDefined();
      const validate = ajv.compile({ ...schema, components: doc.components });
      expect(validate(JSON.parse(json!)) ? [] : validate.errors, `${method} ${template} ${status}`).toEqual([]);
    }
  });
});

describe("real answers against the served document", () => {
  const AGENT = "agent-secret";
  const OPERATOR = "operator-secret";
  let t: TestCollector;
  let doc: Doc;
  let ajv: Ajv2020;
  const checked = new Set<string>();
  const validators = new Map<string, ValidateFunction>();

  /** The schema the document gives for this operation's answer, as served. */
  function validatorFor(method: string, template: string, status: number, type: string): ValidateFunction {
    const responses = doc.paths[template]?.[method.toLowerCase()]?.responses;
    expect(responses, `${method} ${template} is not in the document`).toBeDefined();
    const response = responses![String(status)] ?? responses!.default;
    const schema = response?.content?.[type]?.schema;
    expect(schema, `${method} ${template} ${status} ${type} is not described`).toBeDefined();
    const key = `${method} ${template} ${status} ${type}`;
    let validate = validators.get(key);
    if (validate === undefined) {
      validate = ajv.compile({ $id: `answer:${validators.size}`, ...schema, components: doc.components });
      validators.set(key, validate);
    }
    return validate;
  }

  /** Sends a request and validates the answer against the document; returns its status and body. */
  async function call(method: string, template: string, path: string, init: { token?: string; body?: string; type?: string } = {}): Promise<{ status: number; body: unknown }> {
    const headers: Record<string, string> = {};
    if (init.token !== undefined) headers.authorization = `Bearer ${init.token}`;
    if (init.type !== undefined) headers["content-type"] = init.type;
    const res = await fetch(`${t.url}${path}`, { method, headers, ...(init.body !== undefined ? { body: init.body } : {}) });
    const type = (res.headers.get("content-type") ?? "").split(";")[0]!.trim();
    const raw = await res.text();
    checked.add(`${method} ${template}`);
    if (res.status === 204) {
      expect(doc.paths[template]?.[method.toLowerCase()]?.responses["204"], `${method} ${template} 204`).toBeDefined();
      return { status: 204, body: undefined };
    }
    const body: unknown = type === "application/json" ? JSON.parse(raw) : raw;
    const validate = validatorFor(method, template, res.status, type);
    expect(validate(body) ? [] : validate.errors, `${method} ${path} → ${res.status} ${raw.slice(0, 300)}`).toEqual([]);
    return { status: res.status, body };
  }

  const ndjson = (...messages: unknown[]) => messages.map((m) => JSON.stringify(m)).join("\n") + "\n";

  beforeAll(async () => {
    t = await startCollector({ agentToken: AGENT, operatorToken: OPERATOR });
    const served = await fetch(`${t.url}${OPENAPI_PATH}`);
    expect(served.headers.get("content-type")).toMatch(/^application\/json/);
    doc = (await served.json()) as Doc;
    checked.add(`GET ${OPENAPI_PATH}`);
    // The document's own fields (components) are not JSON Schema keywords; the schemas passed the strict compile above.
    ajv = new Ajv2020({ strict: false, allErrors: true });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("health, ingest (accepted, refused line by line, refused whole, no token) and the request bodies as described", async () => {
    expect((await call("GET", "/api/v1/health", "/api/v1/health")).status).toBe(200);
    const messages = [helloMsg("a", ["r1", "r2"]), reportMsg("a", 1, [replicaReport("r1", 3, [["r1", 3]], { full: true }), replicaReport("r2", 0, [["r1", 1]], { full: true })])];
    const arraySchema = doc.paths["/api/v1/ingest"]!.post!.requestBody!.content["application/json"]!.schema;
    const validRequest = ajv.compile({ $id: "ingest-request", ...arraySchema, components: doc.components });
    expect(validRequest(messages) ? [] : validRequest.errors).toEqual([]);
    expect(validRequest([{ type: "report" }])).toBe(false);

    expect((await call("POST", "/api/v1/ingest", "/api/v1/ingest", { body: ndjson(...messages), type: "application/x-ndjson" })).status).toBe(401);
    const ok = await call("POST", "/api/v1/ingest", "/api/v1/ingest", { token: AGENT, body: ndjson(...messages), type: "application/x-ndjson" });
    expect(ok).toMatchObject({ status: 200, body: { accepted: 2 } });
    const refused = await call("POST", "/api/v1/ingest", "/api/v1/ingest", { token: AGENT, body: JSON.stringify([{ type: "report" }]), type: "application/json" });
    expect(refused).toMatchObject({ status: 400, body: { accepted: 0, rejected: [{ line: 1, code: "VALIDATION" }] } });
    const wrongType = await call("POST", "/api/v1/ingest", "/api/v1/ingest", { token: AGENT, body: "{}", type: "application/xml" });
    expect(wrongType).toMatchObject({ status: 400, body: { type: "error", code: "BAD_REQUEST" } });
    t.collector.tick();
  });

  it("the cluster, a replica, the config and its changes, with their refusals", async () => {
    expect((await call("GET", "/api/v1/cluster", "/api/v1/cluster")).status).toBe(200);
    expect((await call("GET", "/api/v1/cluster", "/api/v1/cluster?windowMs=5")).status).toBe(400);
    expect(await call("GET", "/api/v1/replicas/{id}", "/api/v1/replicas/r2")).toMatchObject({ status: 200, body: { id: "r2", missingUpdates: 2 } });
    expect((await call("GET", "/api/v1/replicas/{id}", "/api/v1/replicas/nope")).status).toBe(404);
    const { body: config } = await call("GET", "/api/v1/config", "/api/v1/config");
    const version = (config as { version: number }).version;

    const patch = { expectedVersion: version, gossip: { fanout: 3 } };
    expect(ConfigPatchSchema.safeParse(patch).success).toBe(true);
    const put = (body: unknown, token?: string) => call("PUT", "/api/v1/config", "/api/v1/config", { body: JSON.stringify(body), type: "application/json", ...(token !== undefined ? { token } : {}) });
    expect((await put(patch)).status).toBe(401);
    expect((await put(patch, AGENT)).status).toBe(403);
    expect(await put(patch, OPERATOR)).toMatchObject({ status: 200, body: { changed: ["gossip.fanout"], config: { version: version + 1 } } });
    expect((await put(patch, OPERATOR)).status).toBe(409);
    expect((await put({ gossip: { fanout: 0 } }, OPERATOR)).status).toBe(400);
    expect(DEFAULT_CLUSTER_CONFIG.gossip.fanout).not.toBe(3);
  });

  it("the config long poll: a config, nothing changed, and its refusals", async () => {
    const poll = (query: string, token: string | null = AGENT, agent = "a") =>
      call("GET", "/api/v1/agents/{id}/config", `/api/v1/agents/${agent}/config${query}`, token === null ? {} : { token });
    const first = await poll("?after=0");
    expect(first).toMatchObject({ status: 200, body: { type: "config" } });
    const version = (first.body as { config: { version: number } }).config.version;
    expect((await poll(`?after=${version}&waitMs=0`)).status).toBe(204);
    expect((await poll("?after=0", null)).status).toBe(401);
    expect((await poll("?waitMs=soon")).status).toBe(400);
    expect((await poll("", AGENT, "stranger")).status).toBe(404);
  });

  it("runs, a run, its exports, /metrics, and an unknown endpoint", async () => {
    const { body } = await call("GET", "/api/v1/runs", "/api/v1/runs");
    const run = (body as { runs: Array<{ id: string; current: boolean }> }).runs.find((r) => r.current);
    expect(run).toBeDefined();
    expect((await call("GET", "/api/v1/runs/{id}", `/api/v1/runs/${run!.id}`)).status).toBe(200);
    expect((await call("GET", "/api/v1/runs/{id}", "/api/v1/runs/run-999")).status).toBe(404);
    const exported = await call("GET", "/api/v1/runs/{id}/export", `/api/v1/runs/${run!.id}/export?format=json`);
    expect((exported.body as { frames: unknown[] }).frames.length).toBeGreaterThan(0);
    expect(await call("GET", "/api/v1/runs/{id}/export", `/api/v1/runs/${run!.id}/export?format=csv&data=samples`)).toMatchObject({ status: 200 });
    expect((await call("GET", "/api/v1/runs/{id}/export", `/api/v1/runs/${run!.id}/export?format=xml`)).status).toBe(400);
    expect(await call("GET", "/metrics", "/metrics")).toMatchObject({ status: 200 });
    const unknown = await fetch(`${t.url}/api/v1/nothing-here`);
    const validate = ajv.compile({ $id: "unknown-endpoint", $ref: "#/components/schemas/ErrorMessage", components: doc.components });
    expect(unknown.status).toBe(404);
    expect(validate(await unknown.json())).toBe(true);
  });

  it("experiments: one started, followed, recommended from, exported, refused to cancel, deleted; and their refusals", async () => {
    const plan = {
      name: "openapi",
      engine: "simulated",
      cluster: { replicas: 3, crdtType: "gcounter" },
      fixed: { mode: "push-pull", payload: "delta", updatesPerSecPerReplica: 5, intervalMs: 100 },
      sweep: { fanout: [1] },
      warmupMs: 0,
      measure: { durationMs: 1000 },
    };
    const planSchema = doc.paths["/api/v1/experiments"]!.post!.requestBody!.content["application/json"]!.schema;
    const validPlan = ajv.compile({ $id: "plan-request", ...planSchema, components: doc.components });
    expect(validPlan(plan) ? [] : validPlan.errors).toEqual([]);
    const post = (body: unknown, token?: string) =>
      call("POST", "/api/v1/experiments", "/api/v1/experiments", { body: JSON.stringify(body), type: "application/json", ...(token !== undefined ? { token } : {}) });
    expect((await post(plan)).status).toBe(401);
    expect((await post({ ...plan, sweep: {} }, OPERATOR)).status).toBe(400);
    const started = await post(plan, OPERATOR);
    expect(started.status, JSON.stringify(started.body)).toBe(201);
    const id = (started.body as { id: string }).id;
    const path = `/api/v1/experiments/${id}`;
    expect((await call("DELETE", "/api/v1/experiments/{id}", path, { token: OPERATOR })).status).toBe(409);
    let status = "running";
    for (let i = 0; i < 600 && status === "running"; i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = ((await call("GET", "/api/v1/experiments/{id}", path)).body as { status: string }).status;
    }
    expect(status).toBe("done");
    expect((await call("GET", "/api/v1/experiments", "/api/v1/experiments")).body).toMatchObject({ experiments: [{ id, status: "done" }] });
    expect((await call("GET", "/api/v1/experiments/{id}/recommendation", `${path}/recommendation?p95Ms=600000`)).status).toBe(200);
    expect((await call("GET", "/api/v1/experiments/{id}/recommendation", `${path}/recommendation`)).status).toBe(400);
    expect((await call("GET", "/api/v1/experiments/{id}/export", `${path}/export`)).status).toBe(200);
    expect((await call("GET", "/api/v1/experiments/{id}/export", `${path}/export?format=csv`)).status).toBe(200);
    expect((await call("POST", "/api/v1/experiments/{id}/cancel", `${path}/cancel`, { token: OPERATOR })).status).toBe(409);
    const apply = (point: number) => call("POST", "/api/v1/experiments/{id}/apply", `${path}/apply`, { token: OPERATOR, body: JSON.stringify({ point }), type: "application/json" });
    expect(await apply(0)).toMatchObject({ status: 200, body: { config: { gossip: { fanout: 1 } } } });
    expect((await apply(99)).status).toBe(400);
    expect((await call("GET", "/api/v1/experiments/{id}", "/api/v1/experiments/exp-999")).status).toBe(404);
    expect((await call("DELETE", "/api/v1/experiments/{id}", path, { token: AGENT })).status).toBe(403);
    expect((await call("DELETE", "/api/v1/experiments/{id}", path, { token: OPERATOR })).status).toBe(204);
    const tuner = (body: object, token = OPERATOR) => call("PUT", "/api/v1/tuner", "/api/v1/tuner", { token, body: JSON.stringify(body), type: "application/json" });
    expect((await call("GET", "/api/v1/tuner", "/api/v1/tuner")).body).toMatchObject({ enabled: false, state: "off" });
    expect(await tuner({ enabled: true })).toMatchObject({ status: 400, body: { code: "VALIDATION", issues: [{ path: "target" }] } });
    expect(await tuner({ enabled: true, target: { p95Ms: 400 } })).toMatchObject({ status: 200, body: { enabled: true, target: { p95Ms: 400, intervalMs: { min: 10, max: 10_000 } } } });
    expect((await tuner({ enabled: false }, AGENT)).status).toBe(403);
    expect(await tuner({ enabled: false })).toMatchObject({ status: 200, body: { state: "off" } });
  }, 60_000);

  it("exercised every operation the document lists", () => {
    expect([...checked].sort()).toEqual(operationsOf(doc).sort());
  });
});
