// Loading recorded runs into the store: the list, one run for replay, runs for the overlay.

import type { StoreApi } from "zustand/vanilla";
import { modelFromRecording, overlayFromRecording } from "../store/recording.js";
import type { DashboardState } from "../store/types.js";
import { fetchRunDetail, fetchRunExport, fetchRuns, mergeRunDetail } from "./api.js";

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** Fetches the run list. */
export async function loadRuns(store: StoreApi<DashboardState>): Promise<void> {
  store.getState().setRunsState("loading");
  let runs;
  try {
    runs = await fetchRuns();
    store.getState().setRuns(runs);
  } catch (e) {
    store.getState().setRunsState("error", message(e));
    return;
  }
  // The list has counts only; config and convergence figures come from each run's detail.
  for (const run of runs.slice(0, 30)) {
    if (run.intervalMs !== undefined && run.convergenceP50Ms !== undefined) continue;
    try {
      store.getState().updateRun(mergeRunDetail(run, await fetchRunDetail(run.id)));
    } catch {
      // keep the summary as it is
    }
  }
}

/** Opens a recorded run in the live views (replay with a scrubber). */
export async function openRun(store: StoreApi<DashboardState>, id: string): Promise<void> {
  const s = () => store.getState();
  s().setOpenRun({ id, state: "loading" });
  try {
    const model = modelFromRecording(await fetchRunExport(id));
    s().setScrub(null);
    s().setWindow(null);
    s().setReplay(model);
    s().setOpenRun({ id, state: "ready" });
    // A link to this view: /runs/<id> opens the same recording.
    globalThis.history?.replaceState(null, "", `/runs/${encodeURIComponent(id)}`);
  } catch (e) {
    s().setOpenRun({ id, state: "error", error: message(e) });
  }
}

/** Back to the live cluster. */
export function closeRun(store: StoreApi<DashboardState>): void {
  globalThis.history?.replaceState(null, "", "/");
  store.getState().setReplay(null);
  store.getState().setOpenRun(null);
  store.getState().setScrub(null);
  store.getState().setZoom(null);
}

/** What the address asks for: `/runs` (the list) or `/runs/<id>` (a recording). */
export function routeOf(pathname: string): { tab: "live" | "runs"; runId: string | null } {
  const m = /^\/runs(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!m) return { tab: "live", runId: null };
  return m[1] ? { tab: "live", runId: decodeURIComponent(m[1]) } : { tab: "runs", runId: null };
}

/** Adds or removes a run from the overlay, fetching its samples the first time. */
export async function toggleOverlay(store: StoreApi<DashboardState>, id: string): Promise<void> {
  const s = () => store.getState();
  s().toggleOverlay(id);
  if (!s().overlayIds.includes(id) || (s().overlays[id] && s().overlays[id] !== "loading" && !("error" in (s().overlays[id] as object)))) return;
  s().setOverlay(id, "loading");
  try {
    const summary = s().runs.find((r) => r.id === id) ?? null;
    s().setOverlay(id, overlayFromRecording(id, await fetchRunExport(id), summary));
  } catch (e) {
    s().setOverlay(id, { error: message(e) });
  }
}
