import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { overlayCaption, overlayChart, overlayCsv } from "../charts/overlay.js";
import { legendOf, toSvgSpec } from "../charts/plot.js";
import { downloadFile, downloadPng } from "../export/download.js";
import { useChartScale } from "../hooks/useChartScale.js";
import { useElementSize } from "../hooks/useElementSize.js";
import type { OverlayRun } from "../store/runsSlice.js";
import { useDashboard } from "../store/store.js";
import { buildChartSvg } from "../viz/chartSvg.js";
import { exportFileName } from "../viz/fileName.js";
import { ChartCard } from "./ChartCard.js";
import type { ExportFormat } from "./ExportButtons.js";
import { LogToggle } from "./ScaleControls.js";
import { TimePlot } from "./TimePlot.js";

/** Convergence of several recorded runs on one chart, with a legend by config. */
export function OverlayChart() {
  const { ref, width } = useElementSize();
  const { ids, overlays } = useDashboard(useShallow((s) => ({ ids: s.overlayIds, overlays: s.overlays })));
  const [samples, setSamples] = useState(true);
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [scale, setScale] = useChartScale("overlay");
  const runs = ids.map((id) => overlays[id]).filter((o): o is OverlayRun => typeof o === "object" && o !== null && !("error" in o));
  const loading = ids.filter((id) => overlays[id] === "loading").length;
  const failed = ids.map((id) => ({ id, o: overlays[id] })).filter((x) => typeof x.o === "object" && x.o !== null && "error" in x.o);
  if (ids.length === 0) return null;
  const chart = overlayChart(runs, Math.max(100, width - 76), 320, { showSamples: samples, log: scale.log, zoom });
  const onExport = (format: ExportFormat) => {
    const at = new Date();
    const name = (ext: string) => exportFileName({ chart: "convergence-overlay", tags: [`${runs.length}runs`], at, ext });
    if (format === "csv") return downloadFile({ name: name("csv"), mime: "text/csv", text: overlayCsv(runs) });
    const svg = buildChartSvg(toSvgSpec(chart, { title: "Convergence time: runs compared", caption: overlayCaption(runs, chart.windowMs) }));
    const file = { name: name("svg"), mime: "image/svg+xml", text: svg };
    if (format === "svg") downloadFile(file);
    else void downloadPng(file);
  };
  return (
    <ChartCard
      id="overlay"
      title="Convergence: runs compared"
      subtitle={`${runs.length} run${runs.length === 1 ? "" : "s"}${loading ? ` (${loading} loading…)` : ""} · x: time since each run's start · lines: rolling p50 (solid), p95 (dashed)`}
      legend={legendOf(chart).filter((l) => !l.label.endsWith(": samples") && !l.label.endsWith(": p95"))}
      onExport={onExport}
      actions={
        <>
          <label className="inline note">
            <input type="checkbox" checked={samples} onChange={(e) => setSamples(e.target.checked)} /> samples
          </label>
          <LogToggle chart="overlay" scale={scale} onChange={setScale} />
        </>
      }
    >
      {failed.map((f) => (
        <div key={f.id} className="field-error">
          {f.id}: {(f.o as { error: string }).error}
        </div>
      ))}
      <div ref={ref}>{width > 0 && runs.length > 0 && <TimePlot chart={chart} width={width} label="Convergence time of several runs" onBrush={setZoom} onResetZoom={() => setZoom(null)} />}</div>
    </ChartCard>
  );
}
