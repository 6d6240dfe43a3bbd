import { useEffect, useState } from "react";
import { ConvergenceChart } from "./components/ConvergenceChart.js";
import { DivergenceChart } from "./components/DivergenceChart.js";
import { ExperimentsView } from "./components/ExperimentsView.js";
import { Header } from "./components/Header.js";
import { HeatmapChart } from "./components/HeatmapChart.js";
import { RatesChart } from "./components/RatesChart.js";
import { RiskDialog } from "./components/RiskDialog.js";
import { ReplayBar } from "./components/ReplayBar.js";
import { ReplicaTable } from "./components/ReplicaTable.js";
import { RunsView } from "./components/RunsView.js";
import { Sidebar } from "./components/Sidebar.js";
import { TimeBar } from "./components/TimeBar.js";
import { TokenDialog } from "./components/TokenDialog.js";
import { TopologyView } from "./components/TopologyView.js";
import { VisibilityChart } from "./components/VisibilityChart.js";
import { experimentRoute, setExperimentAddress, showExperiment } from "./net/experimentsActions.js";
import { openRun, routeOf } from "./net/runsActions.js";
import { dashboardStore } from "./store/store.js";

type Tab = "live" | "runs" | "experiments";

const path = () => globalThis.location?.pathname ?? "/";

/** The page: header figures, tabs with the time controls, and the views. */
export function App() {
  const [tab, setTabState] = useState<Tab>(() => (experimentRoute(path()) !== undefined ? "experiments" : routeOf(path()).tab));
  useEffect(() => {
    const { runId } = routeOf(path());
    if (runId) void openRun(dashboardStore, runId);
    const experimentId = experimentRoute(path());
    if (experimentId) void showExperiment(dashboardStore, experimentId);
  }, []);
  const setTab = (next: Tab) => {
    // The address follows the Experiments tab (a link opens the same view); other tabs keep theirs.
    if (next === "experiments") setExperimentAddress(dashboardStore.getState().shownIds[0] ?? null);
    else if (experimentRoute(path()) !== undefined) setExperimentAddress(undefined);
    setTabState(next);
  };
  return (
    <div className="app">
      <Header />
      <div>
        <nav className="toolbar" aria-label="Views and time">
          <div className="seg tabs" role="tablist" aria-label="Views">
            <button type="button" role="tab" aria-selected={tab === "live"} data-testid="tab-live" onClick={() => setTab("live")}>
              Cluster
            </button>
            <button type="button" role="tab" aria-selected={tab === "runs"} data-testid="tab-runs" onClick={() => setTab("runs")}>
              Runs
            </button>
            <button type="button" role="tab" aria-selected={tab === "experiments"} data-testid="tab-experiments" onClick={() => setTab("experiments")}>
              Experiments
            </button>
          </div>
          {tab === "live" && <TimeBar />}
        </nav>
        {tab === "live" && <ReplayBar />}
      </div>
      {tab === "live" ? (
        <div className="main">
          <Sidebar />
          <main className="content" aria-label="Charts">
            <ConvergenceChart className="span-12" />
            <HeatmapChart className="span-7" />
            <TopologyView className="span-5" />
            <DivergenceChart className="span-6" />
            <RatesChart className="span-6" />
            <VisibilityChart className="span-12" />
            <ReplicaTable className="span-12" />
          </main>
        </div>
      ) : tab === "runs" ? (
        <RunsView onOpened={() => setTab("live")} />
      ) : (
        <ExperimentsView />
      )}
      <TokenDialog />
      <RiskDialog />
    </div>
  );
}
