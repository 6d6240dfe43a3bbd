import { useShallow } from "zustand/react/shallow";
import { useDashboard } from "../store/store.js";
import { fieldOfIssue } from "../viz/planDraft.js";

export interface PlanIssuesProps {
  /** The form field ("cluster.replicas", "sweep.intervalMs", "plan" for the rest). */
  field: string;
}

/** The collector's reasons for refusing the plan that concern one form field, shown next to it. */
export function PlanIssues({ field }: PlanIssuesProps) {
  const issues = useDashboard(useShallow((s) => s.planIssues.filter((i) => fieldOfIssue(i.path) === field)));
  if (issues.length === 0) return null;
  return (
    <div className="field-error" role="alert" data-testid={`plan-issue-${field}`}>
      {issues.map((i, k) => (
        <div key={k}>{i.path && i.path !== field ? `${i.path}: ${i.reason}` : i.reason}</div>
      ))}
    </div>
  );
}
