import type { Layer } from "../viz/chartSvg.js";
import type { LinearMap } from "../viz/scales.js";

export interface XyMarksProps {
  layer: Extract<Layer, { kind: "marks" }>;
  x: LinearMap;
  y: LinearMap;
}

/** One layer of marks (experiment points, reference points, the recommended point's ring). */
export function XyMarks({ layer, x, y }: XyMarksProps) {
  const r = layer.radius ?? 4;
  const shape = layer.shape ?? "dot";
  return (
    <g className={`marks ${layer.group ?? "measured"}`}>
      {layer.marks.map((m, i) => {
        const cx = x(m.x);
        const cy = y(m.y);
        const paint =
          shape === "ring"
            ? { fill: "none", stroke: layer.colour, strokeWidth: 2 }
            : m.hollow
              ? { fill: "#ffffff", stroke: layer.colour, strokeWidth: 1.5 }
              : { fill: layer.colour, stroke: "#ffffff", strokeWidth: 0.75 };
        return shape === "square" ? (
          <rect key={i} className="mark" x={cx - r} y={cy - r} width={2 * r} height={2 * r} {...paint} />
        ) : (
          <circle key={i} className="mark" cx={cx} cy={cy} r={r} {...paint} />
        );
      })}
    </g>
  );
}
