// What a replay shows at the scrubber's time: the recorded KPIs, config and theory in force
// then, so that header, sidebar and subtitles tell the recording's story, never the live one.

import type { ClusterConfig, Frame, Kpis } from "@driftscope/protocol";
import type { TheoryPoint } from "../viz/theory.js";
import { formatElapsed } from "../viz/scales.js";
import type { ClusterModel } from "./clusterModel.js";
import type { DashboardState } from "./types.js";

/** Index of the last entry with `timeMs <= t` (-1 when every entry is later). */
function lastAtOrBefore(list: readonly { timeMs: number }[], t: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]!.timeMs <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** The time a replay shows (the scrubber, else the recording's end); null while the live view is on. */
export function replayAtMs(s: Pick<DashboardState, "view" | "replay" | "scrubMs">): number | null {
  if (s.view !== "replay" || !s.replay) return null;
  const end = s.replay.nowMs;
  return s.scrubMs === null ? end : Math.min(end, s.scrubMs);
}

/** The KPIs of the recorded frame in force at `t` (the first one before it starts); the latest for a live model. */
export function kpisAt(model: ClusterModel, t: number | null): Kpis | null {
  if (t === null || model.kpiHistory.length === 0) return model.latestKpis;
  const i = lastAtOrBefore(model.kpiHistory, t);
  return model.kpiHistory[Math.max(0, i)]!.kpis;
}

/** The recorded config in force at `t`, and since when; the current config for a live model. */
export function configAt(model: ClusterModel, t: number | null): { config: ClusterConfig | null; sinceMs: number | null } {
  if (t === null || model.configHistory.length === 0) return { config: model.config, sinceMs: null };
  const i = Math.max(0, lastAtOrBefore(model.configHistory, t));
  const entry = model.configHistory[i]!;
  return { config: entry.config, sinceMs: entry.timeMs };
}

/** The theory in force at `t` (the last recorded change at or before it), or the latest with no time. */
export function theoryAt(history: readonly TheoryPoint[], t: number | null): TheoryPoint | undefined {
  if (t === null) return history[history.length - 1];
  const i = lastAtOrBefore(history, t);
  return i >= 0 ? history[i] : undefined;
}

/** A frame's per-replica figures and its time, in the order of `model.order`. */
export interface ColumnsAt {
  timeMs: number;
  columns: Frame["columns"];
}

/**
 * The per-replica columns of the recorded frame in force at `t` (the first one before it
 * starts), in the model's member order; the latest frame for a live model. A replica that
 * was not a member then is shown as unreachable (it reported nothing to that frame).
 */
export function columnsAt(model: ClusterModel, t: number | null): ColumnsAt | null {
  if (t === null || model.frameHistory.length === 0) return model.latest ? { timeMs: model.latest.timeMs, columns: model.latest.columns } : null;
  const entry = model.frameHistory[Math.max(0, lastAtOrBefore(model.frameHistory, t))]!;
  const ids = model.order;
  if (entry.ids === ids || (entry.ids.length === ids.length && entry.ids.every((id, i) => id === ids[i]))) return { timeMs: entry.timeMs, columns: entry.columns };
  const at = new Map(entry.ids.map((id, i) => [id, i]));
  const pick = (col: readonly number[], absent: number) => ids.map((id) => (at.has(id) ? col[at.get(id)!]! : absent));
  const c = entry.columns;
  const columns = Object.fromEntries(Object.entries(c).map(([name, col]) => [name, pick(col as number[], name === "status" ? 1 : 0)])) as Frame["columns"];
  return { timeMs: entry.timeMs, columns };
}

/** How a view names the time it shows: "Now" live, "At 0:20" (since the run's start) in a replay. */
export function shownTimeLabel(model: ClusterModel, t: number | null): string {
  if (t === null) return "Now";
  const start = Number.isFinite(model.startMs) ? model.startMs : t;
  return `At ${formatElapsed(t - start)}`;
}

/** The header's mode pill while replaying: "Replay · run-2 · 0:20". */
export function replayPillText(model: ClusterModel, atMs: number): string {
  const run = model.run;
  const name = run ? run.name || run.id : "recording";
  const start = Number.isFinite(model.startMs) ? model.startMs : atMs;
  return `Replay · ${name} · ${formatElapsed(atMs - start)}`;
}
