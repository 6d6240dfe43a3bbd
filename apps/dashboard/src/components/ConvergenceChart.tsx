import { convergenceChart } from "../charts/convergence.js";
import { legendOf } from "../charts/plot.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useChartScale } from "../hooks/useChartScale.js";
import { useExport } from "../hooks/useExport.js";
import { useView } from "../hooks/useView.js";
import { useZoom } from "../hooks/useZoom.js";
import { useDashboard } from "../store/store.js";
import { useShallow } from "zustand/react/shallow";
import { formatCount, formatDurationMs } from "../viz/format.js";
import { theoryCaption } from "../viz/theory.js";
import { theoryAt } from "../store/replayView.js";
import { TimePlot } from "./TimePlot.js";
import { ChartCard } from "./ChartCard.js";
import { FitNote, LogToggle } from "./ScaleControls.js";

export interface ConvergenceChartProps {
  className?: string;
}

/** Per-update convergence scatter with rolling percentiles and the theory's reference lines. */
export function ConvergenceChart({ className }: ConvergenceChartProps) {
  const { ref, width } = useElementSize();
  const { model, domain } = useView(100);
  const selected = useDashboard(useShallow((s) => s.selected));
  const [scale, setScale] = useChartScale("convergence");
  const log = scale.log;
  const zoom = useZoom();
  const onExport = useExport("convergence", { log });
  const chart = convergenceChart(model, domain, Math.max(100, width - 76), 300, scale);
  // The theory in force at the view's right edge: now live, the scrubber's time in a replay.
  const theory = theoryAt(model.theory, domain[1]);
  const sampling = model.sampling;
  const subtitle = (
    <>
      {formatCount(chart.visibleSamples)} updates in view
      {sampling && sampling.traceEveryK > 1 && <> · traced every {sampling.traceEveryK}th update per origin</>}
      {Number.isFinite(chart.thinnedBeforeMs) && chart.thinnedBeforeMs > domain[0] && <> · older samples thinned</>}
      {theory && <> · theory: {theoryCaption(theory, formatDurationMs)}</>}
    </>
  );
  return (
    <ChartCard
      id="convergence"
      title="Convergence time per update"
      subtitle={subtitle}
      legend={legendOf(chart)}
      className={className}
      onExport={onExport}
      actions={<LogToggle chart="convergence" scale={scale} onChange={setScale} />}
    >
      <FitNote chart="convergence" fits={chart.fits} scale={scale} startMs={model.startMs} onChange={setScale} />
      <div ref={ref}>
        {width > 0 && (
          <TimePlot
            chart={chart}
            width={width}
            selectedRows={selected.map((id) => model.rowOf(id))}
            label="Convergence time of each update against its issue time, with rolling percentiles and theoretical reference lines"
            {...zoom}
          />
        )}
      </div>
    </ChartCard>
  );
}
