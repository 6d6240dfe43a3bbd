import { convergenceRisks } from "@driftscope/protocol";
import { useShallow } from "zustand/react/shallow";
import { useDashboard } from "../store/store.js";

/** A header chip while the live config keeps the cluster from converging; hidden in a replay (it is about the live cluster). */
export function ConvergenceWarning() {
  const { config, ids, replay } = useDashboard(useShallow((s) => ({ config: s.live.config, ids: s.live.order, replay: s.view === "replay" })));
  useDashboard((s) => s.dataVersion);
  if (replay || !config) return null;
  const risks = convergenceRisks(config, ids);
  if (risks.length === 0) return null;
  return (
    <span className="badge risk" role="status" data-testid="convergence-warning" title={risks.map((r) => r.message).join("\n")}>
      Cannot converge: {risks.map((r) => r.short).join(", ")}
    </span>
  );
}
