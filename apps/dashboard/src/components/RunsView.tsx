import { useEffect, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { runCsvUrl } from "../net/api.js";
import { getConnection } from "../net/runtime.js";
import { loadRuns, openRun, toggleOverlay } from "../net/runsActions.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { formatDurationMs } from "../viz/format.js";
import { runPercentilesText, runPercentilesTitle } from "../viz/lowerBound.js";
import { EMPTY_RUN_START, describeRunStart, parseRunStart, type RunStartDraft } from "../viz/runStartConfig.js";
import { OverlayChart } from "./OverlayChart.js";

export interface RunsViewProps {
  onOpened(): void;
}

/** Recorded runs: open one (same charts, with a scrubber) or overlay several. */
export function RunsView({ onOpened }: RunsViewProps) {
  const { runs, state, error, overlayIds, openState, runRequest } = useDashboard(
    useShallow((s) => ({ runs: s.runs, state: s.runsState, error: s.runsError, overlayIds: s.overlayIds, openState: s.openRun, runRequest: s.runRequest })),
  );
  // The run being recorded, as the live snapshot and run-control answers say ("Stop recording" needs one).
  const recording = useDashboard((s) => s.live.run?.id ?? null);
  const [name, setName] = useState("");
  const [start, setStart] = useState<RunStartDraft>(EMPTY_RUN_START);
  const parsed = parseRunStart(start);
  useEffect(() => {
    void loadRuns(dashboardStore);
  }, []);
  // The list is read again once the collector has answered (the new run is in it then).
  useEffect(() => {
    if (runRequest?.phase === "done") void loadRuns(dashboardStore);
  }, [runRequest]);
  const runControl = (action: "start" | "stop") => {
    if (action === "start" && !parsed.ok) return;
    const config = action === "start" && parsed.ok ? parsed.patch : undefined;
    const id = getConnection()?.sendRunControl(action, action === "start" && name ? name : undefined, config);
    if (id !== undefined) dashboardStore.getState().markRunRequest(id);
    setName("");
    if (action === "start") setStart(EMPTY_RUN_START);
  };
  const startField = (field: keyof RunStartDraft, label: string, unit: string) => (
    <label className="run-start-field">
      <span className="muted">{label}</span>
      <input type="text" inputMode="decimal" size={5} placeholder="as now" value={start[field]} onChange={(e) => setStart({ ...start, [field]: e.target.value })} aria-invalid={!parsed.ok && parsed.issues[field] !== undefined} data-testid={`run-start-${field}`} />
      <span className="muted">{unit}</span>
    </label>
  );
  return (
    <main className="runs-page" aria-label="Recorded runs">
      <section className="card" aria-labelledby="runs-title">
        <div className="card-head">
          <h2 id="runs-title">Recorded runs</h2>
          <div className="spacer" />
          <div className="inline">
            <label className="sr-only" htmlFor="run-name">Name of the new run</label>
            <input id="run-name" type="text" placeholder="new run name (optional)" value={name} onChange={(e) => setName(e.target.value)} data-testid="run-name" />
            <button
              type="button"
              className="btn"
              data-testid="run-start"
              disabled={!parsed.ok}
              onClick={() => runControl("start")}
              title={`End the current recording and start a new one with ${parsed.ok ? describeRunStart(parsed.patch) : "…"}: the change belongs to the new run only`}
            >
              Start new run
            </button>
            <button
              type="button"
              className="btn"
              data-testid="run-stop"
              disabled={recording === null}
              onClick={() => runControl("stop")}
              title={recording === null ? "Nothing is recording: “Start new run” starts a recording" : `Stop recording ${recording}`}
            >
              Stop recording
            </button>
            <button type="button" className="btn" data-testid="runs-refresh" onClick={() => void loadRuns(dashboardStore)}>
              Refresh
            </button>
          </div>
        </div>
        <div className="inline run-start-config" role="group" aria-label="Config the new run starts with (blank: as now)">
          <span className="muted">Start the new run with</span>
          {startField("intervalMs", "interval", "ms")}
          {startField("fanout", "fanout", "")}
          {startField("updatesPerSecPerReplica", "updates", "/s per replica")}
        </div>
        {!parsed.ok && (
          <div className="field-error" role="alert" data-testid="run-start-issues">
            {Object.entries(parsed.issues).map(([field, reason]) => `${field}: ${reason}`).join(" — ")}
          </div>
        )}
        {runRequest?.phase === "failed" && <div className="field-error" role="alert" data-testid="run-request-error">The collector refused: {runRequest.error}</div>}
        {state === "error" && <div className="field-error" role="alert">Could not load runs: {error}</div>}
        {openState?.state === "error" && <div className="field-error" role="alert">Could not open {openState.id}: {openState.error}</div>}
        {runs.length === 0 && state !== "loading" ? (
          <div className="empty">No recorded runs yet.</div>
        ) : (
          <div className="runs-scroll">
            <table className="runs" data-testid="runs-table">
              <thead>
                <tr>
                  <th>Overlay</th>
                  <th>Run</th>
                  <th>Started</th>
                  <th>Duration</th>
                  <th>N</th>
                  <th>Interval</th>
                  <th>Fanout</th>
                  <th>Mode</th>
                  <th>p50 / p95 / p99</th>
                  <th className="run-actions">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {runs.map((r) => (
                  <tr key={r.id}>
                    <td>
                      <input type="checkbox" aria-label={`Overlay ${r.name}`} checked={overlayIds.includes(r.id)} onChange={() => void toggleOverlay(dashboardStore, r.id)} data-testid={`run-overlay-${r.id}`} />
                    </td>
                    <td className="run-name">
                      <strong>{r.name}</strong> <span className="muted">{r.name !== r.id ? r.id : ""}</span>
                    </td>
                    <td className="run-started">
                      <span>{new Date(r.startedAtMs).toLocaleDateString()}</span> <span>{new Date(r.startedAtMs).toLocaleTimeString()}</span>
                    </td>
                    <td>{r.endedAtMs === null || r.current ? <span className="status sending">recording</span> : formatDurationMs(r.endedAtMs - r.startedAtMs)}</td>
                    <td>{r.replicaCount ?? "–"}</td>
                    <td title={r.configChanges ? `${r.configChanges} config changes during the run; the first config is shown` : undefined}>
                      {r.intervalMs !== undefined ? formatDurationMs(r.intervalMs) : "–"}
                      {r.configChanges ? <span className="muted"> (+{r.configChanges})</span> : null}
                    </td>
                    <td>{r.fanout ?? "–"}</td>
                    <td>{r.mode ?? "–"}</td>
                    <td title={runPercentilesTitle(r)}>{runPercentilesText(r)}</td>
                    <td className="run-actions">
                      <button
                        type="button"
                        className="btn small"
                        data-testid={`run-open-${r.id}`}
                        disabled={openState?.id === r.id && openState.state === "loading"}
                        onClick={() => void openRun(dashboardStore, r.id).then(() => dashboardStore.getState().openRun?.state === "ready" && onOpened())}
                      >
                        {openState?.id === r.id && openState.state === "loading" ? "Opening…" : "Open"}
                      </button>
                      <a className="btn small" href={runCsvUrl(r.id)} download data-testid={`run-csv-${r.id}`}>
                        CSV
                      </a>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <OverlayChart />
      {overlayIds.length === 0 && runs.length > 1 && <div className="note">Tick two or more runs to compare their convergence on one chart.</div>}
    </main>
  );
}
