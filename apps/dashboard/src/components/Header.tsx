import { useView } from "../hooks/useView.js";
import { headerTiles } from "../viz/headerTiles.js";
import { ConnectionBadge } from "./ConnectionBadge.js";
import { KpiTile } from "./KpiTile.js";

/** Headline figures of the cluster on show, and the connection state. */
export function Header() {
  const { model } = useView();
  const run = model.run;
  const tiles = headerTiles(model.latestKpis, { windowMs: model.windowMs, configVersion: model.config?.version });
  return (
    <header className="header">
      <div className="brand">
        <strong>Driftscope</strong>
        <span title={run ? `${run.name} (${run.id})` : undefined}>{run ? run.name || run.id : "no run recording"}</span>
        <ConnectionBadge />
      </div>
      <div className="kpis">
        {tiles.map((tile) => (
          <KpiTile key={tile.key} tile={tile} />
        ))}
      </div>
    </header>
  );
}
