// The dashboard's single store. Socket handlers write to it with `dashboardStore.getState()`
// outside React; components read narrow slices with `useDashboard(selector)`.

import { useStore } from "zustand";
import { createStore, type StoreApi } from "zustand/vanilla";
import { createClusterSlice } from "./clusterSlice.js";
import { createControlsSlice } from "./controlsSlice.js";
import { createExperimentsSlice } from "./experimentsSlice.js";
import { createRunsSlice } from "./runsSlice.js";
import { createTimeSlice } from "./timeSlice.js";
import { createTunerSlice } from "./tunerSlice.js";
import type { DashboardState } from "./types.js";

/** A fresh store (tests make their own; the app uses `dashboardStore`). */
export function createDashboardStore(): StoreApi<DashboardState> {
  return createStore<DashboardState>()((...a) => ({
    ...createClusterSlice(...a),
    ...createControlsSlice(...a),
    ...createTimeSlice(...a),
    ...createRunsSlice(...a),
    ...createExperimentsSlice(...a),
    ...createTunerSlice(...a),
  }));
}

/** The app's store. */
export const dashboardStore = createDashboardStore();

/** Subscribes a component to a narrow piece of the store (wrap derived arrays in `useShallow`). */
export function useDashboard<T>(selector: (state: DashboardState) => T): T {
  return useStore(dashboardStore, selector);
}

export type { DashboardState } from "./types.js";
