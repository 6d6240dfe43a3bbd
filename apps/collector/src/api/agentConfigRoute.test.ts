// The config channel of HTTP-only agents (docs/protocol.md §8.1) and the rule for when an
// ingest answer carries `config` (§8), both through a real collector over HTTP.
import { ConfigMessageSchema, type IngestAnswer } from "@driftscope/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg, startCollector, until, type TestCollector } from "../../test/harness.js";
import { configPollsOf } from "./agentConfigRoute.js";

let t: TestCollector | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

const AGENT_TOKEN = "agent-secret-1";
const OPERATOR_TOKEN = "operator-secret-1";
const agentAuth = { authorization: `Bearer ${AGENT_TOKEN}` };

async function ingest(url: string, ...messages: unknown[]): Promise<IngestAnswer> {
  const res = await fetch(`${url}/api/v1/ingest`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson", ...agentAuth },
    body: messages.map((m) => JSON.stringify(m)).join("\n"),
  });
  expect(res.status).toBe(200);
  return (await res.json()) as IngestAnswer;
}

const poll = (url: string, agentId: string, query: string, headers: Record<string, string> = agentAuth) => fetch(`${url}/api/v1/agents/${agentId}/config${query}`, { headers });

async function changeConfig(url: string, patch: unknown): Promise<number> {
  const res = await fetch(`${url}/api/v1/config`, {
    method: "PUT",
    headers: { "content-type": "application/json", authorization: `Bearer ${OPERATOR_TOKEN}` },
    body: JSON.stringify(patch),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { config: { version: number } }).config.version;
}

const withTokens = () => startCollector({ agentToken: AGENT_TOKEN, operatorToken: OPERATOR_TOKEN });

describe("config long poll (GET /api/v1/agents/:id/config)", () => {
  it("answers at once with the config message when the agent runs another version", async () => {
    t = await withTokens();
    await ingest(t.url, helloMsg("py-1", ["p0"]));
    const version = t.collector.core.config.version;
    for (const query of ["", `?after=${version - 1}`, `?after=${version + 7}`]) {
      const res = await poll(t.url, "py-1", query);
      expect(res.status, query).toBe(200);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = ConfigMessageSchema.parse(await res.json());
      expect(body.config).toEqual(t.collector.core.config);
    }
  });

  it("holds a poll at the current version until the config changes, then answers the new one", async () => {
    t = await withTokens();
    await ingest(t.url, helloMsg("py-1", ["p0"]));
    const before = t.collector.core.config.version;
    const held = poll(t.url, "py-1", `?after=${before}`);
    await until(() => configPollsOf(t!.collector.core).size === 1, 5000, "the poll to be held");
    const version = await changeConfig(t.url, { gossip: { intervalMs: 250 } });
    const res = await held;
    expect(res.status).toBe(200);
    const body = ConfigMessageSchema.parse(await res.json());
    expect(body.config.version).toBe(version);
    expect(body.config.gossip.intervalMs).toBe(250);
    expect(configPollsOf(t.collector.core).size).toBe(0);
  });

  it("answers 204 when the wait runs out, and at once with waitMs=0", async () => {
    t = await withTokens();
    await ingest(t.url, helloMsg("py-1", ["p0"]));
    const version = t.collector.core.config.version;
    expect((await poll(t.url, "py-1", `?after=${version}&waitMs=0`)).status).toBe(204);
    expect((await poll(t.url, "py-1", `?after=${version}&waitMs=20`)).status).toBe(204);
    expect(configPollsOf(t.collector.core).size).toBe(0);
  });

  it("holds one poll per agent: a newer poll answers the older with 204", async () => {
    t = await withTokens();
    await ingest(t.url, helloMsg("py-1", ["p0"]));
    const version = t.collector.core.config.version;
    const first = poll(t.url, "py-1", `?after=${version}`);
    await until(() => configPollsOf(t!.collector.core).size === 1, 5000, "the poll to be held");
    const second = poll(t.url, "py-1", `?after=${version}&waitMs=20`);
    expect((await first).status).toBe(204);
    expect((await second).status).toBe(204);
  });

  it("refuses a missing or wrong token, an unknown agent, a bad id and bad numbers with the documented errors", async () => {
    t = await withTokens();
    await ingest(t.url, helloMsg("py-1", ["p0"]));
    const missing = await poll(t.url, "py-1", "", {});
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toContain("Bearer");
    expect((await poll(t.url, "py-1", "", { authorization: "Bearer wrong-token" })).status).toBe(401);
    const unknown = await poll(t.url, "py-2", "");
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ type: "error", code: "NOT_FOUND" });
    expect(await (await poll(t.url, "__proto__", "")).json()).toMatchObject({ code: "VALIDATION", issues: [{ path: "id" }] });
    for (const [query, path] of [
      ["?after=-1", "after"],
      ["?after=1.5", "after"],
      ["?after=abc", "after"],
      ["?waitMs=25001", "waitMs"],
    ] as const) {
      const res = await poll(t.url, "py-1", query);
      expect(res.status, query).toBe(400);
      expect(await res.json()).toMatchObject({ code: "VALIDATION", issues: [{ path }] });
    }
  });

  it("a held poll does not keep a closing collector waiting", async () => {
    t = await withTokens();
    await ingest(t.url, helloMsg("py-1", ["p0"]));
    const held = poll(t.url, "py-1", `?after=${t.collector.core.config.version}`).then(
      (res) => res.status,
      () => "connection closed",
    );
    await until(() => configPollsOf(t!.collector.core).size === 1, 5000, "the poll to be held");
    // A guard, not a measurement: the poll would otherwise hold the close for 25 s.
    const closed = await Promise.race([t.collector.close().then(() => "closed"), sleep(10_000).then(() => "still open")]);
    expect(closed).toBe("closed");
    expect([204, "connection closed"]).toContain(await held);
  });
});

describe("when an ingest answer carries config (§8)", () => {
  it("carries it for a hello and for a report naming another config version; not otherwise", async () => {
    t = await withTokens();
    const version = t.collector.core.config.version;
    expect((await ingest(t.url, helloMsg("py-1", ["p0"]))).config).toEqual(t.collector.core.config);
    const full = replicaReport("p0", 0, [], { full: true });
    expect((await ingest(t.url, reportMsg("py-1", 1, [full]))).config).toBeUndefined();
    expect((await ingest(t.url, reportMsg("py-1", 2, [{ ...full, configVersion: version }]))).config).toBeUndefined();
    const ack = { type: "config-ack", agentId: "py-1", version, replicas: ["p0"], ok: true };
    expect((await ingest(t.url, ack)).config).toBeUndefined();
    await changeConfig(t.url, { gossip: { fanout: 3 } });
    // Without configVersion the node never hears of the change through ingest answers:
    expect((await ingest(t.url, reportMsg("py-1", 3, [full]))).config).toBeUndefined();
    // naming the version it runs, it does:
    const stale = await ingest(t.url, reportMsg("py-1", 4, [{ ...full, configVersion: version }]));
    expect(stale.config?.version).toBe(version + 1);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
