import { useShallow } from "zustand/react/shallow";
import { legendOf } from "../charts/plot.js";
import { divergenceChart } from "../charts/timeSeries.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useChartScale } from "../hooks/useChartScale.js";
import { useExport } from "../hooks/useExport.js";
import { useView } from "../hooks/useView.js";
import { useZoom } from "../hooks/useZoom.js";
import { useDashboard } from "../store/store.js";
import { ChartCard } from "./ChartCard.js";
import { FitNote, LogToggle } from "./ScaleControls.js";
import { TimePlot } from "./TimePlot.js";

export interface DivergenceChartProps {
  className?: string;
}

/** Missing updates and staleness over time: mean, max, and the selected replicas. */
export function DivergenceChart({ className }: DivergenceChartProps) {
  const { ref, width } = useElementSize();
  const { model, domain } = useView(200);
  const selected = useDashboard(useShallow((s) => s.selected));
  const zoom = useZoom();
  const [scale, setScale] = useChartScale("divergence");
  const onExport = useExport("divergence", { log: scale.log });
  const chart = divergenceChart(model, domain, Math.max(100, width - 76), 140, selected, scale);
  return (
    <ChartCard
      id="divergence"
      title="Missing updates and staleness"
      subtitle={selected.length ? "Over live replicas, and the selected replicas" : "Over live replicas — select replicas in the table, heatmap or topology to add their lines"}
      legend={legendOf(chart)}
      className={className}
      onExport={onExport}
      actions={<LogToggle chart="divergence" scale={scale} onChange={setScale} />}
    >
      <FitNote chart="divergence" fits={chart.fits} scale={scale} startMs={model.startMs} onChange={setScale} />
      <div ref={ref}>
        {width > 0 && <TimePlot chart={chart} width={width} label="Missing updates and staleness over time" {...zoom} />}
      </div>
    </ChartCard>
  );
}
