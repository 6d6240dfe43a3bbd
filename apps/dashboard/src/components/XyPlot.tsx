import { useState } from "react";
import type { XyChart } from "../charts/experiments.js";
import { layoutPlot } from "../charts/plot.js";
import { bandPath, linePath } from "../viz/chartSvg.js";
import { placeLabels } from "../viz/labels.js";
import { nearestPoint } from "../viz/nearest.js";
import { XAxis } from "./XAxis.js";
import { XyMarks } from "./XyMarks.js";
import { YAxis } from "./YAxis.js";

export interface XyPlotProps {
  chart: XyChart;
  width: number;
  label: string;
  /** Prefix of the clip path ids (unique per chart on the page). */
  id: string;
}

const MARGIN = { left: 62, right: 16, top: 8, bottom: 38, gap: 16 } as const;

/** An XY chart with few marks (experiment points), all in SVG: bands, lines, labelled marks, notes; hover names a point. */
export function XyPlot({ chart, width, label, id }: XyPlotProps) {
  const layout = layoutPlot(chart, width, MARGIN);
  const [hover, setHover] = useState<number>(-1);
  const hoverPx = chart.hover.map((h) => ({ x: layout.x(h.x), y: layout.panels[h.panel]!.y(h.y) }));
  const last = layout.panels[layout.panels.length - 1]!;
  const tip = hover >= 0 ? chart.hover[hover] : undefined;
  return (
    <div className="plot" style={{ height: layout.height }} role="img" aria-label={label}>
      <svg
        width={width}
        height={layout.height}
        onPointerMove={(e) => {
          const r = e.currentTarget.getBoundingClientRect();
          setHover(nearestPoint(hoverPx, e.clientX - r.left, e.clientY - r.top));
        }}
        onPointerLeave={() => setHover(-1)}
      >
        {chart.panels.map((p, k) => {
          const box = layout.panels[k]!;
          const clip = `${id}-clip-${p.id}`;
          const bounds = { left: layout.left, top: box.top, right: layout.left + layout.width, bottom: box.top + box.height };
          const requests = p.layers.flatMap((l) => (l.kind === "marks" ? l.marks.filter((m) => m.label).map((m) => ({ x: layout.x(m.x), y: box.y(m.y), text: m.label!, radius: (l.radius ?? 4) + 1, colour: l.colour })) : []));
          const placed = placeLabels(requests, bounds);
          return (
            <g key={p.id} data-panel={p.id}>
              <clipPath id={clip}>
                <rect x={layout.left} y={box.top} width={layout.width} height={box.height} />
              </clipPath>
              <YAxis axis={p.y} y={box.y} left={layout.left} top={box.top} height={box.height} width={layout.width} />
              <g clipPath={`url(#${clip})`}>
                {p.layers.map((l, i) => {
                  switch (l.kind) {
                    case "band":
                      return <path key={i} d={bandPath(l.xs, l.lo, l.hi, layout.x, box.y)} fill={l.colour} fillOpacity={l.opacity ?? 0.18} />;
                    case "line":
                      return <path key={i} d={linePath(l.points, layout.x, box.y)} fill="none" stroke={l.colour} strokeWidth={l.width ?? 1.5} strokeDasharray={l.dash} strokeLinejoin="round" />;
                    case "marks":
                      return <XyMarks key={i} layer={l} x={layout.x} y={box.y} />;
                    case "texts":
                      return (
                        <g key={i} fontSize="10.5" fill={l.colour} className="halo">
                          {l.items.map((t, j) => (
                            <text key={j} x={layout.x(t.x) + (t.dx ?? 0)} y={box.y(t.y) + (t.dy ?? 0)} textAnchor={t.anchor ?? "start"}>
                              {t.text}
                            </text>
                          ))}
                        </g>
                      );
                    default:
                      return null;
                  }
                })}
              </g>
              <g fontSize="10.5" className="mark-labels halo">
                {placed.map((pl, j) =>
                  pl ? (
                    <text key={j} x={pl.x} y={pl.y} textAnchor={pl.anchor} fill={requests[j]!.colour}>
                      {requests[j]!.text}
                    </text>
                  ) : null,
                )}
              </g>
            </g>
          );
        })}
        <XAxis axis={chart.x} x={layout.x} top={last.top + last.height} left={layout.left} width={layout.width} />
        {hover >= 0 && <circle cx={hoverPx[hover]!.x} cy={hoverPx[hover]!.y} r={8} fill="none" stroke="#111827" strokeWidth={1} />}
      </svg>
      {tip && (
        <div className="tooltip" style={{ left: Math.min(hoverPx[hover]!.x + 12, Math.max(0, width - 360)), top: hoverPx[hover]!.y + 12 }} data-testid="xy-tooltip">
          {tip.lines.map((line, i) => (
            <div key={i}>{i === 0 ? <b>{line}</b> : line}</div>
          ))}
        </div>
      )}
    </div>
  );
}
