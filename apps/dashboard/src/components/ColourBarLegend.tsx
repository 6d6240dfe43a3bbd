import { HEATMAP_LEGEND } from "../viz/experimentLegendHelp.js";
import { formatCount, formatDurationMs } from "../viz/format.js";

export interface ColourBarLegendProps {
  metric: "missing" | "staleness";
  max: number;
  lut: Uint8ClampedArray;
  /** Whether the scale's top is locked (otherwise it follows the visible window). */
  locked: boolean;
  onLock(locked: boolean): void;
}

/** The heatmap's colour ramp with its end values, and the special cell colours; each entry's tooltip says what it means. */
export function ColourBarLegend({ metric, max, lut, locked, onLock }: ColourBarLegendProps) {
  const n = lut.length / 4;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const i = Math.round(p * (n - 1)) * 4;
    return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]}) ${p * 100}%`;
  });
  const fmt = metric === "missing" ? formatCount : formatDurationMs;
  return (
    <div className="legend" role="list" aria-label="Colour scale">
      <span className="item" role="listitem" title={HEATMAP_LEGEND.caughtUp} data-has-help="">
        <span style={{ display: "inline-block", width: 12, height: 10, background: "rgb(246,248,250)", border: "1px solid #d1d5db" }} /> 0 (caught up)
      </span>
      <span className="item" role="listitem" title={metric === "missing" ? HEATMAP_LEGEND.missing : HEATMAP_LEGEND.staleness} data-has-help="">
        {fmt(0)}
        <span style={{ display: "inline-block", width: 140, height: 10, background: `linear-gradient(to right, ${stops.join(", ")})` }} />
        <span data-testid="heatmap-scale">
          {fmt(max)} {metric === "missing" ? "missing updates" : "staleness"} (√ scale, {locked ? "locked" : "fitted to the visible window"})
        </span>
        <button type="button" className="btn small" aria-pressed={locked} data-testid="heatmap-scale-lock" onClick={() => onLock(!locked)} title={locked ? "Let the colour scale follow the visible window again" : "Keep this colour scale while the data changes (to compare over time)"}>
          {locked ? "Unlock scale" : "Lock scale"}
        </button>
      </span>
      <span className="item" role="listitem" title={HEATMAP_LEGEND.crashed} data-has-help="">
        <span style={{ display: "inline-block", width: 12, height: 10, background: "rgb(148,155,164)" }} /> crashed
      </span>
      <span className="item" role="listitem" title={HEATMAP_LEGEND.unreachable} data-has-help="">
        <span style={{ display: "inline-block", width: 12, height: 10, background: "rgb(203,208,214)" }} /> unreachable
      </span>
    </div>
  );
}
