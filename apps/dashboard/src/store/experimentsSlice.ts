// Experiments slice: the plan being written, the experiments the collector keeps, the one
// or two on show (open, and one to compare), reference points from CSV, the recommendation
// asked for and the point applied from it. The net layer (net/experimentsActions.ts) writes
// here; components read narrow pieces.

import type { Experiment, ExperimentSummary, Issue, Recommendation } from "@driftscope/protocol";
import { defaultDraft, fieldOfIssue, type PlanDraft } from "../viz/planDraft.js";
import type { ReferenceSet } from "../viz/referencePoints.js";
import type { Slice } from "./types.js";

/** A full experiment on show, still loading, or why it could not be loaded. */
export type LoadedExperiment = Experiment | { loadError: string } | "loading";

/** The experiment, when it has loaded. */
export function loadedExperiment(data: LoadedExperiment | undefined): Experiment | null {
  return typeof data === "object" && !("loadError" in data) ? data : null;
}

/** What the person asks of a config: p95 under a time or under k update periods, optionally within a byte budget. */
export interface TargetDraft {
  kind: "ms" | "periods";
  /** X ms or k periods, as typed. */
  value: string;
  /** Bytes/s per replica, as typed ("" = no budget). */
  budget: string;
}

/** The recommendation for one update rate, as the collector answered it. */
export type RateRecommendation = Recommendation | { failed: string } | "loading";

/** A recommended point sent to the live cluster: the request, then the config version it became. */
export interface AppliedPoint {
  experimentId: string;
  index: number;
  phase: "sending" | "applied" | "failed";
  /** Config version that carries it (once applied). */
  version?: number;
  error?: string;
}

export interface ExperimentsSlice {
  experiments: ExperimentSummary[];
  experimentsState: "idle" | "loading" | "ready" | "error";
  experimentsError: string | null;
  planDraft: PlanDraft;
  /** The API's answer to the last Start: the field issues, and its message. */
  planIssues: Issue[];
  planSubmit: { phase: "idle" | "sending" | "failed"; message?: string };
  /** Experiments on show: [open] or [open, compared]. */
  shownIds: string[];
  loaded: Record<string, LoadedExperiment>;
  references: ReferenceSet[];
  referenceError: string | null;
  target: TargetDraft;
  /** Per experiment, per update rate (as a string key). */
  recommendations: Record<string, Record<string, RateRecommendation>>;
  applied: AppliedPoint | null;
  /** Why the last action on an experiment (cancel, delete) was refused. */
  actionError: string | null;
  setExperiments(list: ExperimentSummary[]): void;
  setExperimentsState(state: ExperimentsSlice["experimentsState"], error?: string): void;
  /** Edits the plan form; the API's issues of `field` (a form field, e.g. "cluster.replicas") go, as the person is fixing them. */
  editDraft(edit: (draft: PlanDraft) => PlanDraft, field?: string): void;
  resetDraft(draft?: PlanDraft): void;
  setPlanSubmit(submit: ExperimentsSlice["planSubmit"], issues?: Issue[]): void;
  /** Shows one experiment alone. */
  showExperiment(id: string): void;
  /** Adds an experiment beside the open one (or removes it again). */
  toggleCompare(id: string): void;
  setLoaded(id: string, data: LoadedExperiment): void;
  forgetExperiment(id: string): void;
  addReference(set: ReferenceSet): void;
  removeReference(name: string): void;
  setReferenceError(error: string | null): void;
  setTarget(target: TargetDraft): void;
  setRecommendation(experimentId: string, rate: number, answer: RateRecommendation): void;
  clearRecommendations(): void;
  setApplied(applied: AppliedPoint | null): void;
  setActionError(error: string | null): void;
}

/** A list entry made from a full experiment (its progress moves between list reloads). */
export function summaryOf(e: Experiment): ExperimentSummary {
  return { id: e.id, name: e.plan.name, engine: e.plan.engine, status: e.status, createdAtMs: e.createdAtMs, endedAtMs: e.endedAtMs, totalPoints: e.totalPoints, donePoints: e.results.length, etaMs: e.etaMs, error: e.error };
}

