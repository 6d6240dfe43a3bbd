import { useMemo } from "react";
import { useShallow } from "zustand/react/shallow";
import { applyPoint, recommend } from "../net/experimentsActions.js";
import { loadedExperiment } from "../store/experimentsSlice.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { fullConfigText, updateRates } from "../viz/experimentSeries.js";
import { targetOf, targetText } from "../viz/recommendTarget.js";
import { ApplyStatus } from "./ApplyStatus.js";

export interface RecommendationPanelProps {
  className?: string;
}

/** A target (p95 under X ms or k update periods, optional byte budget) → the cheapest measured config per update rate, applied in one click. */
export function RecommendationPanel({ className }: RecommendationPanelProps) {
  const { id, loaded, target, recommendations, applied, replay } = useDashboard(
    useShallow((s) => ({ id: s.shownIds[0], loaded: s.shownIds[0] === undefined ? undefined : s.loaded[s.shownIds[0]], target: s.target, recommendations: s.recommendations, applied: s.applied, replay: s.view === "replay" })),
  );
  const e = loadedExperiment(loaded);
  const rates = useMemo(() => (e ? updateRates(e.results) : []), [e]);
  if (!e || id === undefined) return null;
  const parsed = targetOf(target);
  const answers = recommendations[id] ?? {};
  const set = (next: Partial<typeof target>) => dashboardStore.getState().setTarget({ ...target, ...next });
  return (
    <section className={`card ${className ?? ""}`} aria-labelledby="rec-title" data-testid="recommendation">
      <div className="card-head">
        <div>
          <h2 id="rec-title">Recommendation</h2>
          <div className="sub">The cheapest measured config that meets the target, per update rate (the workload is not a choice)</div>
        </div>
      </div>
      <form
        className="rec-form"
        onSubmit={(ev) => {
          ev.preventDefault();
          void recommend(dashboardStore);
        }}
      >
        <div className="inline">
          <span>p95 convergence under</span>
          <input type="text" inputMode="decimal" className="short" aria-label="Target value" value={target.value} onChange={(ev) => set({ value: ev.target.value })} data-testid="rec-value" />
          <span className="seg" role="radiogroup" aria-label="Target unit">
            <button type="button" role="radio" aria-checked={target.kind === "ms"} onClick={() => set({ kind: "ms" })} data-testid="rec-kind-ms">
              ms
            </button>
            <button type="button" role="radio" aria-checked={target.kind === "periods"} onClick={() => set({ kind: "periods" })} data-testid="rec-kind-periods" title="Update periods of each point's own update rate (1 / updates/s per replica)">
              update periods
            </button>
          </span>
        </div>
        <div className="inline">
          <span>within</span>
          <input type="text" inputMode="decimal" className="short" aria-label="Byte budget per replica (optional)" placeholder="any" value={target.budget} onChange={(ev) => set({ budget: ev.target.value })} data-testid="rec-budget" />
          <span>bytes/s per replica (optional)</span>
          <button type="submit" className="btn primary" disabled={!parsed.ok || e.results.length === 0} data-testid="rec-ask">
            Recommend
          </button>
        </div>
        {!parsed.ok && <div className="field-error">{parsed.reason}</div>}
      </form>
      <ul className="rec-answers">
        {rates.map((rate) => {
          const a = answers[String(rate)];
          if (a === undefined) return null;
          return (
            <li key={rate} data-testid={`rec-answer-${rate}`}>
              <div className="muted">
                At {rate} updates/s per replica{parsed.ok ? ` (${targetText(parsed.target, rate)})` : ""}:
              </div>
              {a === "loading" ? (
                <span className="muted">asking…</span>
              ) : "failed" in a ? (
                <span className="field-error">{a.failed}</span>
              ) : a.met ? (
                <div className="rec-met">
                  <span className="status acked">meets the target</span> {a.reason}
                  <div className="note">{fullConfigText(a.point)}</div>
                  <button
                    type="button"
                    className="btn primary"
                    disabled={replay || applied?.phase === "sending"}
                    title={replay ? "Back to the live cluster to apply" : "Apply this point's gossip settings to the live cluster (an ordinary, versioned config change)"}
                    onClick={() => void applyPoint(dashboardStore, id, a.point.index)}
                    data-testid={`rec-apply-${rate}`}
                  >
                    Apply point #{a.point.index} to the live cluster
                  </button>
                </div>
              ) : (
                <div className="rec-unmet">
                  <span className="status failed">none meets it</span> {a.reason}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {applied?.experimentId === id && <ApplyStatus />}
    </section>
  );
}
