// Derived views of the store that several components share.

import type { ClusterModel } from "./clusterModel.js";
import type { DashboardState } from "./types.js";

/** The model the charts show (the replay when one is open and selected). */
export function activeModel(s: Pick<DashboardState, "view" | "replay" | "live">): ClusterModel {
  return s.view === "replay" && s.replay ? s.replay : s.live;
}

/** The visible time range [t0, t1] in collector time: zoom, else window ending now/pause/scrub. */
export function viewDomain(
  s: Pick<DashboardState, "paused" | "pausedAtMs" | "windowMs" | "zoom" | "scrubMs" | "view">,
  model: Pick<ClusterModel, "nowMs" | "startMs">,
): [number, number] {
  if (s.zoom) return s.zoom;
  const now = Number.isFinite(model.nowMs) ? model.nowMs : Date.now();
  let end = now;
  // Pause belongs to the live stream; a recording is positioned with the scrubber instead.
  if (s.view === "replay") end = s.scrubMs !== null ? Math.min(now, s.scrubMs) : now;
  else if (s.paused && s.pausedAtMs !== null) end = s.pausedAtMs;
  const start = Number.isFinite(model.startMs) ? model.startMs : end - 60_000;
  const t0 = s.windowMs === null ? start : end - s.windowMs;
  // A run shorter than the window starts at its beginning, not in empty space.
  return [Math.max(t0, Math.min(start, end - 1000)), Math.max(end, t0 + 1000)];
}

/** The config version acknowledgement: how many live replicas run `version`. */
export function ackStatus(model: ClusterModel, version: number | undefined): { acked: number; live: number; done: boolean } | null {
  const k = model.latestKpis;
  if (version === undefined || !k) return null;
  if (k.configVersion < version) return { acked: 0, live: k.live, done: false };
  return { acked: k.ackedReplicas, live: k.live, done: k.ackedReplicas >= k.live };
}
