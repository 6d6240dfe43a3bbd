import { useShallow } from "zustand/react/shallow";
import { useThrottledVersion } from "../hooks/useThrottledVersion.js";
import { useDashboard } from "../store/store.js";
import { ackSummary, replicaAcks } from "../viz/acks.js";

/** After a recommended point was applied: the config version it became and every live replica acknowledging it. */
export function ApplyStatus() {
  useThrottledVersion(250);
  const { applied, model } = useDashboard(useShallow((s) => ({ applied: s.applied, model: s.live })));
  if (!applied) return null;
  if (applied.phase === "sending") return <div className="status sending" data-testid="apply-status" data-phase="sending">applying point #{applied.index}…</div>;
  if (applied.phase === "failed") {
    return (
      <div className="field-error" role="alert" data-testid="apply-status" data-phase="failed">
        Applying point #{applied.index} of {applied.experimentId} was refused: {applied.error}
      </div>
    );
  }
  const version = applied.version!;
  const acks = replicaAcks(model.order, model.latest?.columns ?? null, version, model.replicaInfo, "gossip");
  const summary = ackSummary(acks, version);
  return (
    <div className="apply-status" data-testid="apply-status" data-phase={summary.done ? "acked" : "applied"} aria-live="polite">
      <div>
        Point #{applied.index} of {applied.experimentId} applied to the live cluster as config <strong>v{version}</strong> ·{" "}
        <span className={`status ${summary.done ? "acked" : "applied"}`} data-testid="apply-acks">
          {summary.text}
        </span>
      </div>
      <div className="chips" role="list" aria-label="Acknowledgements per replica">
        {acks.map((a) => (
          <span
            key={a.id}
            role="listitem"
            className={`chip ack ${a.acked ? "acked" : "waiting"}`}
            title={`${a.id}: ${a.acked ? `runs v${version}` : `has not acknowledged v${version} yet`}${a.applies ? "" : " — its node does not apply the gossip section"}`}
            data-testid={`apply-replica-${a.id}`}
            data-acked={a.acked}
          >
            {a.acked ? "✓" : "…"} {a.id}
          </span>
        ))}
      </div>
    </div>
  );
}
