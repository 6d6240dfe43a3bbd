// Runs slice: the list of recorded runs, the one opened for replay, and the runs overlaid
// on one convergence chart.

import type { Slice } from "./types.js";

/** A recorded run as the list shows it (only the first four fields are guaranteed). */
export interface RunSummary {
  id: string;
  name: string;
  startedAtMs: number;
  endedAtMs: number | null;
  replicaCount?: number;
  intervalMs?: number;
  fanout?: number;
  mode?: string;
  payload?: string;
  convergenceP50Ms?: number;
  convergenceP95Ms?: number;
  convergenceP99Ms?: number;
  /** Which of p50/p95/p99 are lower bounds (updates still in flight when they were computed). */
  convergenceAtLeast?: { p50: boolean; p95: boolean; p99: boolean };
  /** Traced updates in flight behind those lower bounds. */
  convergenceCensored?: number;
  samples?: number;
  frames?: number;
  status?: string;
  /** The run being recorded now. */
  current?: boolean;
  /** Config versions after the first (the list shows the first config). */
  configChanges?: number;
}

/** One run's convergence samples, ready to overlay. */
export interface OverlayRun {
  id: string;
  /** Legend text by config, e.g. "run 3 · N=32 · 1 s · f=2 · push-pull". */
  label: string;
  /** Time since the run's start (ms) and convergence time (ms), sorted by x. */
  xs: Float64Array;
  ys: Float64Array;
  length: number;
}

export interface RunsSlice {
  runs: RunSummary[];
  runsState: "idle" | "loading" | "ready" | "error";
  runsError: string | null;
  openRun: { id: string; state: "loading" | "ready" | "error"; error?: string } | null;
  overlayIds: string[];
  overlays: Record<string, OverlayRun | { error: string } | "loading">;
  setRuns(runs: RunSummary[]): void;
  /** Replaces one run's entry (details arriving later). */
  updateRun(run: RunSummary): void;
  setRunsState(state: RunsSlice["runsState"], error?: string): void;
  setOpenRun(open: RunsSlice["openRun"]): void;
  toggleOverlay(id: string): void;
  setOverlay(id: string, data: RunsSlice["overlays"][string]): void;
}

export const createRunsSlice: Slice<RunsSlice> = (set) => ({
  runs: [],
  runsState: "idle",
  runsError: null,
  openRun: null,
  overlayIds: [],
  overlays: {},
  setRuns(runs) {
    set({ runs: [...runs].sort((a, b) => b.startedAtMs - a.startedAtMs), runsState: "ready", runsError: null });
  },
  updateRun(run) {
    set((st) => ({ runs: st.runs.map((r) => (r.id === run.id ? run : r)) }));
  },
  setRunsState(state, error) {
    set({ runsState: state, runsError: error ?? null });
  },
  setOpenRun(open) {
    set({ openRun: open });
  },
  toggleOverlay(id) {
    set((st) => ({ overlayIds: st.overlayIds.includes(id) ? st.overlayIds.filter((x) => x !== id) : [...st.overlayIds, id] }));
  },
  setOverlay(id, data) {
    set((st) => ({ overlays: { ...st.overlays, [id]: data } }));
  },
});
