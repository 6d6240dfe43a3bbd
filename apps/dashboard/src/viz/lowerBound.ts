// Censored convergence percentiles (DESIGN §3) as a reader sees them: "≥ 15 s" when an
// update still in flight makes the figure only a lower bound, with the reason at hand.

import { formatDurationMs } from "./format.js";

/** The sign put before a percentile that is only a lower bound. */
export const AT_LEAST = "≥";

/** The percentiles the collector reports, with their lower-bound flags. */
export type PercentileKey = "p50" | "p95" | "p99" | "max";

/** "≥ 15.2 s" when `atLeast`, else "143 ms"; "–" without a value (never "≥ –"). */
export function formatPercentileMs(ms: number | null | undefined, atLeast: boolean | undefined): string {
  const text = formatDurationMs(ms);
  return atLeast && text !== "–" ? `${AT_LEAST} ${text}` : text;
}

/** Why a percentile reads "≥": `inFlight` updates (or traced updates, as `what` says) still count as their age. */
export function lowerBoundNote(inFlight: number, what = "update"): string {
  const n = Math.max(0, Math.round(inFlight));
  const counts = n === 1 ? "counts as at least its age" : "count as at least their age";
  return `lower bound: ${n.toLocaleString("en-US")} ${what}${n === 1 ? "" : "s"} still in flight ${counts}`;
}

/** Title for a percentile figure: what it is, and why it is a lower bound when it is one. */
export function percentileTitle(what: string, atLeast: boolean, inFlight: number, unitOfInFlight?: string): string {
  return atLeast ? `${what} — ${AT_LEAST} ${lowerBoundNote(inFlight, unitOfInFlight)}` : what;
}

/** A run's convergence figures as the runs list holds them. */
export interface RunPercentiles {
  convergenceP50Ms?: number;
  convergenceP95Ms?: number;
  convergenceP99Ms?: number;
  convergenceAtLeast?: { p50: boolean; p95: boolean; p99: boolean };
  convergenceCensored?: number;
}

/** "67 ms / 143 ms / ≥ 22 s" for the runs list. */
export function runPercentilesText(r: RunPercentiles): string {
  const a = r.convergenceAtLeast;
  return [
    formatPercentileMs(r.convergenceP50Ms, a?.p50),
    formatPercentileMs(r.convergenceP95Ms, a?.p95),
    formatPercentileMs(r.convergenceP99Ms, a?.p99),
  ].join(" / ");
}

/** The runs list's tooltip for those figures: why some read "≥" (undefined when none does). */
export function runPercentilesTitle(r: RunPercentiles): string | undefined {
  const a = r.convergenceAtLeast;
  if (!a || !(a.p50 || a.p95 || a.p99)) return undefined;
  return `${AT_LEAST}: ${lowerBoundNote(r.convergenceCensored ?? 0, "traced update")}`;
}
