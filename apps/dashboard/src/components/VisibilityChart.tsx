import { visibilityCaption, visibilityChart, visibilityCsv, visibilityReadout, VISIBILITY_QUESTION } from "../charts/visibility.js";
import { xyToSvgSpec } from "../charts/experiments.js";
import { downloadFile, downloadPng } from "../export/download.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { buildChartSvg } from "../viz/chartSvg.js";
import { exportFileName } from "../viz/fileName.js";
import { formatDurationMs } from "../viz/format.js";
import { ChartCard } from "./ChartCard.js";
import type { ExportFormat } from "./ExportButtons.js";
import { XyPlot } from "./XyPlot.js";

export interface VisibilityChartProps {
  className?: string;
}

const TITLE = "Visibility after a write";
const HOW =
  "Measured from the traced inclusion times: for each update issued in the window, the share of live replicas holding it at each age, averaged over the updates at least that old (younger ones do not count there). Dashed: the asynchronous model's curve for the config in force. t50 / t90 / t99: the age at which 50 / 90 / 99 % of live replicas hold an update.";

/** The live visibility curve (t-visibility): % of live replicas holding an update by its age, with the model beside it. */
export function VisibilityChart({ className }: VisibilityChartProps) {
  const { ref, width } = useElementSize();
  const v = useDashboard((s) => (s.view === "live" ? s.live.visibility : null));
  const replay = useDashboard((s) => s.view === "replay");
  const chart = v && v.points.length > 0 ? visibilityChart(v) : null;
  const onExport = (format: ExportFormat) => {
    if (!v) return;
    const at = new Date();
    const { config, latestKpis } = dashboardStore.getState().live;
    const name = (ext: string) => exportFileName({ chart: "visibility", intervalMs: config?.gossip.intervalMs, fanout: config?.gossip.fanout, at, ext });
    if (format === "csv") {
      downloadFile({ name: name("csv"), mime: "text/csv", text: visibilityCsv(v) });
      return;
    }
    const svg = buildChartSvg(xyToSvgSpec(visibilityChart(v, 300), { title: TITLE, subtitle: VISIBILITY_QUESTION, caption: visibilityCaption(v, config, latestKpis?.live ?? null, at), width: 880 }));
    const file = { name: name("svg"), mime: "image/svg+xml", text: svg };
    if (format === "svg") downloadFile(file);
    else void downloadPng(file).catch((e: unknown) => console.error("PNG export failed", e));
  };
  return (
    <ChartCard
      id="visibility"
      title={TITLE}
      subtitle={
        <span title={HOW}>
          {VISIBILITY_QUESTION}{" "}
          {v && (
            <>
              Mean over <span data-testid="visibility-updates">{v.updates}</span> traced updates of the last {formatDurationMs(v.windowMs)}.
            </>
          )}
        </span>
      }
      legend={chart?.legend}
      className={className}
      onExport={chart ? onExport : undefined}
    >
      {v && (
        <div className="sub" data-testid="visibility-readout" title={HOW}>
          <span data-testid="visibility-t50" data-ms={v.t50Ms ?? ""} />
          <span data-testid="visibility-t90" data-ms={v.t90Ms ?? ""} />
          <span data-testid="visibility-t99" data-ms={v.t99Ms ?? ""} />
          {visibilityReadout(v)}
        </div>
      )}
      <div ref={ref}>
        {chart ? (
          width > 0 && <XyPlot chart={chart} width={width} id="visibility" label={`Visibility after a write: ${visibilityReadout(v!)}`} />
        ) : (
          <div className="empty" data-testid="visibility-empty">
            {replay
              ? "Live only: recordings do not keep the visibility curve."
              : v
                ? `No traced update old enough yet (an update counts once it is ${formatDurationMs(v.lagMs)} old).`
                : "Waiting for the collector's first visibility curve (about once a second)."}
          </div>
        )}
      </div>
    </ChartCard>
  );
}
