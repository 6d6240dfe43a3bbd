import type { PlotLine, PlotSteps } from "../charts/plot.js";
import { linePath, stepPath } from "../viz/chartSvg.js";
import { decimateMinMax } from "../viz/decimate.js";
import type { LinearMap } from "../viz/scales.js";

export interface LinePathsProps {
  lines: readonly PlotLine[];
  steps: readonly PlotSteps[];
  x: LinearMap;
  y: LinearMap;
  clipId: string;
  widthPx: number;
}

/** Lines decimated to ~1 sample per pixel, and theory step lines, clipped to the panel. */
export function LinePaths({ lines, steps, x, y, clipId, widthPx }: LinePathsProps) {
  const [t0, t1] = x.domain;
  return (
    <g clipPath={`url(#${clipId})`}>
      {steps.map((s) => (
        <path
          key={s.key}
          d={stepPath(s.segments, x, y)}
          fill="none"
          stroke={s.colour}
          strokeWidth="1.75"
          strokeDasharray={s.dash ?? "6 4"}
        />
      ))}
      {lines.map((l) =>
        l.parts.map((part, i) => (
          <path
            key={`${l.key}-${i}`}
            d={linePath(decimateMinMax(part, t0, t1, widthPx), x, y)}
            fill="none"
            stroke={l.colour}
            strokeWidth={l.width ?? 1.5}
            strokeDasharray={l.dash}
            strokeLinejoin="round"
            strokeLinecap="round"
          />
        )),
      )}
    </g>
  );
}
