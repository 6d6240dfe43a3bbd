import type { AxisSpec } from "../viz/chartSvg.js";
import type { LinearMap } from "../viz/scales.js";

export interface YAxisProps {
  axis: AxisSpec;
  y: LinearMap;
  left: number;
  top: number;
  height: number;
  width: number;
}

/** Value axis with grid lines across the plot and the label (with unit) rotated at the left. */
export function YAxis({ axis, y, left, top, height, width }: YAxisProps) {
  const ticks = axis.ticks.filter((t) => {
    const py = y(t);
    return py >= top - 0.5 && py <= top + height + 0.5;
  });
  return (
    <g className="axis" aria-hidden="true">
      <g className="grid">
        {ticks.map((t) => (
          <line key={t} x1={left} x2={left + width} y1={y(t)} y2={y(t)} />
        ))}
      </g>
      {ticks.map((t) => (
        <text key={t} x={left - 6} y={y(t) + 3.5} textAnchor="end">
          {axis.format(t)}
        </text>
      ))}
      <text className="axis-label" transform={`translate(${12} ${top + height / 2}) rotate(-90)`} textAnchor="middle">
        {axis.label}
      </text>
      <rect x={left} y={top} width={width} height={height} fill="none" stroke="#d1d5db" />
    </g>
  );
}
