// The experiment plan form as data: what a person types (text boxes, choices) turned into
// the plan the API takes (docs/experiments.md), the estimate of how long it runs, and which
// form field an API validation issue belongs to. Pure; the form component only renders it.

import {
  CRDT_TYPE_NAMES,
  GOSSIP_MODES,
  PAYLOAD_MODES,
  parsePlan,
  planPoints,
  pointDurationMs,
  type CrdtTypeName,
  type ExperimentPlan,
  type Issue,
} from "@driftscope/protocol";

/** Settings the form offers: the plan's swept settings plus jitter (fixed only). */
export const DRAFT_SETTINGS = ["intervalMs", "updatesPerSecPerReplica", "fanout", "mode", "payload", "lossRate", "latencyMs", "jitterMs"] as const;
/** One setting of the form. */
export type DraftSetting = (typeof DRAFT_SETTINGS)[number];

/** Whether a setting takes the cluster config in force, one value for every point, or varies. */
export type SettingUse = "cluster" | "fixed" | "swept";

/** What the form holds for one setting (text as typed). */
export interface SettingDraft {
  use: SettingUse;
  /** The fixed value. */
  value: string;
  /** The swept values, comma- or space-separated ("10, 100, 1000"); choices: the ticked ones. */
  values: string;
}

/** Everything the plan form holds, as typed. */
export interface PlanDraft {
  name: string;
  engine: "simulated" | "live";
  replicas: string;
  crdtType: CrdtTypeName;
  settings: Record<DraftSetting, SettingDraft>;
  /** The swept interval as a list or as a log range. */
  intervalAs: "list" | "range";
  intervalRange: { from: string; to: string; points: string };
  warmupS: string;
  stop: "duration" | "converged";
  durationS: string;
  minConverged: string;
  /** The p50's 95 % confidence half-width, in % of it. */
  halfWidthPct: string;
  capS: string;
  repetitions: string;
  seed: string;
}

/** How each setting reads in the form: label, unit, and whether it is a choice. */
export const SETTING_META: Record<DraftSetting, { label: string; unit: string; choices?: readonly string[]; sweepable: boolean; integer?: boolean; percent?: boolean }> = {
  intervalMs: { label: "Sync interval", unit: "ms", sweepable: true, integer: true },
  updatesPerSecPerReplica: { label: "Updates/s per replica", unit: "/s", sweepable: true },
  fanout: { label: "Fanout", unit: "peers", sweepable: true, integer: true },
  mode: { label: "Mode", unit: "", choices: GOSSIP_MODES, sweepable: true },
  payload: { label: "Payload", unit: "", choices: PAYLOAD_MODES, sweepable: true },
  lossRate: { label: "Message loss", unit: "%", sweepable: true, percent: true },
  latencyMs: { label: "Latency", unit: "ms", sweepable: true },
  jitterMs: { label: "Jitter", unit: "ms", sweepable: false },
};

/** The form a person starts from: the docs' question on 5 replicas, intervals 10 ms – 1 s. */
export function defaultDraft(): PlanDraft {
  const s = (use: SettingUse, value: string, values = value): SettingDraft => ({ use, value, values });
  return {
    name: "sync period vs cost",
    engine: "simulated",
    replicas: "5",
    crdtType: "gcounter",
    settings: {
      intervalMs: s("swept", "1000", "10, 100, 1000"),
      updatesPerSecPerReplica: s("fixed", "10", "1, 10"),
      fanout: s("fixed", "4", "1, 2, 4"),
      mode: s("fixed", "push", "push, push-pull"),
      payload: s("fixed", "full", "full"),
      lossRate: s("cluster", "0", "0, 10"),
      latencyMs: s("fixed", "2", "2"),
      jitterMs: s("cluster", "0", ""),
    },
    intervalAs: "list",
    intervalRange: { from: "10", to: "10000", points: "4" },
    warmupS: "5",
    stop: "duration",
    durationS: "60",
    minConverged: "200",
    halfWidthPct: "10",
    capS: "120",
    repetitions: "1",
    seed: "1",
  };
}

