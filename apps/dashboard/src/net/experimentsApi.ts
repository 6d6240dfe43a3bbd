// The collector's experiments REST API (docs/experiments.md), each answer parsed with the
// protocol's schema: list, read, start, cancel, delete, recommend and apply. Starting,
// cancelling, deleting and applying are control actions: they carry the operator token
// (`Authorization: Bearer …`) when the person gave one.

import {
  ConfigChangeAnswerSchema,
  ErrorMessageSchema,
  ExperimentListAnswerSchema,
  ExperimentSchema,
  RecommendationSchema,
  type ConfigChangeAnswer,
  type ErrorMessage,
  type Experiment,
  type ExperimentSummary,
  type Recommendation,
  type Target,
} from "@driftscope/protocol";
import { collectorBase } from "./collectorUrl.js";

/** A refused request: the HTTP status and the collector's error message (code, field issues). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: ErrorMessage | null,
  ) {
    super(error?.message ?? `HTTP ${status}`);
  }

  /** The collector wants the operator token (missing or wrong). */
  get needsToken(): boolean {
    return this.error?.code === "UNAUTHORIZED" || this.error?.code === "FORBIDDEN" || this.status === 401 || this.status === 403;
  }
}

/** One REST call; control actions pass the operator token (the tuner's calls use this too). */
export async function request(method: "GET" | "POST" | "PUT" | "DELETE", path: string, opts: { body?: unknown; token?: string | null } = {}): Promise<unknown> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  const res = await fetch(`${collectorBase()}${path}`, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  if (res.status === 204) return null;
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    // no JSON body
  }
  if (!res.ok) {
    const parsed = ErrorMessageSchema.safeParse(body);
    throw new ApiError(res.status, parsed.success ? parsed.data : null);
  }
  return body;
}

/** What a protocol schema offers for parsing (zod's safeParse, without depending on zod here). */
interface Parser<T> {
  safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export function parsed<T>(schema: Parser<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`the collector's ${what} did not parse: ${issue ? `${issue.path.map(String).join(".")}: ${issue.message}` : "unknown"}`);
  }
  return r.data;
}

const path = (id: string, rest = "") => `/api/v1/experiments/${encodeURIComponent(id)}${rest}`;

/** `GET /api/v1/experiments`, newest first. */
export async function fetchExperiments(): Promise<ExperimentSummary[]> {
  return parsed(ExperimentListAnswerSchema, await request("GET", "/api/v1/experiments"), "experiment list").experiments;
}

/** `GET /api/v1/experiments/:id`: the plan, where it stands and every finished point. */
export async function fetchExperiment(id: string): Promise<Experiment> {
  return parsed(ExperimentSchema, await request("GET", path(id)), "experiment");
}

/** `POST /api/v1/experiments`: starts a plan; refused with the field and the reason. */
export async function startExperiment(plan: unknown, token: string | null): Promise<Experiment> {
  return parsed(ExperimentSchema, await request("POST", "/api/v1/experiments", { body: plan, token }), "experiment");
}

/** `POST /api/v1/experiments/:id/cancel` (finished points are kept). */
export async function cancelExperiment(id: string, token: string | null): Promise<void> {
  await request("POST", path(id, "/cancel"), { token });
}

/** `DELETE /api/v1/experiments/:id` (a running one must be cancelled first). */
export async function deleteExperiment(id: string, token: string | null): Promise<void> {
  await request("DELETE", path(id), { token });
}

/** The recommendation's query: the target, and the update rate whose points to choose from. */
export function recommendationQuery(target: Target, updatesPerSecPerReplica: number): string {
  const q = new URLSearchParams();
  if (target.p95Ms !== undefined) q.set("p95Ms", String(target.p95Ms));
  if (target.p95UpdatePeriods !== undefined) q.set("p95UpdatePeriods", String(target.p95UpdatePeriods));
  if (target.maxBytesPerSecPerReplica !== undefined) q.set("maxBytesPerSecPerReplica", String(target.maxBytesPerSecPerReplica));
  q.set("updatesPerSecPerReplica", String(updatesPerSecPerReplica));
  return q.toString();
}

/** `GET /api/v1/experiments/:id/recommendation?…`: the cheapest point at that update rate meeting the target. */
export async function fetchRecommendation(id: string, target: Target, updatesPerSecPerReplica: number): Promise<Recommendation> {
  return parsed(RecommendationSchema, await request("GET", path(id, `/recommendation?${recommendationQuery(target, updatesPerSecPerReplica)}`)), "recommendation");
}

/** `POST /api/v1/experiments/:id/apply { point }`: the point's gossip settings as an ordinary config change. */
export async function applyExperimentPoint(id: string, point: number, token: string | null): Promise<ConfigChangeAnswer> {
  return parsed(ConfigChangeAnswerSchema, await request("POST", path(id, "/apply"), { body: { point }, token }), "config change answer");
}

/** The collector's CSV of an experiment's results (one row per point). */
export async function fetchExperimentCsv(id: string): Promise<string> {
  const res = await fetch(`${collectorBase()}${path(id, "/export?format=csv")}`);
  if (!res.ok) throw new ApiError(res.status, null);
  return res.text();
}
