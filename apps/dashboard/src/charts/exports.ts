// What each chart's export buttons produce: an SVG (title, axes, legend, config caption),
// a CSV of the data behind it, and the whole run as JSON — with file names that say what
// is inside. Pure: the download itself (and PNG rasterising) happens in the browser layer.

import { KPI_SERIES, type ClusterModel } from "../store/clusterModel.js";
import { buildChartSvg, type ColourBar } from "../viz/chartSvg.js";
import { toCsv, type CsvCell } from "../viz/csv.js";
import { lowerBound, upperBound } from "../viz/decimate.js";
import { exportFileName } from "../viz/fileName.js";
import { formatCount, formatDurationMs } from "../viz/format.js";
import { CELL_CRASHED, CELL_UNREACHABLE, colourLut, paintGrid } from "../viz/heatmap.js";
import { valueDomain } from "../viz/scales.js";
import { configCaption, elapsedAxis, markersOf } from "./common.js";
import { configSpan } from "./configSpan.js";
import { convergenceChart } from "./convergence.js";
import { heatmapView, type HeatmapMetric } from "./heatmapView.js";
import { toSvgSpec, type PlotChart } from "./plot.js";
import { divergenceChart, ratesChart } from "./timeSeries.js";

/** Charts that export. */
export type ChartKind = "convergence" | "divergence" | "rates" | "heatmap" | "topology" | "replicas";

/** A file ready to download. */
export interface ExportFile {
  name: string;
  mime: string;
  text: string;
}

/** What an export needs besides the model. */
export interface ExportContext {
  domain: [number, number];
  selected: readonly string[];
  at: Date;
  heatmapMetric?: HeatmapMetric;
  /** Log y-axes, as on screen (exports otherwise fit everything in view, never a regime alone). */
  log?: boolean;
}

const EXPORT_WIDTH = 880;
const PLOT_WIDTH = EXPORT_WIDTH - 96;

/** The file name: the run, and the interval and fanout of the view — or "multiple-configs" when they changed inside it. */
function fileName(model: ClusterModel, chart: string, at: Date, ext: string, domain?: [number, number]): string {
  const span = domain ? configSpan(model, domain) : null;
  return exportFileName({
    chart,
    runId: model.run?.id ?? null,
    intervalMs: span ? span.intervalMs : (model.config?.gossip.intervalMs ?? null),
    fanout: span ? span.fanout : (model.config?.gossip.fanout ?? null),
    multipleConfigs: span?.multiple ?? false,
    at,
    ext,
  });
}

const TITLES: Record<ChartKind, string> = {
  convergence: "Convergence time per update",
  divergence: "Missing updates and staleness",
  rates: "Update, message and byte rates",
  heatmap: "Divergence heatmap",
  topology: "Topology",
  replicas: "Replicas",
};

function plotFor(kind: "convergence" | "divergence" | "rates", model: ClusterModel, ctx: ExportContext): PlotChart {
  switch (kind) {
    case "convergence":
      return convergenceChart(model, ctx.domain, PLOT_WIDTH, 340, { log: ctx.log, fitAll: true });
    case "divergence":
      return divergenceChart(model, ctx.domain, PLOT_WIDTH, 200, ctx.selected, { log: ctx.log, fitAll: true });
    case "rates":
      return ratesChart(model, ctx.domain, PLOT_WIDTH, 140, { log: ctx.log, fitAll: true });
  }
}

/** The chart as a standalone SVG document. */
export function exportSvg(kind: ChartKind, model: ClusterModel, ctx: ExportContext): ExportFile {
  const caption = configCaption(model, ctx.domain, ctx.at);
  let svg: string;
  if (kind === "heatmap") svg = heatmapSvg(model, ctx, caption);
  else if (kind === "topology" || kind === "replicas") throw new Error(`${kind} exports as PNG/CSV from the page`);
  else {
    const chart = plotFor(kind, model, ctx);
    const subtitle =
      kind === "convergence"
        ? `${formatCount((chart as ReturnType<typeof convergenceChart>).visibleSamples)} traced updates; lines: rolling percentiles over ${formatDurationMs((chart as ReturnType<typeof convergenceChart>).windowMs)} of issue time`
        : kind === "divergence"
          ? "Over live replicas (DESIGN §3 definitions); selected replicas by id"
          : "Cluster-wide, per second";
    svg = buildChartSvg({ ...toSvgSpec(chart, { title: TITLES[kind], subtitle, caption }), width: EXPORT_WIDTH });
  }
  const chartName = kind === "heatmap" ? `heatmap-${ctx.heatmapMetric ?? "missing"}` : kind;
  return { name: fileName(model, chartName, ctx.at, "svg", ctx.domain), mime: "image/svg+xml", text: svg };
}

