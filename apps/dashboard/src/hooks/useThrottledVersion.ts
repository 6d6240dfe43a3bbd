import { useEffect, useState } from "react";
import { dashboardStore } from "../store/store.js";

/**
 * The store's data version, updated at most every `minIntervalMs`. Views that need not
 * redraw at the full 10 Hz (heatmap, table) use a longer interval; since each view's timer
 * runs on its own, their redraws spread over different animation frames instead of piling
 * into one long task.
 */
export function useThrottledVersion(minIntervalMs: number): number {
  const [version, setVersion] = useState(() => dashboardStore.getState().dataVersion);
  useEffect(() => {
    let last = 0;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = dashboardStore.subscribe((s, prev) => {
      if (s.dataVersion === prev.dataVersion || timer !== null) return;
      const wait = last + minIntervalMs - performance.now();
      if (wait <= 0) {
        last = performance.now();
        setVersion(s.dataVersion);
      } else {
        timer = setTimeout(() => {
          timer = null;
          last = performance.now();
          setVersion(dashboardStore.getState().dataVersion);
        }, wait);
      }
    });
    return () => {
      unsubscribe();
      if (timer !== null) clearTimeout(timer);
    };
  }, [minIntervalMs]);
  return version;
}