/** Values typed in one box: "10, 100 1000" → ["10", "100", "1000"]. */
export function splitValues(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** A number as typed ("1,5" reads as 1.5 when it is the whole box), or NaN. */
export function parseNumber(text: string): number {
  const t = text.trim().replace(/^(-?\d+),(\d+)$/, "$1.$2");
  return t === "" ? Number.NaN : Number(t);
}

/** The plan as JSON for `POST /api/v1/experiments`, or the boxes that do not hold numbers. */
export function draftToPlan(draft: PlanDraft): { plan: Record<string, unknown>; issues: Issue[] } {
  const issues: Issue[] = [];
  const num = (path: string, text: string, scale = 1): number => {
    const v = parseNumber(text);
    if (!Number.isFinite(v)) issues.push({ path, reason: text.trim() === "" ? "enter a number" : `"${text.trim()}" is not a number` });
    return Math.round(v * scale * 1e9) / 1e9;
  };
  const fixed: Record<string, unknown> = {};
  const sweep: Record<string, unknown> = {};
  for (const key of DRAFT_SETTINGS) {
    const s = draft.settings[key];
    const meta = SETTING_META[key];
    const scale = meta.percent ? 0.01 : 1;
    if (s.use === "fixed") fixed[key] = meta.choices ? s.value : num(`fixed.${key}`, s.value, scale);
    else if (s.use === "swept" && meta.sweepable) {
      if (key === "intervalMs" && draft.intervalAs === "range") {
        const r = draft.intervalRange;
        sweep[key] = { from: num("sweep.intervalMs.from", r.from), to: num("sweep.intervalMs.to", r.to), points: num("sweep.intervalMs.points", r.points) };
      } else if (meta.choices) sweep[key] = splitValues(s.values);
      else sweep[key] = splitValues(s.values).map((v, i) => num(`sweep.${key}[${i}]`, v, scale));
    }
  }
  const plan: Record<string, unknown> = { name: draft.name, engine: draft.engine };
  if (draft.engine === "simulated") plan.cluster = { replicas: num("cluster.replicas", draft.replicas), crdtType: draft.crdtType };
  plan.fixed = fixed;
  plan.sweep = sweep;
  plan.warmupMs = num("warmupMs", draft.warmupS, 1000);
  plan.measure =
    draft.stop === "duration"
      ? { durationMs: num("measure.durationMs", draft.durationS, 1000) }
      : {
          minConverged: num("measure.minConverged", draft.minConverged),
          maxRelativeHalfWidth: num("measure.maxRelativeHalfWidth", draft.halfWidthPct, 0.01),
          capMs: num("measure.capMs", draft.capS, 1000),
        };
  plan.repetitions = num("repetitions", draft.repetitions);
  plan.seed = num("seed", draft.seed);
  return { plan, issues };
}

/** How long a plan runs: points × (warm-up + measurement, or its cap). */
export interface PlanEstimate {
  points: number;
  perPointMs: number;
  totalMs: number;
  /** The measurement stops at K converged updates: the figures are upper bounds. */
  atMost: boolean;
  /** Simulated time (virtual clock) or real time on the live cluster. */
  clock: "simulated" | "real";
}

/** The estimate of a plan as typed, or why it cannot be made yet (the first problem). */
export function estimatePlan(draft: PlanDraft): { ok: true; estimate: PlanEstimate } | { ok: false; issue: Issue } {
  const { plan, issues } = draftToPlan(draft);
  if (issues.length > 0) return { ok: false, issue: issues[0]! };
  // The same checks as the API's, so the estimate and the answer to Start agree.
  const parsed = parsePlan(plan);
  if (!parsed.ok) return { ok: false, issue: parsed.error.issues?.[0] ?? { path: "plan", reason: parsed.error.message } };
  const p: ExperimentPlan = parsed.value;
  const points = planPoints(p).length;
  const perPointMs = pointDurationMs(p);
  return { ok: true, estimate: { points, perPointMs, totalMs: points * perPointMs, atMost: "capMs" in p.measure, clock: p.engine === "simulated" ? "simulated" : "real" } };
}

/** The form fields an issue can belong to, most specific first. */
const FIELD_PATHS = [
  ...DRAFT_SETTINGS.flatMap((k) => [`fixed.${k}`, `sweep.${k}`]),
  "cluster.replicas",
  "cluster.crdtType",
  "measure.durationMs",
  "measure.minConverged",
  "measure.maxRelativeHalfWidth",
  "measure.capMs",
  "name",
  "engine",
  "cluster",
  "fixed",
  "sweep",
  "warmupMs",
  "measure",
  "repetitions",
  "seed",
] as const;

/** The form field an issue's path points into ("sweep.intervalMs[2]" → "sweep.intervalMs"), or "plan". */
export function fieldOfIssue(path: string): string {
  for (const f of FIELD_PATHS) {
    if (path === f || path.startsWith(`${f}.`) || path.startsWith(`${f}[`)) return f;
  }
  return "plan";
}

/** Issues grouped by the form field they belong to. */
export function issuesByField(issues: readonly Issue[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of issues) {
    const field = fieldOfIssue(i.path);
    const text = i.path && field !== i.path ? `${i.path}: ${i.reason}` : i.reason;
    (out[field] ??= []).push(text);
  }
  return out;
}

/** The form field of a setting: where its errors show (sweep.* or fixed.*, by its use). */
export function settingField(key: DraftSetting, use: SettingUse): string {
  return use === "swept" ? `sweep.${key}` : `fixed.${key}`;
}

/** CRDT types a simulated cluster can run. */
export const DRAFT_CRDT_TYPES = CRDT_TYPE_NAMES;
