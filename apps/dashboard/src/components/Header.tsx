import { useView } from "../hooks/useView.js";
import { configAt, kpisAt, replayAtMs, replayPillText } from "../store/replayView.js";
import { useDashboard } from "../store/store.js";
import { headerTiles } from "../viz/headerTiles.js";
import { ConnectionBadge } from "./ConnectionBadge.js";
import { ConvergenceWarning } from "./ConvergenceWarning.js";
import { KpiTile } from "./KpiTile.js";

/** Headline figures of the cluster on show, and the connection state; a replay shows the recording at the scrubber's time instead. */
export function Header() {
  const { model } = useView();
  const at = useDashboard(replayAtMs);
  const run = model.run;
  const kpis = kpisAt(model, at);
  const tiles = headerTiles(kpis, { windowMs: model.windowMs, configVersion: configAt(model, at).config?.version, replay: at !== null, ingest: at === null ? model.sampling?.ingest : undefined });
  return (
    <header className="header">
      <div className="brand">
        <h1>Driftscope</h1>
        {at === null ? (
          <>
            <span title={run ? `${run.name} (${run.id})` : undefined}>{run ? run.name || run.id : "no run recording"}</span>
            <ConnectionBadge />
          </>
        ) : (
          // The pill names the run and the time; every figure on the page is the recording's then.
          <span
            className="badge replay"
            data-testid="mode-pill"
            role="status"
            title={`Recorded run ${run ? `${run.name} (${run.id})` : ""}: every figure on this page is the recording's at the scrubber's time. “Back to live” returns to the cluster.`}
          >
            {replayPillText(model, at)}
          </span>
        )}
        <ConvergenceWarning />
      </div>
      <div className="kpis">
        {tiles.map((tile) => (
          <KpiTile key={tile.key} tile={tile} />
        ))}
      </div>
    </header>
  );
}
