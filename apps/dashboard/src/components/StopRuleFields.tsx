import { useShallow } from "zustand/react/shallow";
import { dashboardStore, useDashboard } from "../store/store.js";
import type { PlanDraft } from "../viz/planDraft.js";
import { PlanIssues } from "./PlanIssues.js";

/** When each point's measurement stops: after a duration, or at K converged updates with the p50 known to ±x %, capped. */
export function StopRuleFields() {
  const d = useDashboard(useShallow((s) => ({ stop: s.planDraft.stop, durationS: s.planDraft.durationS, minConverged: s.planDraft.minConverged, halfWidthPct: s.planDraft.halfWidthPct, capS: s.planDraft.capS })));
  const edit = (next: Partial<PlanDraft>, field: string) => dashboardStore.getState().editDraft((x) => ({ ...x, ...next }), field);
  return (
    <fieldset className="plan-group">
      <legend>Stop rule (per point)</legend>
      <div className="seg" role="radiogroup" aria-label="Stop rule">
        <button type="button" role="radio" aria-checked={d.stop === "duration"} onClick={() => edit({ stop: "duration" }, "measure")} data-testid="plan-stop-duration">
          duration
        </button>
        <button type="button" role="radio" aria-checked={d.stop === "converged"} onClick={() => edit({ stop: "converged" }, "measure")} data-testid="plan-stop-converged">
          converged updates
        </button>
      </div>
      {d.stop === "duration" ? (
        <label className="plan-inline">
          measure for <input type="text" inputMode="decimal" className="short" value={d.durationS} onChange={(e) => edit({ durationS: e.target.value }, "measure.durationMs")} data-testid="plan-duration" /> s
        </label>
      ) : (
        <div className="plan-inline">
          <label>
            at least <input type="text" inputMode="numeric" className="short" value={d.minConverged} onChange={(e) => edit({ minConverged: e.target.value }, "measure.minConverged")} data-testid="plan-min-converged" /> converged updates
          </label>
          <label>
            and p50 within ± <input type="text" inputMode="decimal" className="short" value={d.halfWidthPct} onChange={(e) => edit({ halfWidthPct: e.target.value }, "measure.maxRelativeHalfWidth")} data-testid="plan-half-width" /> % (95 % confidence)
          </label>
          <label>
            or at most <input type="text" inputMode="decimal" className="short" value={d.capS} onChange={(e) => edit({ capS: e.target.value }, "measure.capMs")} data-testid="plan-cap" /> s
          </label>
        </div>
      )}
      {["measure", "measure.durationMs", "measure.minConverged", "measure.maxRelativeHalfWidth", "measure.capMs"].map((f) => (
        <PlanIssues key={f} field={f} />
      ))}
    </fieldset>
  );
}
