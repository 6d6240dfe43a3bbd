import type { Experiment } from "@driftscope/protocol";
import { cancelRunning } from "../net/experimentsActions.js";
import { dashboardStore } from "../store/store.js";
import { formatDurationMs } from "../viz/format.js";
import { progressOf } from "../viz/experimentProgress.js";

export interface ExperimentProgressProps {
  experiment: Experiment;
  /** The second experiment on show (compared with the first). */
  compared?: boolean;
}

/** Where an experiment stands: point i of n, a progress bar, the ETA, cancel; why it failed. */
export function ExperimentProgress({ experiment: e, compared }: ExperimentProgressProps) {
  const p = progressOf(e);
  return (
    <section className="card exp-progress" data-testid={`exp-progress-${e.id}`} aria-label={`Progress of ${e.id}`}>
      <div className="card-head">
        <div>
          <h2>
            {compared && <span className="muted">compared: </span>}
            {e.plan.name} <span className="muted">{e.id}</span>
          </h2>
          <div className="sub">{p.planText}</div>
        </div>
        <div className="spacer" />
        <span className={`status exp-status ${e.status}`} data-testid={`exp-status-${e.id}`} data-status={e.status}>
          {e.status}
        </span>
        {e.status === "running" && (
          <button type="button" className="btn danger" data-testid={`exp-cancel-${e.id}`} onClick={() => void cancelRunning(dashboardStore, e.id)}>
            Cancel
          </button>
        )}
      </div>
      <div className="progress-row">
        <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={e.totalPoints} aria-valuenow={e.results.length} aria-label="Points measured">
          <div style={{ width: `${p.share * 100}%` }} />
        </div>
        <span data-testid={`exp-points-${e.id}`}>{p.pointText}</span>
        {e.status === "running" && <span className="muted" data-testid={`exp-eta-${e.id}`}>{e.etaMs === null ? "ETA: after the first point" : e.results.length >= e.totalPoints ? "ETA: now" : `ETA ${formatDurationMs(e.etaMs)}`}</span>}
        <span className="muted">{p.clockText}</span>
      </div>
      {e.error && (
        <div className="field-error" role="alert">
          {e.status}: {e.error}
        </div>
      )}
    </section>
  );
}
