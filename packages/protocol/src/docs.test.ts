// docs/protocol.md is the spec for other languages; this keeps it honest. Every
// example (a fenced block after `<!-- example: NAME -->`) must parse with the schema
// NAME stands for, every message type must have an example, and the tables of
// limits, error codes and event names must match the code.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  AGENT_TO_COLLECTOR_EVENTS,
  AgentToCollectorSchema,
  applyConfigPatch,
  checkHello,
  ClusterConfigSchema,
  COLLECTOR_TO_AGENT_EVENTS,
  COLLECTOR_TO_DASHBOARD_EVENTS,
  CollectorToAgentSchema,
  CollectorToDashboardSchema,
  ConfigPatchSchema,
  DASHBOARD_TO_COLLECTOR_EVENTS,
  DashboardToCollectorSchema,
  DEFAULT_CLUSTER_CONFIG,
  DEFAULT_PORT,
  ERROR_CODES,
  HealthAnswerSchema,
  HTTP_STATUS_BY_CODE,
  IngestAnswerSchema,
  LIMITS,
  parseIngestBody,
  parseMessage,
  PROTOCOL_VERSION,
} from "./index.js";

const doc = readFileSync(new URL("../../../docs/protocol.md", import.meta.url), "utf8");

interface Example {
  name: string;
  lang: string;
  text: string;
}

const examples: Example[] = [...doc.matchAll(/<!-- example: ([a-z-]+) -->\n```(\w+)\n([\s\S]*?)\n```/g)].map((m) => ({
  name: m[1]!,
  lang: m[2]!,
  text: m[3]!,
}));

const messageSchemas: Array<[string, z.ZodType]> = [
  ...[AgentToCollectorSchema, CollectorToAgentSchema, DashboardToCollectorSchema, CollectorToDashboardSchema].flatMap((union) =>
    union.options.map((option): [string, z.ZodType] => [option.shape.type.value, option]),
  ),
];

const schemaByName = new Map<string, z.ZodType>([
  ...messageSchemas,
  ["cluster-config", ClusterConfigSchema],
  ["config-patch", ConfigPatchSchema],
  ["ingest-answer", IngestAnswerSchema],
  ["health", HealthAnswerSchema],
]);

function example(name: string): Example {
  const found = examples.find((e) => e.name === name);
  if (found === undefined) throw new Error(`docs/protocol.md has no example "${name}"`);
  return found;
}

describe("docs/protocol.md", () => {
  it("has markers only in front of fenced blocks (no orphan marker)", () => {
    expect(examples.length).toBe(doc.split("<!-- example:").length - 1);
  });

  it("has an example of every message type, the config, a patch, an ingest body and answer", () => {
    const names = new Set(examples.map((e) => e.name));
    for (const name of [...schemaByName.keys(), "ingest-body"]) expect(names, name).toContain(name);
  });

  it("every JSON example parses with its schema (and a message example's type matches its marker)", () => {
    for (const e of examples.filter((x) => x.lang === "json")) {
      const schema = schemaByName.get(e.name);
      expect(schema, `no schema for example "${e.name}"`).toBeDefined();
      const result = parseMessage(schema!, JSON.parse(e.text));
      expect(result.ok ? "ok" : result.error.message, e.name).toBe("ok");
      const type = (JSON.parse(e.text) as { type?: unknown }).type;
      if (type !== undefined) expect(type).toBe(e.name);
    }
  });

  it("the ingest answer example is what the collector's parser makes of the ingest body example", () => {
    const body = example("ingest-body");
    expect(body.lang).toBe("ndjson");
    const parsed = parseIngestBody(body.text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const answer = IngestAnswerSchema.parse(JSON.parse(example("ingest-answer").text));
    expect(parsed.messages.length).toBe(answer.accepted);
    expect(parsed.rejected).toEqual(answer.rejected);
  });

  it("the error example is what checkHello answers to protocol 2, and the control-result error is applyConfigPatch's", () => {
    const hello = JSON.parse(example("hello").text) as Record<string, unknown>;
    const refused = checkHello({ ...hello, protocol: 2 });
    expect(refused.ok).toBe(false);
    if (!refused.ok) expect(JSON.parse(example("error").text)).toEqual(refused.error);
    const patched = applyConfigPatch(DEFAULT_CLUSTER_CONFIG, { gossip: { fanout: 0 } });
    expect(patched.ok).toBe(false);
    if (!patched.ok) expect((JSON.parse(example("control-result").text) as { error: unknown }).error).toEqual(patched.error);
  });

  it("the default config example is DEFAULT_CLUSTER_CONFIG", () => {
    expect(JSON.parse(example("cluster-config").text)).toEqual(DEFAULT_CLUSTER_CONFIG);
  });

  it("the limits table matches LIMITS", () => {
    for (const [key, value] of Object.entries(LIMITS)) {
      expect(doc, key).toContain(`| \`${key}\` | ${value} |`);
    }
  });

  it("the error table lists every code with its HTTP status", () => {
    for (const code of ERROR_CODES) expect(doc, code).toContain(`| \`${code}\` | ${HTTP_STATUS_BY_CODE[code]} |`);
  });

  it("names every socket event, the namespaces, the port and the protocol version", () => {
    for (const name of [...AGENT_TO_COLLECTOR_EVENTS, ...COLLECTOR_TO_AGENT_EVENTS, ...DASHBOARD_TO_COLLECTOR_EVENTS, ...COLLECTOR_TO_DASHBOARD_EVENTS]) {
      expect(doc, name).toContain(`\`${name}\``);
    }
    expect(doc).toContain("`/agents`");
    expect(doc).toContain("`/dashboards`");
    expect(doc).toContain(`127.0.0.1:${DEFAULT_PORT}`);
    expect(doc).toContain(`# Driftscope wire protocol (version ${PROTOCOL_VERSION})`);
  });
});
