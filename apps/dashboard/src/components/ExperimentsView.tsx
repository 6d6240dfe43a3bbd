import { useEffect, useMemo } from "react";
import { useShallow } from "zustand/react/shallow";
import { startWatching, stopWatching } from "../net/experimentsActions.js";
import { shownExperiments } from "../store/experimentsSlice.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { ExperimentChart } from "./ExperimentChart.js";
import { ExperimentList } from "./ExperimentList.js";
import { ExperimentProgress } from "./ExperimentProgress.js";
import { ExperimentResultsTable } from "./ExperimentResultsTable.js";
import { PlanForm } from "./PlanForm.js";
import { RecommendationPanel } from "./RecommendationPanel.js";
import { ReferencePoints } from "./ReferencePoints.js";

/** The Experiments tab: write and start a plan, watch it, and read its trade-off charts, table and recommendation. */
export function ExperimentsView() {
  const { shownIds, loaded } = useDashboard(useShallow((s) => ({ shownIds: s.shownIds, loaded: s.loaded })));
  const exps = useMemo(() => shownExperiments({ shownIds, loaded }), [shownIds, loaded]);
  const failed = shownIds.map((id) => ({ id, l: loaded[id] })).filter((x) => typeof x.l === "object" && "loadError" in x.l);
  useEffect(() => {
    startWatching(dashboardStore);
    return stopWatching;
  }, []);
  return (
    <div className="experiments-page">
      <aside className="exp-side" aria-label="Plan and experiments">
        <PlanForm />
        <ExperimentList />
      </aside>
      <main className="content exp-main" aria-label="Experiment results">
        {failed.map((f) => (
          <div key={f.id} className="field-error span-12" role="alert">
            Could not load {f.id}: {(f.l as { loadError: string }).loadError}
          </div>
        ))}
        {exps.length === 0 ? (
          <div className="card span-12 empty" data-testid="exp-empty">
            Start a plan on the left, or open an experiment from the list: its progress, trade-off charts, every point's figures and a recommendation show here.
          </div>
        ) : (
          <>
            {exps.map((e, i) => (
              <div key={e.id} className="span-12">
                <ExperimentProgress experiment={e} compared={i > 0} />
              </div>
            ))}
            <ExperimentChart kind="convergence-interval" className="span-6" />
            <ExperimentChart kind="convergence-cost" className="span-6" />
            <ExperimentChart kind="cost-interval" className="span-6" />
            <div className="span-6 exp-stack">
              <RecommendationPanel />
              <ReferencePoints />
            </div>
            <ExperimentResultsTable className="span-12" />
          </>
        )}
      </main>
    </div>
  );
}
