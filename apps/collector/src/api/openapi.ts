// GET /api/v1/openapi.json: the REST API as an OpenAPI 3.1 document. Bodies are the
// protocol's zod schemas converted by zod itself (jsonSchemasOf), so the document says
// what the routes parse and answer; the routes, their auth and errors are listed here
// (docs/api.md is the prose). openapi.test.ts checks every route of the router is here
// and that real answers validate against the served document.
import {
  ClusterConfigSchema,
  ConfigChangeAnswerSchema,
  ConfigMessageSchema,
  ConfigPatchSchema,
  ErrorMessageSchema,
  ExperimentApplyRequestSchema,
  TunerRequestSchema,
  TunerStateSchema,
  ExperimentListAnswerSchema,
  ExperimentPlanSchema,
  ExperimentSchema,
  ExperimentSummarySchema,
  HEALTH_PATH,
  HealthAnswerSchema,
  HTTP_STATUS_BY_CODE,
  INGEST_PATH,
  IngestAnswerSchema,
  IngestMessageSchema,
  jsonSchemasOf,
  LIMITS,
  NDJSON_CONTENT_TYPE,
  PROTOCOL_VERSION,
  RecommendationSchema,
  ReplicaDetailAnswerSchema,
  RunDetailAnswerSchema,
  RunExportSchema,
  RunListAnswerSchema,
  SnapshotSchema,
  type ErrorCode,
  type JsonSchema,
} from "@driftscope/protocol";
import express, { type Router } from "express";
import { CSV_TABLES } from "../recordings/export.js";
import { CONFIG_POLL_MAX_WAIT_MS } from "./agentConfigRoute.js";

export const OPENAPI_PATH = "/api/v1/openapi.json";

type Auth = "none" | "agent" | "operator";
type Json = Record<string, unknown>;

interface Operation {
  summary: string;
  description?: string;
  auth: Auth;
  parameters?: Json[];
  requestBody?: Json;
  responses: Record<string, Json>;
}

const ref = (name: string) => `#/components/schemas/${name}`;
const jsonBody = (name: string) => ({ "application/json": { schema: { $ref: ref(name) } } });
const answer = (description: string, name: string) => ({ description, content: jsonBody(name) });
const text = (description: string, type: string) => ({ description, content: { [type]: { schema: { type: "string" } } } });
const retryAfter = { "Retry-After": { description: "Seconds to wait before trying again.", schema: { type: "integer", minimum: 1 } } };
const bearerChallenge = { "WWW-Authenticate": { description: 'Bearer realm="driftscope"', schema: { type: "string" } } };

/** ErrorMessage answers for these codes, one entry per HTTP status. */
function errors(...codes: ErrorCode[]): Record<string, Json> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) byStatus.set(HTTP_STATUS_BY_CODE[code], [...(byStatus.get(HTTP_STATUS_BY_CODE[code]) ?? []), code]);
  const out: Record<string, Json> = {};
  for (const [status, shared] of byStatus) {
    out[String(status)] = {
      ...answer(`ErrorMessage with code ${shared.join(" or ")}; nothing was changed.`, "ErrorMessage"),
      ...(shared.includes("RATE_LIMITED") ? { headers: retryAfter } : shared.includes("UNAUTHORIZED") ? { headers: bearerChallenge } : {}),
    };
  }
  return out;
}

const idParameter = (what: string) => ({ name: "id", in: "path", required: true, description: what, schema: { type: "string", pattern: "^[A-Za-z0-9._:-]+$", maxLength: LIMITS.idLength } });
const intQuery = (name: string, min: number, max: number, description: string) => ({ name, in: "query", required: false, description, schema: { type: "integer", minimum: min, maximum: max } });

const numberQuery = (name: string, description: string) => ({ name, in: "query", required: false, description, schema: { type: "number", exclusiveMinimum: 0 } });
const experimentId = idParameter("Experiment id (exp-<n>).");
const operatorRefusals = ["UNAUTHORIZED", "FORBIDDEN"] as const;

