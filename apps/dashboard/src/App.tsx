import { useEffect, useState } from "react";
import { ControlsPanel } from "./components/ControlsPanel.js";
import { ConvergenceChart } from "./components/ConvergenceChart.js";
import { DivergenceChart } from "./components/DivergenceChart.js";
import { Header } from "./components/Header.js";
import { HeatmapChart } from "./components/HeatmapChart.js";
import { RatesChart } from "./components/RatesChart.js";
import { ReplayBar } from "./components/ReplayBar.js";
import { ReplicaTable } from "./components/ReplicaTable.js";
import { RunsView } from "./components/RunsView.js";
import { TimeBar } from "./components/TimeBar.js";
import { TokenDialog } from "./components/TokenDialog.js";
import { TopologyView } from "./components/TopologyView.js";
import { openRun, routeOf } from "./net/runsActions.js";
import { dashboardStore } from "./store/store.js";

type Tab = "live" | "runs";

/** The page: header figures, tabs with the time controls, and the views. */
export function App() {
  const [tab, setTab] = useState<Tab>(() => routeOf(globalThis.location?.pathname ?? "/").tab);
  useEffect(() => {
    const { runId } = routeOf(globalThis.location?.pathname ?? "/");
    if (runId) void openRun(dashboardStore, runId);
  }, []);
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
          </div>
          {tab === "live" && <TimeBar />}
        </nav>
        {tab === "live" && <ReplayBar />}
      </div>
      {tab === "live" ? (
        <div className="main">
          <ControlsPanel />
          <main className="content" aria-label="Charts">
            <ConvergenceChart className="span-12" />
            <HeatmapChart className="span-7" />
            <TopologyView className="span-5" />
            <DivergenceChart className="span-6" />
            <RatesChart className="span-6" />
            <ReplicaTable className="span-12" />
          </main>
        </div>
      ) : (
        <RunsView onOpened={() => setTab("live")} />
      )}
      <TokenDialog />
    </div>
  );
}
