// The tuner's state in words for the controls (off / paused and why / holding / adjusting /
// cannot meet and why), its target as written, and the target as a convergence time for the
// chart's line (k update periods need the update rate in force).

import type { TunerState, TunerTargetSettings } from "@driftscope/protocol";
import { formatDurationMs } from "./format.js";

/** What the panel shows as the state's badge. */
export interface TunerBadge {
  text: string;
  /** Class of the badge: ok (holding), busy (adjusting), warn (paused), bad (cannot meet), off. */
  tone: "ok" | "busy" | "warn" | "bad" | "off";
}

const WHY: Record<NonNullable<TunerState["why"]>, string> = {
  partition: "a partition is suspected",
  budget: "the byte ceiling is too low",
  range: "the interval/fanout range is too narrow",
};

/** The state's badge: "holding", "cannot meet: the byte ceiling is too low", … */
export function tunerBadge(s: TunerState): TunerBadge {
  switch (s.state) {
    case "off":
      return { text: "off", tone: "off" };
    case "paused":
      return { text: "paused", tone: "warn" };
    case "holding":
      return { text: "holding", tone: "ok" };
    case "adjusting":
      return { text: "adjusting", tone: "busy" };
    case "cannot-meet":
      return { text: s.why ? `cannot meet: ${WHY[s.why]}` : "cannot meet the target", tone: "bad" };
  }
}

/** The target as written: "p95 ≤ 400 ms", "p95 ≤ 4 update periods", with its ceiling and ranges. */
export function tunerTargetText(t: TunerTargetSettings): string {
  const main = t.p95Ms !== undefined ? `p95 ≤ ${formatDurationMs(t.p95Ms)}` : `p95 ≤ ${t.p95UpdatePeriods} update period${t.p95UpdatePeriods === 1 ? "" : "s"}`;
  const budget = t.maxBytesPerSecPerReplica !== undefined ? `, ≤ ${t.maxBytesPerSecPerReplica} B/s per replica` : "";
  return `${main}${budget} · interval ${formatDurationMs(t.intervalMs.min)}–${formatDurationMs(t.intervalMs.max)}, fanout ${t.fanout.min}–${t.fanout.max}`;
}

/**
 * The target as a convergence time for the chart's line, with its label; null while the
 * tuner is off or paused, or when a k-periods target has no known update rate.
 */
export function tunerTargetLine(s: TunerState | null | undefined, updatesPerSecPerReplica: number | undefined): { ms: number; label: string } | null {
  if (!s || !s.enabled || s.state === "off" || s.state === "paused" || !s.target) return null;
  const t = s.target;
  if (t.p95Ms !== undefined) return { ms: t.p95Ms, label: `tuner target p95 ${formatDurationMs(t.p95Ms)}` };
  const k = t.p95UpdatePeriods;
  if (k === undefined || !(updatesPerSecPerReplica !== undefined && updatesPerSecPerReplica > 0)) return null;
  const ms = (k * 1000) / updatesPerSecPerReplica;
  return { ms, label: `tuner target p95 ${formatDurationMs(ms)} (${k} update periods at ${updatesPerSecPerReplica}/s)` };
}
