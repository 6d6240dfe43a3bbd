import { useDashboard } from "../store/store.js";
import { formatDurationMs } from "../viz/format.js";
import { estimatePlan } from "../viz/planDraft.js";

/** How long the plan in the form runs, before it is started: points × (warm-up + measurement or cap). */
export function PlanEstimate() {
  const draft = useDashboard((s) => s.planDraft);
  const e = estimatePlan(draft);
  if (!e.ok) {
    return (
      <div className="estimate muted" data-testid="plan-estimate" data-ok="false">
        No estimate yet — {e.issue.path ? `${e.issue.path}: ` : ""}
        {e.issue.reason}
      </div>
    );
  }
  const { points, perPointMs, totalMs, atMost, clock } = e.estimate;
  const upTo = atMost ? "at most " : "";
  return (
    <div className="estimate" data-testid="plan-estimate" data-ok="true" data-total-ms={totalMs} data-points={points}>
      <strong>
        {points} point{points === 1 ? "" : "s"} × {upTo}
        {formatDurationMs(perPointMs)} = {upTo}
        {formatDurationMs(totalMs)}
      </strong>{" "}
      of {clock} time
      <div className="note">{clock === "simulated" ? "Virtual time: a simulated sweep usually takes a small fraction of this in wall time." : "Real time on the connected cluster."}</div>
    </div>
  );
}
