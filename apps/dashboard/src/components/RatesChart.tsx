import { legendOf } from "../charts/plot.js";
import { ratesChart } from "../charts/timeSeries.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useChartScale } from "../hooks/useChartScale.js";
import { useExport } from "../hooks/useExport.js";
import { useView } from "../hooks/useView.js";
import { useZoom } from "../hooks/useZoom.js";
import { formatBytes } from "../viz/format.js";
import { ChartCard } from "./ChartCard.js";
import { FitNote, LogToggle } from "./ScaleControls.js";
import { TimePlot } from "./TimePlot.js";

export interface RatesChartProps {
  className?: string;
}

/** Cluster-wide updates/s, messages/s and bytes/s over time. */
export function RatesChart({ className }: RatesChartProps) {
  const { ref, width } = useElementSize();
  const { model, domain } = useView(200);
  const zoom = useZoom();
  const [scale, setScale] = useChartScale("rates");
  const onExport = useExport("rates", { log: scale.log });
  const chart = ratesChart(model, domain, Math.max(100, width - 76), 88, scale);
  const perUpdate = model.latestKpis?.bytesPerUpdate;
  return (
    <ChartCard
      id="rates"
      title="Rates"
      subtitle={<>Cluster-wide, per second{perUpdate != null && <> · now {formatBytes(perUpdate)} of sync traffic per update delivered</>}</>}
      legend={legendOf(chart)}
      className={className}
      onExport={onExport}
      actions={<LogToggle chart="rates" scale={scale} onChange={setScale} />}
    >
      <FitNote chart="rates" fits={chart.fits} scale={scale} startMs={model.startMs} onChange={setScale} />
      <div ref={ref}>{width > 0 && <TimePlot chart={chart} width={width} label="Updates, messages and bytes per second over time" {...zoom} />}</div>
    </ChartCard>
  );
}
