import { Fragment } from "react";
import type { TileSpec } from "../viz/headerTiles.js";

export interface KpiTileProps {
  tile: TileSpec;
}

/** One headline tile in the header: a label and one or more figures, each with its test id; the tooltip explains the figure (definition, window, unit, docs). */
export function KpiTile({ tile }: KpiTileProps) {
  return (
    <div className={`kpi ${tile.tone ?? ""}`} title={tile.title} role="group" aria-label={tile.label}>
      <div className="label">{tile.label}</div>
      <div className="value">
        {tile.figures.map((f, i) => (
          <Fragment key={f.testId}>
            {i > 0 && <span className="sep">{tile.separator ?? ""}</span>}
            <span data-testid={f.testId} title={f.title ? `${f.title}\n\n${tile.title}` : undefined} className={f.atLeast ? "at-least" : undefined}>
              {f.text}
              {f.unit && <small>{f.unit}</small>}
            </span>
          </Fragment>
        ))}
      </div>
    </div>
  );
}
