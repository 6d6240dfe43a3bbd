import { formatCount, formatDurationMs } from "../viz/format.js";

export interface ColourBarLegendProps {
  metric: "missing" | "staleness";
  max: number;
  lut: Uint8ClampedArray;
}

/** The heatmap's colour ramp with its end values, and the special cell colours. */
export function ColourBarLegend({ metric, max, lut }: ColourBarLegendProps) {
  const n = lut.length / 4;
  const stops = [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const i = Math.round(p * (n - 1)) * 4;
    return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]}) ${p * 100}%`;
  });
  const fmt = metric === "missing" ? formatCount : formatDurationMs;
  return (
    <div className="legend" aria-label="Colour scale">
      <span className="item">
        <span style={{ display: "inline-block", width: 12, height: 10, background: "rgb(246,248,250)", border: "1px solid #d1d5db" }} /> 0 (caught up)
      </span>
      <span className="item">
        {fmt(0)}
        <span style={{ display: "inline-block", width: 140, height: 10, background: `linear-gradient(to right, ${stops.join(", ")})` }} />
        {fmt(max)} {metric === "missing" ? "missing updates" : "staleness"} (√ scale)
      </span>
      <span className="item">
        <span style={{ display: "inline-block", width: 12, height: 10, background: "rgb(148,155,164)" }} /> crashed
      </span>
      <span className="item">
        <span style={{ display: "inline-block", width: 12, height: 10, background: "rgb(203,208,214)" }} /> unreachable
      </span>
    </div>
  );
}
