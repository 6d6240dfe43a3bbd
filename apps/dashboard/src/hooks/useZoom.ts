import { useShallow } from "zustand/react/shallow";
import { useDashboard } from "../store/store.js";

/** Brush and reset handlers shared by every time chart (one zoom for all of them). */
export function useZoom(): { onBrush(range: [number, number]): void; onResetZoom(): void } {
  const { setZoom, pause, paused, view } = useDashboard(useShallow((s) => ({ setZoom: s.setZoom, pause: s.pause, paused: s.paused, view: s.view })));
  return {
    onBrush(range) {
      // Zooming into live data freezes the view; Resume returns to the moving window.
      if (!paused && view === "live") pause(range[1]);
      setZoom(range);
    },
    onResetZoom() {
      setZoom(null);
    },
  };
}
