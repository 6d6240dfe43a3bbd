// The dashboard's one store is the union of typed slices; each slice is created by a
// `createXxxSlice` with access to the whole state (zustand's slices pattern).

import type { StateCreator } from "zustand/vanilla";
import type { ClusterSlice } from "./clusterSlice.js";
import type { ControlsSlice } from "./controlsSlice.js";
import type { ExperimentsSlice } from "./experimentsSlice.js";
import type { RunsSlice } from "./runsSlice.js";
import type { TimeSlice } from "./timeSlice.js";
import type { TunerSlice } from "./tunerSlice.js";

/** The whole dashboard state. */
export type DashboardState = ClusterSlice & ControlsSlice & TimeSlice & RunsSlice & ExperimentsSlice & TunerSlice;

/** A slice creator over the whole state. */
export type Slice<T> = StateCreator<DashboardState, [], [], T>;