const PATHS: Record<string, Partial<Record<"get" | "post" | "put" | "delete", Operation>>> = {
  [HEALTH_PATH]: {
    get: { summary: "Is the collector up, and which protocol does it speak", auth: "none", responses: { 200: answer("Always ok while the process serves.", "HealthAnswer") } },
  },
  [INGEST_PATH]: {
    post: {
      summary: "Agent messages from a node that does not speak socket.io",
      description:
        "hello, report, config-ack and bye messages (docs/protocol.md), as NDJSON (one per line; text/plain is read as NDJSON) or a JSON array. Each line is judged on its own: good lines are applied even when others are refused, in order. The answer is the node's only channel back: clock, config, requestFull.",
      auth: "agent",
      requestBody: {
        required: true,
        content: {
          [NDJSON_CONTENT_TYPE]: { schema: { type: "string", description: "One IngestMessage per line." } },
          "application/json": { schema: { type: "array", maxItems: LIMITS.ingestMessages, items: { $ref: ref("IngestMessage") } } },
          "text/plain": { schema: { type: "string", description: "Read as NDJSON." } },
        },
      },
      responses: {
        200: answer("At least one line was accepted (or the body held none); `rejected` lists the others.", "IngestAnswer"),
        400: {
          description: "Every line was refused (an IngestAnswer listing why), or the body as a whole could not be used: a Content-Type other than the three above, a malformed JSON array (an ErrorMessage, BAD_REQUEST).",
          content: { "application/json": { schema: { oneOf: [{ $ref: ref("IngestAnswer") }, { $ref: ref("ErrorMessage") }] } } },
        },
        ...errors("UNAUTHORIZED", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"),
      },
    },
  },
  "/api/v1/cluster": {
    get: {
      summary: "The cluster now: replicas, config, recent frames and KPIs, samples, timeline",
      auth: "none",
      parameters: [intQuery("windowMs", 1000, 3_600_000, "Sliding window of the convergence percentiles (default: the collector's, 60 s).")],
      responses: { 200: answer("The same snapshot a dashboard gets after subscribe.", "Snapshot"), ...errors("VALIDATION") },
    },
  },
  "/api/v1/replicas/{id}": {
    get: {
      summary: "One replica's figures, digest and version vector",
      auth: "none",
      parameters: [idParameter("Replica id.")],
      responses: { 200: answer("The replica's figures.", "ReplicaDetailAnswer"), ...errors("NOT_FOUND") },
    },
  },
  "/api/v1/config": {
    get: { summary: "The cluster config in force", auth: "none", responses: { 200: answer("The current config.", "ClusterConfig") } },
    put: {
      summary: "Change the cluster config (the same change a dashboard slider makes)",
      description:
        "A partial config: the sections and fields given replace the current ones; the version goes up by one. With expectedVersion, refused (CONFLICT) unless the config is at that version. Recorded on the run's timeline and pushed to every agent.",
      auth: "operator",
      requestBody: { required: true, content: jsonBody("ConfigPatch") },
      responses: {
        200: answer("The config now in force and the fields that changed.", "ConfigChangeAnswer"),
        ...errors("BAD_REQUEST", "VALIDATION", "UNAUTHORIZED", "FORBIDDEN", "CONFLICT", "PAYLOAD_TOO_LARGE", "RATE_LIMITED"),
      },
    },
  },
  "/api/v1/agents/{id}/config": {
    get: {
      summary: "Long poll: the config, as soon as its version is not `after`",
      description: `The config channel of HTTP-only agents (docs/protocol.md §8.1). Answers at once with the config message when the config's version differs from \`after\` (or \`after\` is absent); otherwise holds the request until a change or \`waitMs\` (default and at most ${CONFIG_POLL_MAX_WAIT_MS} ms). One poll per agent: a newer one ends the older with 204. Send hello first.`,
      auth: "agent",
      parameters: [
        idParameter("Agent id, as in its hello."),
        intQuery("after", 0, Number.MAX_SAFE_INTEGER, "The config version the agent runs."),
        intQuery("waitMs", 0, CONFIG_POLL_MAX_WAIT_MS, "Longest hold (0: answer at once)."),
      ],
      responses: {
        200: answer("A config to apply (then acknowledge it with config-ack over ingest).", "ConfigMessage"),
        204: { description: "Nothing changed within the wait (or a newer poll of the same agent, or the collector is closing): poll again." },
        ...errors("VALIDATION", "UNAUTHORIZED", "NOT_FOUND", "RATE_LIMITED"),
      },
    },
  },
  "/api/v1/runs": {
    get: { summary: "Recorded runs, newest first (at most 1,000)", auth: "none", responses: { 200: answer("The runs with their row counts; `current` marks the one recording.", "RunListAnswer") } },
  },
  "/api/v1/runs/{id}": {
    get: {
      summary: "One run: its configs, timeline, convergence percentiles and figures",
      auth: "none",
      parameters: [idParameter("Run id (run-<n>).")],
      responses: { 200: answer("The run; its figures decimated to at most 3,600 points.", "RunDetailAnswer"), ...errors("NOT_FOUND") },
    },
  },
  "/api/v1/runs/{id}/export": {
    get: {
      summary: "A run's recording, whole: JSON, or one table as CSV",
      auth: "none",
      parameters: [
        idParameter("Run id (run-<n>)."),
        { name: "format", in: "query", required: false, description: "Given at most once.", schema: { type: "string", enum: ["json", "csv"], default: "json" } },
        { name: "data", in: "query", required: false, description: "The table of a CSV export.", schema: { type: "string", enum: [...CSV_TABLES], default: "frames" } },
      ],
      responses: {
        200: {
          description: "An attachment (Content-Disposition): the JSON export, or the CSV table with a header row.",
          content: { "application/json": { schema: { $ref: ref("RunExport") } }, "text/csv": { schema: { type: "string" } } },
        },
        ...errors("VALIDATION", "NOT_FOUND"),
      },
    },
  },
  "/api/v1/experiments": {
    get: { summary: "Experiments, with where each stands", auth: "none", responses: { 200: answer("Every experiment kept, without plans and results.", "ExperimentListAnswer") } },
    post: {
      summary: "Start an experiment: a plan of configs, each point warmed up and measured",
      description: "Simulated plans run the gossip runtime in virtual time, in a process of their own (docs/experiments.md).",
      auth: "operator",
      requestBody: { required: true, content: jsonBody("ExperimentPlan") },
      responses: { 201: answer("The experiment, started.", "Experiment"), ...errors("BAD_REQUEST", "VALIDATION", ...operatorRefusals, "PAYLOAD_TOO_LARGE") },
    },
  },
  "/api/v1/experiments/{id}": {
    get: { summary: "One experiment: its plan and every finished point", auth: "none", parameters: [experimentId], responses: { 200: answer("The experiment.", "Experiment"), ...errors("NOT_FOUND") } },
    delete: {
      summary: "Delete an experiment that is not running",
      auth: "operator",
      parameters: [experimentId],
      responses: { 204: { description: "Deleted." }, ...errors(...operatorRefusals, "NOT_FOUND", "CONFLICT") },
    },
  },
  "/api/v1/experiments/{id}/cancel": {
    post: {
      summary: "Cancel a running experiment (its finished points are kept)",
      auth: "operator",
      parameters: [experimentId],
      responses: { 202: answer("The experiment, cancelled.", "ExperimentSummary"), ...errors(...operatorRefusals, "NOT_FOUND", "CONFLICT") },
    },
  },
  "/api/v1/experiments/{id}/apply": {
    post: {
      summary: "Run a measured point's gossip settings on the live cluster",
      description: "An ordinary config change (interval, fanout, mode, payload of the point), recorded on the timeline with the experiment's name.",
      auth: "operator",
      parameters: [experimentId],
      requestBody: { required: true, content: jsonBody("ExperimentApplyRequest") },
      responses: { 200: answer("The config now in force and the fields that changed.", "ConfigChangeAnswer"), ...errors("BAD_REQUEST", "VALIDATION", ...operatorRefusals, "NOT_FOUND", "PAYLOAD_TOO_LARGE") },
    },
  },
  "/api/v1/tuner": {
    get: { summary: "The auto-tuner's state", description: "off, paused (and why), or the controller's state: holding, adjusting, cannot-meet (and why: partition, budget, range), with its reason, target and last change.", auth: "none", responses: { 200: answer("The tuner's state.", "TunerState") } },
    put: {
      summary: "Switch the auto-tuner on (with a target), resume it, change its target, or switch it off",
      description: "The first switch-on needs a target: exactly one of p95Ms and p95UpdatePeriods, optionally maxBytesPerSecPerReplica and the interval and fanout ranges. Its changes are ordinary config changes labelled \"the tuner: …\"; a person changing the interval or fanout pauses it.",
      auth: "operator",
      requestBody: { required: true, content: jsonBody("TunerRequest") },
      responses: { 200: answer("The tuner's state.", "TunerState"), ...errors("BAD_REQUEST", "VALIDATION", ...operatorRefusals, "PAYLOAD_TOO_LARGE") },
    },
  },
  "/api/v1/experiments/{id}/recommendation": {
    get: {
      summary: "The cheapest point meeting a target",
      description: "Give exactly one of p95Ms and p95UpdatePeriods.",
      auth: "none",
      parameters: [
        experimentId,
        numberQuery("p95Ms", "p95 convergence at or under this many ms."),
        numberQuery("p95UpdatePeriods", "p95 convergence at or under this many update periods of the point's own update rate."),
        numberQuery("maxBytesPerSecPerReplica", "Byte budget per replica."),
      ],
      responses: { 200: answer("The point, or the closest one and why none meets the target.", "Recommendation"), ...errors("VALIDATION", "NOT_FOUND") },
    },
  },
  "/api/v1/experiments/{id}/export": {
    get: {
      summary: "An experiment as JSON, or its points as CSV (one row per point)",
      auth: "none",
      parameters: [experimentId, { name: "format", in: "query", required: false, schema: { type: "string", enum: ["json", "csv"], default: "json" } }],
      responses: {
        200: { description: "An attachment (Content-Disposition).", content: { "application/json": { schema: { $ref: ref("Experiment") } }, "text/csv": { schema: { type: "string" } } } },
        ...errors("VALIDATION", "NOT_FOUND"),
      },
    },
  },
  "/metrics": {
    get: { summary: "Prometheus metrics of the collector and the cluster", auth: "none", responses: { 200: text("Prometheus text exposition format.", "text/plain") } },
  },
  [OPENAPI_PATH]: {
    get: { summary: "This document", auth: "none", responses: { 200: { description: "OpenAPI 3.1.", content: { "application/json": { schema: { type: "object" } } } } } },
  },
};

const SECURITY: Record<Auth, Json[]> = {
  none: [],
  // `{}`: a collector started without tokens (loopback only) asks for none.
  agent: [{ agentToken: [] }, {}],
  operator: [{ operatorToken: [] }, {}],
};

const SCHEMAS = {
  inputs: { IngestMessage: IngestMessageSchema, ConfigPatch: ConfigPatchSchema, ExperimentPlan: ExperimentPlanSchema, ExperimentApplyRequest: ExperimentApplyRequestSchema, TunerRequest: TunerRequestSchema },
  outputs: {
    ErrorMessage: ErrorMessageSchema,
    HealthAnswer: HealthAnswerSchema,
    IngestAnswer: IngestAnswerSchema,
    ClusterConfig: ClusterConfigSchema,
    ConfigChangeAnswer: ConfigChangeAnswerSchema,
    ConfigMessage: ConfigMessageSchema,
    Snapshot: SnapshotSchema,
    ReplicaDetailAnswer: ReplicaDetailAnswerSchema,
    RunListAnswer: RunListAnswerSchema,
    RunDetailAnswer: RunDetailAnswerSchema,
    RunExport: RunExportSchema,
    Experiment: ExperimentSchema,
    ExperimentSummary: ExperimentSummarySchema,
    ExperimentListAnswer: ExperimentListAnswerSchema,
    Recommendation: RecommendationSchema,
    TunerState: TunerStateSchema,
  },
};

/** The OpenAPI 3.1 document of this collector's REST API. */
export function openApiDocument(version: string): Json {
  const paths: Record<string, Json> = {};
  for (const [path, operations] of Object.entries(PATHS)) {
    const item: Json = {};
    for (const [method, { auth, responses, ...rest }] of Object.entries(operations)) {
      item[method] = {
        ...rest,
        security: SECURITY[auth],
        responses: { ...responses, default: answer("Any other refusal: FORBIDDEN for a Host or Origin this collector does not serve, NOT_FOUND, INTERNAL.", "ErrorMessage") },
      };
    }
    paths[path] = item;
  }
  const schemas: Record<string, JsonSchema> = jsonSchemasOf(SCHEMAS, ref);
  return {
    openapi: "3.1.0",
    info: {
      title: "Driftscope collector REST API",
      version,
      description: `Wire protocol ${PROTOCOL_VERSION}. Every error is an ErrorMessage with the HTTP status of its code. Tokens are needed only when the collector was started with them (required to listen beyond loopback). See docs/api.md and docs/protocol.md.`,
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas,
      securitySchemes: {
        agentToken: { type: "http", scheme: "bearer", description: "The agent token (--token, DRIFTSCOPE_TOKEN)." },
        operatorToken: { type: "http", scheme: "bearer", description: "The operator token (--operator-token, DRIFTSCOPE_OPERATOR_TOKEN)." },
      },
    },
  };
}

/** Serves the document, built once: the schemas do not change while the process runs. */
export function openApiRouter(version: string): Router {
  const router = express.Router();
  let body: string | undefined;
  router.get(OPENAPI_PATH, (_req, res) => {
    body ??= JSON.stringify(openApiDocument(version));
    res.type("application/json").send(body);
  });
  return router;
}
