// REST calls to the collector: health, recorded runs, a run's export.

import { ReplicaInfoSchema, type ReplicaInfo } from "@driftscope/protocol";
import type { RunSummary } from "../store/runsSlice.js";
import { collectorBase } from "./collectorUrl.js";

async function getJson(path: string): Promise<unknown> {
  const res = await fetch(`${collectorBase()}${path}`, { headers: { accept: "application/json" } });
  if (!res.ok) {
    let message = `${res.status} ${res.statusText}`;
    try {
      const body = (await res.json()) as { message?: string };
      if (body.message) message = `${message}: ${body.message}`;
    } catch {
      // not JSON
    }
    throw new Error(message);
  }
  return res.json();
}

/** `{ ok, version, protocol }` or null when unreachable. */
export async function fetchHealth(): Promise<{ ok: boolean; version?: string; protocol?: number } | null> {
  try {
    return (await getJson("/api/v1/health")) as { ok: boolean; version?: string; protocol?: number };
  } catch {
    return null;
  }
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

/** `{ p50, p95, p99 }` flags from a run's convergence figures (absent: none is a lower bound). */
function atLeastOf(v: unknown): RunSummary["convergenceAtLeast"] {
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  return { p50: o.p50 === true, p95: o.p95 === true, p99: o.p99 === true };
}

/** Reads one run from the list, tolerating extra or missing optional fields. */
export function parseRunSummary(v: unknown): RunSummary | null {
  if (typeof v !== "object" || v === null) return null;
  const o = v as Record<string, unknown>;
  if (typeof o.id !== "string" || typeof o.startedAtMs !== "number") return null;
  const config = (typeof o.config === "object" && o.config !== null ? o.config : {}) as Record<string, Record<string, unknown>>;
  const gossip = config.gossip ?? {};
  return {
    id: o.id,
    name: typeof o.name === "string" ? o.name : o.id,
    startedAtMs: o.startedAtMs,
    endedAtMs: num(o.endedAtMs) ?? null,
    replicaCount: num(o.replicaCount) ?? num(o.replicas),
    intervalMs: num(o.intervalMs) ?? num(gossip.intervalMs),
    fanout: num(o.fanout) ?? num(gossip.fanout),
    mode: typeof o.mode === "string" ? o.mode : typeof gossip.mode === "string" ? gossip.mode : undefined,
    payload: typeof gossip.payload === "string" ? gossip.payload : undefined,
    convergenceP50Ms: num(o.convergenceP50Ms),
    convergenceP95Ms: num(o.convergenceP95Ms),
    convergenceP99Ms: num(o.convergenceP99Ms),
    samples: num(o.samples) ?? num(o.sampleCount),
    frames: num(o.frames),
    status: typeof o.status === "string" ? o.status : undefined,
    current: o.current === true,
  };
}

/** Fills a run's config and convergence figures from `GET /api/v1/runs/:id` (the list carries only counts). */
export function mergeRunDetail(summary: RunSummary, detail: unknown): RunSummary {
  if (typeof detail !== "object" || detail === null) return summary;
  const d = detail as { convergence?: Record<string, unknown>; configs?: { config?: { gossip?: Record<string, unknown> } }[]; kpis?: { total?: unknown }[] };
  const lastKpis = d.kpis?.[d.kpis.length - 1];
  const gossip = d.configs?.[0]?.config?.gossip ?? {};
  return {
    ...summary,
    intervalMs: summary.intervalMs ?? num(gossip.intervalMs),
    fanout: summary.fanout ?? num(gossip.fanout),
    mode: summary.mode ?? (typeof gossip.mode === "string" ? gossip.mode : undefined),
    configChanges: Math.max(0, (d.configs?.length ?? 1) - 1),
    replicaCount: summary.replicaCount ?? num(lastKpis?.total),
    convergenceP50Ms: summary.convergenceP50Ms ?? num(d.convergence?.p50),
    convergenceP95Ms: summary.convergenceP95Ms ?? num(d.convergence?.p95),
    convergenceP99Ms: summary.convergenceP99Ms ?? num(d.convergence?.p99),
    // The recording run's figures are censored by its updates still in flight.
    convergenceAtLeast: summary.convergenceAtLeast ?? atLeastOf(d.convergence?.atLeast),
    convergenceCensored: summary.convergenceCensored ?? num(d.convergence?.censored),
    samples: summary.samples ?? num(d.convergence?.count),
  };
}

/** The current replicas from `GET /api/v1/cluster` (incarnations and dot reuse change without a membership change). */
export async function fetchReplicaInfo(): Promise<ReplicaInfo[]> {
  const body = (await getJson("/api/v1/cluster")) as { replicas?: unknown };
  const parsed = ReplicaInfoSchema.array().safeParse(body.replicas);
  if (!parsed.success) throw new Error(`the collector's replica list did not parse: ${parsed.error.issues[0]?.message ?? "unknown"}`);
  return parsed.data;
}

/** `GET /api/v1/runs/:id`. */
export function fetchRunDetail(id: string): Promise<unknown> {
  return getJson(`/api/v1/runs/${encodeURIComponent(id)}`);
}

/** `GET /api/v1/runs`: `{ runs: [...] }` or a bare array. */
export async function fetchRuns(): Promise<RunSummary[]> {
  const body = await getJson("/api/v1/runs");
  const list = Array.isArray(body) ? body : Array.isArray((body as { runs?: unknown }).runs) ? (body as { runs: unknown[] }).runs : [];
  return list.map(parseRunSummary).filter((r): r is RunSummary => r !== null);
}

/** `GET /api/v1/runs/:id/export?format=json`. */
export function fetchRunExport(id: string): Promise<unknown> {
  return getJson(`/api/v1/runs/${encodeURIComponent(id)}/export?format=json`);
}

/** Link for a run's CSV export (downloaded by the browser). */
export function runCsvUrl(id: string): string {
  return `${collectorBase()}/api/v1/runs/${encodeURIComponent(id)}/export?format=csv`;
}
