import { useMemo } from "react";
import type { ClusterModel } from "../store/clusterModel.js";
import { useDashboard } from "../store/store.js";
import { liveIds, sectionCoverage, type Section, type SectionCoverage } from "../viz/sections.js";

/** Who applies each config section among the live replicas of a model. */
export function coverageOf(model: ClusterModel): Record<Section, SectionCoverage> {
  return sectionCoverage(liveIds(model.order, model.latest?.columns.status), model.replicaInfo);
}

/**
 * Who applies each config section on the live cluster. Re-renders only when that changes
 * (the selector yields a string), not at every frame.
 */
export function useSectionCoverage(): Record<Section, SectionCoverage> {
  const key = useDashboard((s) => JSON.stringify(coverageOf(s.live)));
  return useMemo(() => JSON.parse(key) as Record<Section, SectionCoverage>, [key]);
}
