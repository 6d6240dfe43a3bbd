// Time slice: pause/resume, the visible window, brush zoom, and the replay scrubber.

import type { Slice } from "./types.js";

/** Window choices: 1 min, 5 min, 15 min, or the whole run (null). */
export const WINDOWS = [
  { label: "1 min", ms: 60_000 },
  { label: "5 min", ms: 300_000 },
  { label: "15 min", ms: 900_000 },
  { label: "whole run", ms: null },
] as const;

export interface TimeSlice {
  paused: boolean;
  /** The view's right edge while paused (collector time). */
  pausedAtMs: number | null;
  /** Visible span in ms; null = whole run. */
  windowMs: number | null;
  /** Brushed range [t0, t1] that overrides the window, or null. */
  zoom: [number, number] | null;
  /** Replay cursor (collector time) for a recorded run; null = its end. */
  scrubMs: number | null;
  pause(atMs: number): void;
  resume(): void;
  setWindow(ms: number | null): void;
  setZoom(range: [number, number] | null): void;
  setScrub(ms: number | null): void;
}

export const createTimeSlice: Slice<TimeSlice> = (set) => ({
  paused: false,
  pausedAtMs: null,
  windowMs: 300_000,
  zoom: null,
  scrubMs: null,
  pause(atMs) {
    set({ paused: true, pausedAtMs: atMs });
  },
  resume() {
    set({ paused: false, pausedAtMs: null, zoom: null });
  },
  setWindow(ms) {
    set({ windowMs: ms, zoom: null });
  },
  setZoom(range) {
    // A zero-width brush (a click) is not a zoom.
    if (range && !(range[1] - range[0] > 1)) return;
    set({ zoom: range });
  },
  setScrub(ms) {
    set({ scrubMs: ms });
  },
});
