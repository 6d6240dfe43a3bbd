import { useView } from "../hooks/useView.js";
import { formatBytes, formatCount, formatDurationMs, formatShare } from "../viz/format.js";
import { ConnectionBadge } from "./ConnectionBadge.js";
import { KpiTile } from "./KpiTile.js";

/** Headline figures of the cluster on show, and the connection state. */
export function Header() {
  const { model } = useView();
  const k = model.latestKpis;
  const run = model.run;
  const acked = k ? `${k.ackedReplicas}/${k.live}` : "–";
  return (
    <header className="header">
      <div className="brand">
        <strong>Driftscope</strong>
        <span title={run ? `${run.name} (${run.id})` : undefined}>{run ? run.name || run.id : "no run recording"}</span>
      </div>
      <div className="kpis">
        <KpiTile testId="kpi-replicas" label="Replicas live" value={k ? `${k.live}/${k.total}` : "–"} title="Live replicas / all known (unreachable and crashed excluded from live)" tone={k && k.live < k.total ? "warn" : undefined} />
        <KpiTile testId="kpi-converged-share" label="Converged" value={k ? formatShare(k.convergedShare) : "–"} title="Share of live replicas that have seen every issued update" tone={k?.convergedShare === 1 ? "good" : undefined} />
        <KpiTile testId="kpi-distinct-states" label="Distinct states" value={k ? k.distinctStates : "–"} title="Distinct (version vector, state hash) among live replicas; 1 = converged" tone={k?.distinctStates === 1 ? "good" : undefined} />
        <KpiTile testId="kpi-convergence-p50" label="Conv. p50" value={formatDurationMs(k?.convergenceP50Ms)} title={`Convergence time, median over the last ${formatDurationMs(model.windowMs || 30_000)}`} />
        <KpiTile testId="kpi-convergence-p95" label="Conv. p95" value={formatDurationMs(k?.convergenceP95Ms)} title="Convergence time, 95th percentile over the window" />
        <KpiTile testId="kpi-convergence-p99" label="Conv. p99" value={formatDurationMs(k?.convergenceP99Ms)} title="Convergence time, 99th percentile over the window" />
        <KpiTile testId="kpi-updates-rate" label="Updates" value={k ? formatCount(k.updatesPerSec) : "–"} unit="/s" title="Updates issued per second, cluster-wide" />
        <KpiTile testId="kpi-messages-rate" label="Messages" value={k ? formatCount(k.messagesPerSec) : "–"} unit="/s" title="Gossip messages per second, cluster-wide" />
        <KpiTile testId="kpi-bytes-rate" label="Traffic" value={k ? formatBytes(k.bytesPerSec) : "–"} unit="/s" title="Gossip bytes per second, cluster-wide" />
        <KpiTile
          testId="kpi-config"
          label={`Config v${k?.configVersion ?? model.config?.version ?? "–"}`}
          value={acked}
          unit=" acked"
          title="Live replicas that acknowledged the current config version"
          tone={k && k.ackedReplicas >= k.live ? "good" : "warn"}
        />
      </div>
      <ConnectionBadge />
    </header>
  );
}
