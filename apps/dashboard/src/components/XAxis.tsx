import type { AxisSpec } from "../viz/chartSvg.js";
import type { LinearMap } from "../viz/scales.js";

export interface XAxisProps {
  axis: AxisSpec;
  x: LinearMap;
  /** y of the plot's bottom edge. */
  top: number;
  left: number;
  width: number;
}

/** Time axis under the last panel: ticks, labels and the axis title. */
export function XAxis({ axis, x, top, left, width }: XAxisProps) {
  const ticks = axis.ticks.filter((t) => x(t) >= left - 0.5 && x(t) <= left + width + 0.5);
  return (
    <g className="axis" aria-hidden="true">
      {ticks.map((t) => (
        <g key={t} transform={`translate(${x(t)} ${top})`}>
          <line y2="5" stroke="#9ca3af" />
          <text y="17" textAnchor="middle">
            {axis.format(t)}
          </text>
        </g>
      ))}
      <text className="axis-label" x={left + width / 2} y={top + 32} textAnchor="middle">
        {axis.label}
      </text>
    </g>
  );
}
