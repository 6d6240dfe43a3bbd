import { useMemo, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import {
  convergenceVsCost,
  convergenceVsCostCsv,
  convergenceVsInterval,
  convergenceVsIntervalCsv,
  costVsInterval,
  costVsIntervalCsv,
  experimentCaption,
  xyToSvgSpec,
  type CostMetric,
  type XyChart,
} from "../charts/experiments.js";
import { downloadFile, downloadPng } from "../export/download.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { recommendedPoints, shownExperiments } from "../store/experimentsSlice.js";
import { useDashboard } from "../store/store.js";
import { buildChartSvg } from "../viz/chartSvg.js";
import { exportFileName } from "../viz/fileName.js";
import { ChartCard } from "./ChartCard.js";
import type { ExportFormat } from "./ExportButtons.js";
import { XyPlot } from "./XyPlot.js";

/** The three trade-off charts of an experiment. */
export type ExperimentChartKind = "convergence-interval" | "cost-interval" | "convergence-cost";

export interface ExperimentChartProps {
  kind: ExperimentChartKind;
  className?: string;
}

const TITLES: Record<ExperimentChartKind, string> = {
  "convergence-interval": "Convergence vs sync interval",
  "cost-interval": "Sync cost vs interval",
  "convergence-cost": "Convergence vs cost",
};

const BAND_NOTE =
  "Line: p50 per point; band: p50 to p95 (the collector gives p50, p95 and p99 per point, not p5). Expected: the asynchronous model's mean (independent timer phases, latency, loss); E·T: expected time of synchronous rounds (DESIGN §3), a bound-like reference. Dotted: convergence = update period — above it the replicas are under-synchronised, below it over-synchronised.";

function subtitle(kind: ExperimentChartKind, metric: CostMetric): string {
  switch (kind) {
    case "convergence-interval":
      return "p50 line with a p50–p95 band (no p5 from the collector) per update rate · expected (asynchronous model) and E·T of synchronous rounds · dotted: convergence = update period";
    case "cost-interval":
      return "Bytes/s and messages/s sent per replica, per update rate";
    case "convergence-cost":
      return `${metric} convergence against bytes/s per replica · each point labelled with its config · dashed: Pareto front per update rate · ring: recommended`;
  }
}

/** One trade-off chart of the experiments on show, exportable as SVG, PNG and CSV. */
export function ExperimentChart({ kind, className }: ExperimentChartProps) {
  const { ref, width } = useElementSize();
  const { shownIds, loaded, references, recommendations } = useDashboard(useShallow((s) => ({ shownIds: s.shownIds, loaded: s.loaded, references: s.references, recommendations: s.recommendations })));
  const [metric, setMetric] = useState<CostMetric>("p95");
  const exps = useMemo(() => shownExperiments({ shownIds, loaded }), [shownIds, loaded]);
  const recommended = useMemo(() => recommendedPoints(recommendations, shownIds[0]), [recommendations, shownIds]);
  const build = (heightPx: number): XyChart =>
    kind === "convergence-interval" ? convergenceVsInterval(exps, references, heightPx) : kind === "cost-interval" ? costVsInterval(exps, references, heightPx / 2) : convergenceVsCost(exps, recommended, metric, heightPx);
  const chart = build(kind === "cost-interval" ? 300 : 280);
  const points = exps.reduce((n, e) => n + e.results.length, 0);
  const onExport = (format: ExportFormat) => {
    const at = new Date();
    const name = (ext: string) => exportFileName({ chart: `experiment-${kind.replace("-", "-vs-")}`, tags: exps.map((e) => e.id), at, ext });
    if (format === "csv") {
      const text = kind === "convergence-interval" ? convergenceVsIntervalCsv(exps, references) : kind === "cost-interval" ? costVsIntervalCsv(exps, references) : convergenceVsCostCsv(exps, recommended, metric);
      downloadFile({ name: name("csv"), mime: "text/csv", text });
      return;
    }
    const notes = kind === "convergence-interval" ? [BAND_NOTE] : kind === "convergence-cost" ? [`y: ${metric} convergence time; dashed: Pareto front per update rate (no other point is both cheaper and faster); ring: the recommended point.`] : ["Sync cost per replica: bytes and messages sent per second."];
    const svg = buildChartSvg(xyToSvgSpec(build(340), { title: TITLES[kind], subtitle: subtitle(kind, metric), caption: experimentCaption(exps, notes, at), width: 880 }));
    const file = { name: name("svg"), mime: "image/svg+xml", text: svg };
    if (format === "svg") downloadFile(file);
    else void downloadPng(file).catch((e: unknown) => console.error("PNG export failed", e));
  };
  if (exps.length === 0) return null;
  return (
    <ChartCard
      id={`exp-${kind}`}
      title={TITLES[kind]}
      subtitle={subtitle(kind, metric)}
      legend={chart.legend}
      className={className}
      onExport={points > 0 ? onExport : undefined}
      actions={
        kind === "convergence-cost" ? (
          <div className="seg" role="radiogroup" aria-label="Convergence figure">
            {(["p50", "p95"] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={metric === m} onClick={() => setMetric(m)} data-testid={`exp-cost-metric-${m}`}>
                {m}
              </button>
            ))}
          </div>
        ) : undefined
      }
    >
      <div ref={ref}>{width > 0 && points > 0 ? <XyPlot chart={chart} width={width} id={`exp-${kind}`} label={`${TITLES[kind]}: ${points} points`} /> : <div className="empty">No measured point yet.</div>}</div>
    </ChartCard>
  );
}
