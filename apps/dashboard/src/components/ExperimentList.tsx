import { useShallow } from "zustand/react/shallow";
import { loadExperiments, removeExperiment, showExperiment, toggleCompare } from "../net/experimentsActions.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { formatDurationMs } from "../viz/format.js";

/** The experiments the collector keeps: open one, tick another to compare, delete, refresh. */
export function ExperimentList() {
  const { list, state, error, shownIds, actionError } = useDashboard(
    useShallow((s) => ({ list: s.experiments, state: s.experimentsState, error: s.experimentsError, shownIds: s.shownIds, actionError: s.actionError })),
  );
  return (
    <section className="card" aria-labelledby="exp-list-title">
      <div className="card-head">
        <h2 id="exp-list-title">Experiments</h2>
        <div className="spacer" />
        <button type="button" className="btn small" data-testid="exp-refresh" onClick={() => void loadExperiments(dashboardStore)}>
          Refresh
        </button>
      </div>
      {state === "error" && <div className="field-error" role="alert">Could not load experiments: {error}</div>}
      {actionError && <div className="field-error" role="alert">{actionError}</div>}
      {list.length === 0 && state !== "loading" ? (
        <div className="empty">No experiments yet: write a plan above and start it.</div>
      ) : (
        <table className="runs exp-list" data-testid="exp-list">
          <thead>
            <tr>
              <th title="Show beside the open experiment on the same charts">Cmp</th>
              <th>Experiment</th>
              <th>Status</th>
              <th>Points</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((e) => {
              const open = shownIds[0] === e.id;
              return (
                <tr key={e.id} aria-current={open ? "true" : undefined} data-testid={`exp-item-${e.id}`}>
                  <td>
                    <input
                      type="checkbox"
                      aria-label={`Compare ${e.name} with the open experiment`}
                      checked={shownIds.includes(e.id) && !open}
                      disabled={open || shownIds.length === 0}
                      onChange={() => void toggleCompare(dashboardStore, e.id)}
                      data-testid={`exp-compare-${e.id}`}
                    />
                  </td>
                  <td title={`${e.engine}, created ${new Date(e.createdAtMs).toLocaleString()}${e.endedAtMs ? `, ran ${formatDurationMs(e.endedAtMs - e.createdAtMs)}` : ""}`}>
                    <strong>{e.name}</strong> <span className="muted">{e.id}</span>
                  </td>
                  <td>
                    <span className={`status exp-status ${e.status}`} title={e.error ?? undefined}>
                      {e.status}
                    </span>
                  </td>
                  <td>
                    {e.donePoints}/{e.totalPoints}
                  </td>
                  <td className="inline">
                    <button type="button" className="btn small" disabled={open} onClick={() => void showExperiment(dashboardStore, e.id)} data-testid={`exp-open-${e.id}`}>
                      {open ? "Shown" : "Open"}
                    </button>
                    <button
                      type="button"
                      className="btn small danger"
                      disabled={e.status === "running"}
                      title={e.status === "running" ? "Cancel it first" : "Delete this experiment and its results"}
                      onClick={() => {
                        if (globalThis.confirm?.(`Delete ${e.id} (${e.name}) and its results?`) ?? true) void removeExperiment(dashboardStore, e.id);
                      }}
                      data-testid={`exp-delete-${e.id}`}
                    >
                      Delete
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
