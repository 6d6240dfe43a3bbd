// What the Experiments tab does, outside React: load the list, show and compare
// experiments, watch a running one (GET about once a second until it ends), start a plan,
// cancel, delete, ask for recommendations and apply one. A refusal for want of the operator
// token opens the token dialog and the action runs again once the token is given.

import type { StoreApi } from "zustand/vanilla";
import { loadedExperiment, summaryOf } from "../store/experimentsSlice.js";
import type { DashboardState } from "../store/types.js";
import { updateRates } from "../viz/experimentSeries.js";
import { draftToPlan } from "../viz/planDraft.js";
import { parseReferenceCsv } from "../viz/referencePoints.js";
import { targetOf } from "../viz/recommendTarget.js";
import {
  ApiError,
  applyExperimentPoint,
  cancelExperiment,
  deleteExperiment,
  fetchExperiment,
  fetchExperiments,
  fetchRecommendation,
  startExperiment,
} from "./experimentsApi.js";

type Store = StoreApi<DashboardState>;

/** How often a running experiment is read again. */
export const POLL_MS = 1000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** The action refused for want of a token, run again once one is given. */
let pendingAfterToken: (() => void) | null = null;

/** Runs the action the token dialog was opened for (called when the person gives the token). */
export function retryAfterToken(): void {
  const action = pendingAfterToken;
  pendingAfterToken = null;
  action?.();
}

/** True when the error was a token refusal (the dialog is open and the action will run again). */
export function askedForToken(store: Store, e: unknown, again: () => void, what = "experiments"): boolean {
  if (!(e instanceof ApiError) || !e.needsToken) return false;
  pendingAfterToken = again;
  store.getState().requestToken(e.error?.code === "FORBIDDEN" ? "The operator token was not accepted." : `This collector requires the operator token for ${what}.`);
  return true;
}

/** Fetches the list of experiments. */
export async function loadExperiments(store: Store): Promise<void> {
  const s = store.getState();
  if (s.experimentsState !== "ready") s.setExperimentsState("loading");
  try {
    store.getState().setExperiments(await fetchExperiments());
  } catch (e) {
    store.getState().setExperimentsState("error", message(e));
  }
}

async function load(store: Store, id: string): Promise<void> {
  const current = store.getState().loaded[id];
  if (current === undefined) store.getState().setLoaded(id, "loading");
  try {
    store.getState().setLoaded(id, await fetchExperiment(id));
  } catch (e) {
    store.getState().setLoaded(id, { loadError: message(e) });
  }
  watchRunning(store);
}

/** What the address asks for: undefined (not the Experiments tab), null (`/experiments`) or an id (`/experiments/<id>`). */
export function experimentRoute(pathname: string): string | null | undefined {
  const m = /^\/experiments(?:\/([^/]+))?\/?$/.exec(pathname);
  if (!m) return undefined;
  return m[1] ? decodeURIComponent(m[1]) : null;
}

/** Points the address at the Experiments tab and the experiment open (a link to the same view). */
export function setExperimentAddress(id: string | null | undefined): void {
  const path = id === undefined ? "/" : id === null ? "/experiments" : `/experiments/${encodeURIComponent(id)}`;
  if (globalThis.location?.pathname !== path) globalThis.history?.replaceState(null, "", path);
}

/** Shows one experiment (loading it, and watching it while it runs). */
export function showExperiment(store: Store, id: string): Promise<void> {
  store.getState().showExperiment(id);
  setExperimentAddress(id);
  return load(store, id);
}

/** Adds an experiment beside the open one on the charts, or removes it. */
export function toggleCompare(store: Store, id: string): Promise<void> {
  store.getState().toggleCompare(id);
  return store.getState().shownIds.includes(id) ? load(store, id) : Promise.resolve();
}

let pollTimer: ReturnType<typeof setTimeout> | null = null;
/** The Experiments tab is open: polling may run. */
let watching = false;

const isRunning = (store: Store, id: string) => loadedExperiment(store.getState().loaded[id])?.status === "running";

/**
 * Reads the shown running experiments again in POLL_MS, and again, until none runs; while
 * another listed experiment runs, the list too (its progress column moves).
 */
export function watchRunning(store: Store): void {
  if (!watching || pollTimer !== null) return;
  const { shownIds, experiments } = store.getState();
  const running = shownIds.filter((id) => isRunning(store, id));
  const listRunning = experiments.some((e) => e.status === "running" && !shownIds.includes(e.id));
  if (running.length === 0 && !listRunning) return;
  pollTimer = setTimeout(() => {
    pollTimer = null;
    void Promise.all([
      ...running.map(async (id) => {
        try {
          const e = await fetchExperiment(id);
          store.getState().setLoaded(id, e);
          if (e.status !== "running") await loadExperiments(store);
        } catch (err) {
          // Keep what was shown; the next poll tries again (a deleted one stops being watched).
          if (err instanceof ApiError && err.status === 404) store.getState().setLoaded(id, { loadError: message(err) });
        }
      }),
      listRunning ? loadExperiments(store) : Promise.resolve(),
    ]).then(() => watchRunning(store));
  }, POLL_MS);
}