function heatmapSvg(model: ClusterModel, ctx: ExportContext, caption: string[]): string {
  const metric = ctx.heatmapMetric ?? "missing";
  const view = heatmapView(model, metric, ctx.domain, 400, 256);
  const max = valueDomain(0, Math.max(1, view.grid.max))[1];
  const lut = colourLut(metric);
  const rgba = paintGrid(view.grid, lut, max, "sqrt");
  const nRows = view.ids.length;
  const tickRows = nRows <= 16 ? view.ids.map((_, i) => i) : Array.from({ length: 9 }, (_, k) => Math.round((k * (nRows - 1)) / 8));
  const stops = [0, 0.25, 0.5, 0.75, 1].map((p) => {
    const i = Math.round(p * (lut.length / 4 - 1)) * 4;
    return `rgb(${lut[i]},${lut[i + 1]},${lut[i + 2]})`;
  });
  const unit = metric === "missing" ? "missing updates" : "staleness";
  const colourBar: ColourBar = {
    label: metric === "missing" ? "Missing updates (√ scale)" : "Staleness (√ scale)",
    stops,
    min: "0",
    max: metric === "missing" ? formatCount(max) : formatDurationMs(max),
  };
  return buildChartSvg({
    title: `${TITLES.heatmap}: ${unit}`,
    subtitle: `${nRows} replicas × time; grey = crashed or unreachable${view.grid.rowsPerCell > 1 ? `; each row is the max of ${view.grid.rowsPerCell.toFixed(1)} replicas` : ""}`,
    caption,
    width: EXPORT_WIDTH,
    x: elapsedAxis(ctx.domain, model.startMs, PLOT_WIDTH),
    panels: [
      {
        y: {
          label: "Replica",
          domain: [0, nRows],
          ticks: tickRows.map((r) => r + 0.5),
          format: (v) => view.ids[Math.floor(v)] ?? "",
          flip: true,
        },
        layers: [{ kind: "cells", rgba, cols: view.grid.width, rows: view.grid.height }],
        height: Math.min(420, Math.max(160, nRows * 6)),
      },
    ],
    legend: [],
    colourBar,
    markers: markersOf(model).map((m) => ({ timeMs: m.timeMs, label: m.label, kind: m.kind, when: m.when })),
  });
}

function within(xs: ArrayLike<number>, length: number, domain: [number, number]): [number, number] {
  return [lowerBound(xs, length, domain[0]), upperBound(xs, length, domain[1])];
}

/** The data behind a chart as CSV (time columns in ms since the epoch and seconds since the run start). */
export function exportCsv(kind: ChartKind, model: ClusterModel, ctx: ExportContext): ExportFile {
  const start = Number.isFinite(model.startMs) ? model.startMs : ctx.domain[0];
  const since = (t: number) => Math.round(t - start) / 1000;
  let header: string[];
  let rows: CsvCell[][] = [];
  let chart: string = kind;
  switch (kind) {
    case "convergence": {
      const s = model.samples;
      const [a, b] = within(s.issuedAt, s.length, ctx.domain);
      header = ["issued_at_ms", "issued_since_start_s", "origin", "seq", "convergence_ms"];
      for (let i = a; i < b; i++) rows.push([s.issuedAt[i]!, since(s.issuedAt[i]!), model.rows.ids[s.origin[i]!] ?? "", s.seq[i]!, s.convergenceMs[i]!]);
      break;
    }
    case "divergence":
    case "rates": {
      header = ["time_ms", "since_start_s", "bucket_ms", ...KPI_SERIES];
      for (const part of model.kpis.parts(ctx.domain[0])) {
        const [a, b] = within(part.xs, part.length, ctx.domain);
        for (let i = a; i < b; i++) rows.push([part.xs[i]!, since(part.xs[i]!), part.bucketMs, ...KPI_SERIES.map((k) => part.ys[k]![i]!)]);
      }
      break;
    }
    case "heatmap": {
      const metric = ctx.heatmapMetric ?? "missing";
      chart = `heatmap-${metric}`;
      const view = heatmapView(model, metric, ctx.domain, 1, 1);
      header = ["time_ms", "since_start_s", ...view.ids];
      for (let i = 0; i < view.src.count; i++) {
        const t = view.src.time(i);
        if (t < ctx.domain[0] || t > ctx.domain[1]) continue;
        const values = view.src.values(i);
        rows.push([t, since(t), ...Array.from(view.rows, (r) => cellText(values[r]))]);
      }
      break;
    }
    case "topology":
    case "replicas": {
      chart = "replicas";
      header = ["replica", "agent", "node", "status", "missing_updates", "staleness_ms", "updates_per_sec", "messages_per_sec", "bytes_per_sec", "config_version", "state_group", "partition_group", "incarnation", "dot_reuse"];
      rows = replicaRows(model);
      break;
    }
  }
  return { name: fileName(model, chart, ctx.at, "csv", ctx.domain), mime: "text/csv", text: toCsv(header, rows) };
}

