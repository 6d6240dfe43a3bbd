import { useShallow } from "zustand/react/shallow";
import { addReferenceFile } from "../net/experimentsActions.js";
import { dashboardStore, useDashboard } from "../store/store.js";

export interface ReferencePointsProps {
  className?: string;
}

/** Reference points from a CSV (e.g. the thesis' table: interval_ms, p50_ms or mean_ms, messages_per_sec…), drawn beside the measured ones. */
export function ReferencePoints({ className }: ReferencePointsProps) {
  const { refs, error } = useDashboard(useShallow((s) => ({ refs: s.references, error: s.referenceError })));
  return (
    <section className={`card ${className ?? ""}`} aria-labelledby="refs-title" data-testid="references">
      <div className="card-head">
        <div>
          <h2 id="refs-title">Reference points</h2>
          <div className="sub">
            A CSV with <code>interval_ms</code> and any of <code>p50_ms</code> (or <code>mean_ms</code>), <code>p95_ms</code>, <code>messages_per_sec</code>, <code>bytes_per_sec</code>: drawn as hollow black squares beside the measured points
          </div>
        </div>
      </div>
      <label className="btn small file-btn">
        Add CSV…
        <input
          type="file"
          accept=".csv,text/csv,text/plain"
          className="sr-only"
          data-testid="refs-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            if (file) void addReferenceFile(dashboardStore, file);
            e.target.value = "";
          }}
        />
      </label>
      {error && <div className="field-error" role="alert">{error}</div>}
      {refs.length > 0 && (
        <ul className="list" aria-label="Reference files">
          {refs.map((r) => (
            <li key={r.name} data-testid={`ref-${r.name}`}>
              {r.name}: {r.points.length} points{r.convergenceFrom ? ` (convergence from its ${r.convergenceFrom})` : " (no convergence column)"}
              {r.skipped.length > 0 && <span className="muted" title={r.skipped.map((s) => `line ${s.line}: ${s.reason}`).join("\n")}> · {r.skipped.length} row{r.skipped.length === 1 ? "" : "s"} skipped</span>}
              <button type="button" className="btn small" aria-label={`Remove ${r.name}`} onClick={() => dashboardStore.getState().removeReference(r.name)}>
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