/** Starts watching (the tab is open): the list, then whatever runs. */
export function startWatching(store: Store): void {
  watching = true;
  void loadExperiments(store).then(() => watchRunning(store));
}

/** Stops watching (the tab was left). */
export function stopWatching(): void {
  watching = false;
  if (pollTimer !== null) clearTimeout(pollTimer);
  pollTimer = null;
}

/** Starts the plan in the form: the API's field issues come back next to their fields. */
export async function startPlan(store: Store): Promise<void> {
  const s = () => store.getState();
  const { plan, issues } = draftToPlan(s().planDraft);
  if (issues.length > 0) {
    s().setPlanSubmit({ phase: "failed", message: "Some boxes do not hold numbers." }, issues);
    return;
  }
  s().setPlanSubmit({ phase: "sending" });
  try {
    const e = await startExperiment(plan, s().token);
    s().setPlanSubmit({ phase: "idle" }, []);
    s().setExperiments([summaryOf(e), ...s().experiments.filter((x) => x.id !== e.id)]);
    s().showExperiment(e.id);
    s().setLoaded(e.id, e);
    setExperimentAddress(e.id);
    watchRunning(store);
  } catch (e) {
    if (askedForToken(store, e, () => void startPlan(store))) {
      s().setPlanSubmit({ phase: "idle" });
      return;
    }
    const error = e instanceof ApiError ? e.error : null;
    s().setPlanSubmit({ phase: "failed", message: message(e) }, error?.issues ?? []);
  }
}

/** Cancels a running experiment (its finished points are kept). */
export async function cancelRunning(store: Store, id: string): Promise<void> {
  store.getState().setActionError(null);
  try {
    await cancelExperiment(id, store.getState().token);
    await load(store, id);
    void loadExperiments(store);
  } catch (e) {
    if (!askedForToken(store, e, () => void cancelRunning(store, id))) store.getState().setActionError(`Cancel ${id}: ${message(e)}`);
  }
}

/** Deletes an experiment that is not running. */
export async function removeExperiment(store: Store, id: string): Promise<void> {
  store.getState().setActionError(null);
  try {
    await deleteExperiment(id, store.getState().token);
    store.getState().forgetExperiment(id);
    setExperimentAddress(store.getState().shownIds[0] ?? null);
  } catch (e) {
    if (!askedForToken(store, e, () => void removeExperiment(store, id))) store.getState().setActionError(`Delete ${id}: ${message(e)}`);
  }
}

/** Asks the collector for the recommendation at each update rate the open experiment ran. */
export async function recommend(store: Store): Promise<void> {
  const s = () => store.getState();
  const id = s().shownIds[0];
  const e = id === undefined ? null : loadedExperiment(s().loaded[id]);
  if (id === undefined || e === null) return;
  const target = targetOf(s().target);
  s().clearRecommendations();
  if (!target.ok) return;
  await Promise.all(
    updateRates(e.results).map(async (rate) => {
      s().setRecommendation(id, rate, "loading");
      try {
        s().setRecommendation(id, rate, await fetchRecommendation(id, target.target, rate));
      } catch (err) {
        s().setRecommendation(id, rate, { failed: message(err) });
      }
    }),
  );
}

/** Applies a measured point's gossip settings to the live cluster; acknowledgements then come with the frames. */
export async function applyPoint(store: Store, experimentId: string, index: number): Promise<void> {
  const s = () => store.getState();
  s().setApplied({ experimentId, index, phase: "sending" });
  try {
    const answer = await applyExperimentPoint(experimentId, index, s().token);
    s().live.setConfig(answer.config);
    s().setApplied({ experimentId, index, phase: "applied", version: answer.config.version });
    s().touch();
  } catch (e) {
    if (askedForToken(store, e, () => void applyPoint(store, experimentId, index))) {
      s().setApplied(null);
      return;
    }
    s().setApplied({ experimentId, index, phase: "failed", error: message(e) });
  }
}

/** Reads reference points from a CSV file the person picked. */
export async function addReferenceFile(store: Store, file: { name: string; text(): Promise<string> }): Promise<void> {
  try {
    store.getState().addReference(parseReferenceCsv(file.name, await file.text()));
  } catch (e) {
    store.getState().setReferenceError(message(e));
  }
}
