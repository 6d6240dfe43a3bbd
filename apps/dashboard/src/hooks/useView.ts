import { useShallow } from "zustand/react/shallow";
import type { ClusterModel } from "../store/clusterModel.js";
import { activeModel, viewDomain } from "../store/selectors.js";
import { useDashboard } from "../store/store.js";
import { useThrottledVersion } from "./useThrottledVersion.js";

/**
 * The model on show, its visible time range, and the data version. Redraws on new frames
 * at most every `minIntervalMs` (default: every frame, 10 Hz), and at once on view changes.
 */
export function useView(minIntervalMs = 0): { model: ClusterModel; domain: [number, number]; version: number } {
  const version = useThrottledVersion(minIntervalMs);
  const s = useDashboard(
    useShallow((st) => ({
      live: st.live,
      replay: st.replay,
      view: st.view,
      paused: st.paused,
      pausedAtMs: st.pausedAtMs,
      windowMs: st.windowMs,
      zoom: st.zoom,
      scrubMs: st.scrubMs,
    })),
  );
  const model = activeModel(s);
  // While paused, the range stays put; new frames still arrive and are kept.
  const domain = viewDomain(s, model);
  return { model, domain, version };
}