/** The full experiments on show that have loaded, in show order. */
export function shownExperiments(s: Pick<ExperimentsSlice, "shownIds" | "loaded">): Experiment[] {
  return s.shownIds.map((id) => loadedExperiment(s.loaded[id])).filter((e): e is Experiment => e !== null);
}

/** The points the recommendations named, for the experiment open (ringed on the trade-off chart). */
export function recommendedPoints(recommendations: ExperimentsSlice["recommendations"], experimentId: string | undefined): { experimentId: string; index: number }[] {
  if (experimentId === undefined) return [];
  return Object.values(recommendations[experimentId] ?? {}).flatMap((r) => (typeof r === "object" && "met" in r && r.met ? [{ experimentId, index: r.point.index }] : []));
}

export const createExperimentsSlice: Slice<ExperimentsSlice> = (set) => ({
  experiments: [],
  experimentsState: "idle",
  experimentsError: null,
  planDraft: defaultDraft(),
  planIssues: [],
  planSubmit: { phase: "idle" },
  shownIds: [],
  loaded: {},
  references: [],
  referenceError: null,
  target: { kind: "ms", value: "2000", budget: "" },
  recommendations: {},
  applied: null,
  actionError: null,
  setExperiments(list) {
    set({ experiments: [...list].sort((a, b) => b.createdAtMs - a.createdAtMs), experimentsState: "ready", experimentsError: null });
  },
  setExperimentsState(state, error) {
    set({ experimentsState: state, experimentsError: error ?? null });
  },
  editDraft(edit, field) {
    set((st) => ({ planDraft: edit(st.planDraft), planIssues: field === undefined ? st.planIssues : st.planIssues.filter((i) => fieldOfIssue(i.path) !== field) }));
  },
  resetDraft(draft) {
    set({ planDraft: draft ?? defaultDraft(), planIssues: [], planSubmit: { phase: "idle" } });
  },
  setPlanSubmit(submit, issues) {
    set((st) => ({ planSubmit: submit, planIssues: issues ?? (submit.phase === "failed" ? st.planIssues : []) }));
  },
  showExperiment(id) {
    set({ shownIds: [id], recommendations: {} });
  },
  toggleCompare(id) {
    set((st) => {
      if (st.shownIds.includes(id)) return { shownIds: st.shownIds.filter((x) => x !== id) };
      const open = st.shownIds[0];
      return { shownIds: open === undefined ? [id] : [open, id] };
    });
  },
  setLoaded(id, data) {
    set((st) => {
      const next: Partial<ExperimentsSlice> = { loaded: { ...st.loaded, [id]: data } };
      // Keep the list's progress in step with what was just read.
      const e = loadedExperiment(data);
      if (e) next.experiments = st.experiments.map((x) => (x.id === id ? summaryOf(e) : x));
      return next;
    });
  },
  forgetExperiment(id) {
    set((st) => {
      const loaded = { ...st.loaded };
      delete loaded[id];
      return { loaded, experiments: st.experiments.filter((e) => e.id !== id), shownIds: st.shownIds.filter((x) => x !== id) };
    });
  },
  addReference(ref) {
    set((st) => ({ references: [...st.references.filter((r) => r.name !== ref.name), ref], referenceError: null }));
  },
  removeReference(name) {
    set((st) => ({ references: st.references.filter((r) => r.name !== name) }));
  },
  setReferenceError(error) {
    set({ referenceError: error });
  },
  setTarget(target) {
    set({ target });
  },
  setRecommendation(experimentId, rate, answer) {
    set((st) => ({ recommendations: { ...st.recommendations, [experimentId]: { ...st.recommendations[experimentId], [String(rate)]: answer } } }));
  },
  clearRecommendations() {
    set({ recommendations: {} });
  },
  setApplied(applied) {
    set({ applied });
  },
  setActionError(error) {
    set({ actionError: error });
  },
});