function cellText(v: number | undefined): CsvCell {
  if (v === undefined || Number.isNaN(v)) return null;
  if (v === CELL_CRASHED) return "crashed";
  if (v === CELL_UNREACHABLE) return "unreachable";
  return v;
}

const STATUS = ["live", "unreachable", "crashed"];

/** One row per current replica with its latest figures. */
export function replicaRows(model: ClusterModel): CsvCell[][] {
  const f = model.latest;
  const partitions = model.config?.network.partitions ?? [];
  const groupOf = new Map<string, number>();
  partitions.forEach((g, k) => g.forEach((id) => groupOf.set(id, k)));
  return model.order.map((id, i) => {
    const info = model.replicaInfo.get(id);
    const c = f?.columns;
    return [
      id,
      info?.agentId ?? "",
      info?.node ?? "",
      STATUS[c?.status[i] ?? 0] ?? "",
      c?.missingUpdates[i],
      c?.stalenessMs[i],
      c?.updatesPerSec[i],
      c?.messagesPerSec[i],
      c?.bytesPerSec[i],
      c?.configVersion[i],
      c?.stateGroup[i],
      partitions.length ? (groupOf.get(id) ?? partitions.length) : null,
      info?.incarnation ?? 0,
      info?.dotReuse ? `${info.dotReuse.fromSeq}-${info.dotReuse.toSeq} held by ${info.dotReuse.holders}` : null,
    ];
  });
}

/** Everything the dashboard holds about the run, as one JSON document. */
export function exportRunJson(model: ClusterModel, at: Date): ExportFile {
  const kpis: Record<string, number[]>[] = model.kpis.parts(-Infinity).map((p) => ({
    timeMs: Array.from(p.xs),
    bucketMs: [p.bucketMs],
    ...Object.fromEntries(KPI_SERIES.map((k) => [k, Array.from(p.ys[k]!, (v) => (Number.isFinite(v) ? v : null) as number)])),
  }));
  const s = model.samples;
  const doc = {
    format: "driftscope-dashboard-export",
    version: 1,
    exportedAt: at.toISOString(),
    note: "Held by the dashboard: KPI series (raw frames for the last 15 min, 1 s+ buckets before), convergence samples (older ones thinned when over 200k), timeline events. The collector's recording (GET /api/v1/runs/:id/export) is the complete record.",
    run: model.run,
    startMs: model.startMs,
    config: model.config,
    replicas: model.order.map((id) => model.replicaInfo.get(id) ?? { id }),
    latestFrame: model.latest,
    kpis,
    samples: {
      columns: ["origin", "seq", "issuedAtMs", "convergenceMs"],
      thinnedBeforeMs: Number.isFinite(s.thinnedBeforeMs) ? s.thinnedBeforeMs : null,
      rows: Array.from({ length: s.length }, (_, i) => [model.rows.ids[s.origin[i]!] ?? null, s.seq[i], s.issuedAt[i], s.convergenceMs[i]]),
    },
    theory: model.theory,
    events: model.events,
  };
  return { name: fileName(model, "run", at, "json"), mime: "application/json", text: JSON.stringify(doc) };
}
