import { useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { elapsedAxis, markersOf, SELECTION_COLOURS } from "../charts/common.js";
import { heatmapView, type HeatmapMetric, type HeatmapOrder } from "../charts/heatmapView.js";
import { PLOT_MARGIN, type PlotLayout } from "../charts/plot.js";
import { useCanvas } from "../hooks/useCanvas.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useExport } from "../hooks/useExport.js";
import { useReplicaCursor } from "../hooks/useReplicaCursor.js";
import { useView } from "../hooks/useView.js";
import { useZoom } from "../hooks/useZoom.js";
import { columnsAt, replayAtMs, shownTimeLabel } from "../store/replayView.js";
import { useDashboard } from "../store/store.js";
import { CELL_CRASHED, CELL_UNREACHABLE, colourLut, heatmapLookup, paintGrid } from "../viz/heatmap.js";
import { heatmapScaleMax, heatmapSummary } from "../viz/heatmapSummary.js";
import { linearMap } from "../viz/scales.js";
import { BrushLayer } from "./BrushLayer.js";
import { ChartCard } from "./ChartCard.js";
import { ColourBarLegend } from "./ColourBarLegend.js";
import { HeatmapTooltip } from "./HeatmapTooltip.js";
import { MarkerLayer } from "./MarkerLayer.js";
import { XAxis } from "./XAxis.js";

export interface HeatmapChartProps {
  className?: string;
}

const LUTS = { missing: colourLut("missing"), staleness: colourLut("staleness") };
/** Up to this many rows every replica is labelled (12 px a row); beyond, every k-th. */
const LABEL_ALL_ROWS = 64;

/** Plot height for `n` rows: at least 12 px a row up to 64 rows (220 px at least, level with the topology), then 8 px a row up to 440 px. */
export function heatmapPlotHeight(n: number): number {
  return n <= LABEL_ALL_ROWS ? Math.max(220, n * 12) : Math.min(440, Math.max(160, n * 8));
}

/** Replicas × time, coloured by missing updates or staleness; canvas, so 1,024 rows stay smooth. */
export function HeatmapChart({ className }: HeatmapChartProps) {
  const { ref, width } = useElementSize();
  const { model, domain } = useView(200);
  const { selected, selectReplica } = useDashboard(useShallow((s) => ({ selected: s.selected, selectReplica: s.selectReplica })));
  const [metric, setMetric] = useState<HeatmapMetric>("missing");
  const [order, setOrder] = useState<HeatmapOrder>("id");
  const [hover, setHover] = useState<{ px: number; py: number } | null>(null);
  // The colour scale follows the visible window unless the person locks it (then this holds its top).
  const [locked, setLocked] = useState<number | null>(null);
  // Reused between draws: an offscreen canvas at grid resolution and its pixel buffer.
  const offscreen = useRef<{ canvas: HTMLCanvasElement; pixels: Uint8ClampedArray } | null>(null);
  const zoom = useZoom();
  const onExport = useExport("heatmap", { heatmapMetric: metric });
  // A replay's summary and cursor read the recorded frame at the scrubber, not the recording's end.
  const at = useDashboard(replayAtMs);
  const shown = columnsAt(model, at);
  const n = model.order.length;
  const plotHeight = heatmapPlotHeight(n);
  const plotWidth = Math.max(10, width - PLOT_MARGIN.left - PLOT_MARGIN.right);
  const top = 22;
  const layout: PlotLayout = {
    left: PLOT_MARGIN.left,
    width: plotWidth,
    height: top + plotHeight + PLOT_MARGIN.bottom,
    x: linearMap(domain, [PLOT_MARGIN.left, PLOT_MARGIN.left + plotWidth]),
    panels: [{ top, height: plotHeight, y: linearMap([0, Math.max(1, n)], [top, top + plotHeight]) }],
  };
  const view = heatmapView(model, metric, domain, plotWidth, plotHeight, order);
  const max = heatmapScaleMax(view.grid.max, locked);
  const cursor = useReplicaCursor(view.ids, selectReplica);
  const canvasRef = useCanvas(width, layout.height, (ctx) => {
    const { grid } = view;
    offscreen.current ??= { canvas: document.createElement("canvas"), pixels: new Uint8ClampedArray(0) };
    const off = offscreen.current;
    off.pixels = paintGrid(grid, LUTS[metric], max, "sqrt", off.pixels);
    if (off.canvas.width !== grid.width) off.canvas.width = grid.width;
    if (off.canvas.height !== grid.height) off.canvas.height = grid.height;
    off.canvas.getContext("2d")?.putImageData(new ImageData(off.pixels as Uint8ClampedArray<ArrayBuffer>, grid.width, grid.height), 0, 0);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(off.canvas, layout.left, top, plotWidth, plotHeight);
    // Per-replica history begins with the first frame this page (or the snapshot) had.
    const first = view.src.count > 0 ? view.src.time(0) : domain[1];
    const gapPx = layout.x(first) - layout.left;
    if (gapPx > 150) {
      ctx.fillStyle = "#f3f4f6";
      ctx.fillRect(layout.left, top, gapPx, plotHeight);
      ctx.fillStyle = "#6b7280";
      ctx.font = "12px sans-serif";
      ctx.textAlign = "center";
      ctx.fillText("no per-replica history", layout.left + gapPx / 2, top + plotHeight / 2 - 8);
      ctx.fillText("kept this far back", layout.left + gapPx / 2, top + plotHeight / 2 + 8);
    }
    // Selected replicas: a coloured tick at the left edge and an outline across the row.
    selected.forEach((id, k) => {
      const r = view.ids.indexOf(id);
      if (r < 0) return;
      const y0 = top + (r / view.ids.length) * plotHeight;
      const h = Math.max(2, plotHeight / view.ids.length);
      ctx.strokeStyle = SELECTION_COLOURS[k % SELECTION_COLOURS.length]!;
      ctx.lineWidth = 1.5;
      ctx.strokeRect(layout.left + 0.5, y0, plotWidth - 1, h);
      ctx.fillStyle = ctx.strokeStyle;
      ctx.fillRect(layout.left - 6, y0, 4, h);
    });
    if (cursor.cursorIndex >= 0) {
      // The keyboard's row: a dark dashed outline across it.
      const y0 = top + (cursor.cursorIndex / view.ids.length) * plotHeight;
      ctx.setLineDash([4, 3]);
      ctx.strokeStyle = "#111827";
      ctx.lineWidth = 1.5;
      ctx.strokeRect(layout.left - 8, y0 - 0.5, plotWidth + 8, Math.max(3, plotHeight / view.ids.length) + 1);
      ctx.setLineDash([]);
    }
  });
  const labelEvery = n <= LABEL_ALL_ROWS ? 1 : Math.max(1, Math.ceil(view.ids.length / Math.floor(plotHeight / 13)));
  const hit = hover ? heatmapLookup(view.src, view.rows, domain[0], domain[1], plotWidth, plotHeight, hover.px - layout.left, hover.py - top) : null;
  const axis = elapsedAxis(domain, model.startMs, plotWidth);
  return (
    <ChartCard
      id="heatmap"
      title="Divergence heatmap"
      subtitle={`${n} replicas × time · grey: crashed / unreachable · click a row to select, shift-click to add`}
      className={className}
      onExport={onExport}
      actions={
        <>
          <span className="seg" role="group" aria-label="Heatmap colour">
            {(["missing", "staleness"] as const).map((m) => (
              <button
                key={m}
                type="button"
                aria-pressed={metric === m}
                data-testid={`heatmap-metric-${m}`}
                onClick={() => {
                  setMetric(m);
                  setLocked(null);
                }}
              >
                {m === "missing" ? "Missing updates" : "Staleness"}
              </button>
            ))}
          </span>
          <span className="seg" role="group" aria-label="Row order">
            <button type="button" aria-pressed={order === "id"} onClick={() => setOrder("id")}>By id</button>
            <button type="button" aria-pressed={order === "value"} onClick={() => setOrder("value")} data-testid="heatmap-order-value">Worst first</button>
          </span>
        </>
      }
    >
      <div className="heatmap-summary" data-testid="heatmap-summary">
        {heatmapSummary(shown, model.order, shownTimeLabel(model, at))}
      </div>
      <ColourBarLegend metric={metric} max={max} lut={LUTS[metric]} locked={locked !== null} onLock={(on) => setLocked(on ? max : null)} />
      <div
        ref={ref}
        className="plot"
        style={{ height: layout.height }}
        role="application"
        tabIndex={0}
        data-testid="heatmap-plot"
        aria-label={`Heatmap of ${metric === "missing" ? "missing updates" : "staleness"} per replica over time. Arrow keys move between replicas, Enter selects, Shift+Enter adds to the selection.`}
        onKeyDown={cursor.onKeyDown}
        onBlur={cursor.onBlur}
      >
        <canvas ref={canvasRef} style={{ width, height: layout.height }} data-testid="heatmap-canvas" />
        <svg width={width} height={layout.height}>
          <g className="axis">
            {view.ids.map((id, r) =>
              r % labelEvery === 0 ? (
                <text key={id} x={layout.left - 9} y={top + ((r + 0.5) / view.ids.length) * plotHeight + 3.5} textAnchor="end">
                  {id}
                </text>
              ) : null,
            )}
          </g>
          <rect x={layout.left} y={top} width={plotWidth} height={plotHeight} fill="none" stroke="#d1d5db" />
          <XAxis axis={axis} x={layout.x} top={top + plotHeight} left={layout.left} width={plotWidth} />
          <MarkerLayer markers={markersOf(model)} layout={layout} domain={domain} />
          <BrushLayer
            layout={layout}
            {...zoom}
            onReset={zoom.onResetZoom}
            onHover={(t, px, py) => setHover(t === null ? null : { px, py })}
            onClick={(_px, py, additive) => {
              const r = Math.floor(((py - top) / plotHeight) * view.ids.length);
              const id = view.ids[r];
              if (id) selectReplica(id, additive);
            }}
          />
        </svg>
        {hover && hit && <HeatmapTooltip id={view.ids[hit.row] ?? ""} time={axis.format(hit.timeMs)} value={hit.value} metric={metric} px={hover.px} py={hover.py} width={width} />}
        {!hover && cursor.cursorId !== null && (
          <HeatmapTooltip
            id={cursor.cursorId}
            time="now"
            value={cursorValue(shown, model.indexOf(cursor.cursorId), metric)}
            metric={metric}
            px={layout.left + plotWidth - 4}
            py={top + ((cursor.cursorIndex + 0.5) / view.ids.length) * plotHeight}
            width={width}
          />
        )}
        <span className="sr-only" aria-live="polite" data-testid="heatmap-cursor">
          {cursor.cursorId !== null ? `${cursor.cursorId}${selected.includes(cursor.cursorId) ? ", selected" : ""}` : ""}
        </span>
      </div>
    </ChartCard>
  );
}

/** The value of the replica at frame index `i` in the frame shown (crashed/unreachable as their cell marks). */
function cursorValue(frame: { columns: { missingUpdates: number[]; stalenessMs: number[]; status: number[] } } | null, i: number, metric: HeatmapMetric): number | null {
  if (!frame || i < 0) return null;
  const st = frame.columns.status[i] ?? 0;
  if (st !== 0) return st === 2 ? CELL_CRASHED : CELL_UNREACHABLE;
  return (metric === "missing" ? frame.columns.missingUpdates[i] : frame.columns.stalenessMs[i]) ?? null;
}
