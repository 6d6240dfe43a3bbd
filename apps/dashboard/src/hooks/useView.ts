import { useShallow } from "zustand/react/shallow";
import type { ClusterModel } from "../store/clusterModel.js";
import { activeModel, viewDomain } from "../store/selectors.js";
import { useDashboard } from "../store/store.js";

/** The model on show, its visible time range, and the data version (re-renders on new frames). */
export function useView(): { model: ClusterModel; domain: [number, number]; version: number } {
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
      version: st.dataVersion,
    })),
  );
  const model = activeModel(s);
  // While paused, the range stays put; new frames still arrive and are kept.
  const domain = viewDomain(s, model);
  return { model, domain, version: s.version };
}
