// The tuner form as typed — the target (p95 under X ms or k update periods), an optional
// byte ceiling, and the interval and fanout ranges — turned into the body of
// `PUT /api/v1/tuner`, with each box's problem named next to it (ours or the collector's).

import type { Issue, TunerRequest } from "@driftscope/protocol";
import { parseNumber } from "./planDraft.js";

/** The tuner form's boxes, as typed. */
export interface TunerDraft {
  kind: "ms" | "periods";
  value: string;
  /** Bytes/s per replica ("" = no ceiling). */
  budget: string;
  intervalMin: string;
  intervalMax: string;
  fanoutMin: string;
  fanoutMax: string;
}

/** The form's fields an issue can sit next to. */
export type TunerField = "target" | "budget" | "interval" | "fanout" | "form";

/** A problem with one field. */
export interface TunerIssue {
  field: TunerField;
  reason: string;
}

/** The protocol's defaults (10 ms – 10 s, fanout 1–8), so an untouched "advanced" asks for nothing special. */
export const DEFAULT_TUNER_DRAFT: TunerDraft = { kind: "ms", value: "400", budget: "", intervalMin: "10", intervalMax: "10000", fanoutMin: "1", fanoutMax: "8" };

/** The request switching the tuner on with the draft's target, or the boxes that do not hold usable numbers. */
export function tunerRequestOf(d: TunerDraft): { ok: true; request: TunerRequest } | { ok: false; issues: TunerIssue[] } {
  const issues: TunerIssue[] = [];
  const value = parseNumber(d.value);
  if (!(value > 0)) issues.push({ field: "target", reason: d.kind === "ms" ? "the p95 target must be a positive number of ms" : "the number of update periods must be positive" });
  const budget = d.budget.trim() === "" ? undefined : parseNumber(d.budget);
  if (budget !== undefined && !(budget > 0)) issues.push({ field: "budget", reason: "the ceiling must be a positive number of bytes/s per replica (or empty)" });
  const range = (field: "interval" | "fanout", lo: string, hi: string, unit: string) => {
    const min = parseNumber(lo);
    const max = parseNumber(hi);
    if (!Number.isInteger(min) || !Number.isInteger(max) || min <= 0) issues.push({ field, reason: `min and max must be whole ${unit}` });
    else if (min > max) issues.push({ field, reason: "min must not exceed max" });
    return { min, max };
  };
  const intervalMs = range("interval", d.intervalMin, d.intervalMax, "milliseconds");
  const fanout = range("fanout", d.fanoutMin, d.fanoutMax, "numbers of peers");
  if (issues.length > 0) return { ok: false, issues };
  const target = {
    ...(d.kind === "ms" ? { p95Ms: value } : { p95UpdatePeriods: value }),
    ...(budget !== undefined ? { maxBytesPerSecPerReplica: budget } : {}),
    intervalMs,
    fanout,
  };
  return { ok: true, request: { enabled: true, target } };
}

/** The form field a collector issue concerns ("target.intervalMs.max" → interval). */
export function tunerFieldOf(path: string): TunerField {
  if (path === "target" || /^target\.(p95Ms|p95UpdatePeriods)/.test(path)) return "target";
  if (path.startsWith("target.maxBytesPerSecPerReplica")) return "budget";
  if (path.startsWith("target.intervalMs")) return "interval";
  if (path.startsWith("target.fanout")) return "fanout";
  return "form";
}

/** The collector's issues, placed next to their fields. */
export function tunerIssuesOf(issues: readonly Issue[]): TunerIssue[] {
  return issues.map((i) => ({ field: tunerFieldOf(i.path), reason: i.reason }));
}
