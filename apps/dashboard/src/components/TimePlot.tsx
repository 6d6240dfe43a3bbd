import { useState } from "react";
import { SELECTION_COLOURS } from "../charts/common.js";
import { layoutPlot, type PlotChart } from "../charts/plot.js";
import { useCanvas } from "../hooks/useCanvas.js";
import { thinScatter } from "../viz/decimate.js";
import { BrushLayer } from "./BrushLayer.js";
import { HoverReadout } from "./HoverReadout.js";
import { LinePaths } from "./LinePaths.js";
import { MarkerLayer } from "./MarkerLayer.js";
import { XAxis } from "./XAxis.js";
import { YAxis } from "./YAxis.js";

export interface TimePlotProps {
  chart: PlotChart;
  width: number;
  /** Matrix rows of selected replicas, in selection order (their samples are highlighted). */
  selectedRows?: readonly number[];
  onBrush(range: [number, number]): void;
  onResetZoom(): void;
  label: string;
}

/** Stacked panels over one time axis: canvas scatter, SVG lines, axes, markers, brush, hover. */
export function TimePlot({ chart, width, selectedRows = [], onBrush, onResetZoom, label }: TimePlotProps) {
  const layout = layoutPlot(chart, width);
  const [hover, setHover] = useState<{ t: number; py: number } | null>(null);
  const canvasRef = useCanvas(width, layout.height, (ctx) => {
    chart.panels.forEach((p, k) => {
      const box = layout.panels[k]!;
      for (const s of p.scatters) drawScatter(s, box);
    });
    function drawScatter(s: PlotChart["panels"][number]["scatters"][number], box: (typeof layout.panels)[number]) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(layout.left, box.top, layout.width, box.height);
      ctx.clip();
      const kept = thinScatter(s.points.xs, s.points.ys, s.points.length, layout.x, box.y, 1);
      ctx.fillStyle = s.colour;
      ctx.globalAlpha = kept.length > 3000 ? 0.35 : 0.55;
      const r = kept.length > 3000 ? 1.4 : 2;
      for (const i of kept) ctx.fillRect(layout.x(s.points.xs[i]!) - r, box.y(s.points.ys[i]!) - r, 2 * r, 2 * r);
      if (s.rows && selectedRows.length > 0) {
        ctx.globalAlpha = 1;
        for (let i = 0; i < s.points.length; i++) {
          const sel = selectedRows.indexOf(s.rows[i]!);
          if (sel < 0) continue;
          ctx.fillStyle = SELECTION_COLOURS[sel % SELECTION_COLOURS.length]!;
          ctx.beginPath();
          ctx.arc(layout.x(s.points.xs[i]!), box.y(s.points.ys[i]!), 3.2, 0, Math.PI * 2);
          ctx.fill();
        }
      }
      ctx.restore();
    }
  });
  const last = layout.panels[layout.panels.length - 1]!;
  return (
    <div className="plot" style={{ height: layout.height }} role="img" aria-label={label}>
      <canvas ref={canvasRef} style={{ width, height: layout.height }} />
      <svg width={width} height={layout.height}>
        <defs>
          {layout.panels.map((box, k) => (
            <clipPath key={k} id={`clip-${chart.panels[k]!.id}`}>
              <rect x={layout.left} y={box.top} width={layout.width} height={box.height} />
            </clipPath>
          ))}
        </defs>
        {chart.panels.map((p, k) => {
          const box = layout.panels[k]!;
          return (
            <g key={p.id}>
              <YAxis axis={p.y} y={box.y} left={layout.left} top={box.top} height={box.height} width={layout.width} />
              <LinePaths lines={p.lines} steps={p.steps} x={layout.x} y={box.y} clipId={`clip-${p.id}`} widthPx={layout.width} />
            </g>
          );
        })}
        <XAxis axis={chart.x} x={layout.x} top={last.top + last.height} left={layout.left} width={layout.width} />
        <MarkerLayer markers={chart.markers} layout={layout} domain={chart.x.domain} />
        <BrushLayer layout={layout} onBrush={onBrush} onReset={onResetZoom} onHover={(t, _px, py) => setHover(t === null ? null : { t, py })} />
      </svg>
      {hover && <HoverReadout chart={chart} layout={layout} t={hover.t} py={hover.py} />}
    </div>
  );
}
