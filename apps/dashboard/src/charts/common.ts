// Pieces every chart shares: colours, the elapsed-time axis, value axes, the config
// caption and the timeline markers.

import type { ClusterModel } from "../store/clusterModel.js";
import type { AxisSpec } from "../viz/chartSvg.js";
import { formatDurationMs } from "../viz/format.js";
import type { MarkerEvent } from "../viz/markers.js";
import { elapsedTicks, formatElapsed } from "../viz/scales.js";
import { faultsInForce, liveIds, sectionCoverage } from "../viz/sections.js";
import { eventsInWords } from "../viz/markerWords.js";
import { configSpan, configSpanCaption } from "./configSpan.js";
import { rangeIn } from "./valueAxis.js";

/** Whether the network section's faults are in force at some live replica (unknown for a recording: shown as recorded). */
export function networkInForce(model: ClusterModel): boolean {
  if (!model.sectionsKnown) return true;
  return faultsInForce(sectionCoverage(liveIds(model.order, model.latest?.columns.status), model.replicaInfo).network);
}

/** The partitions in force: the config's, unless no live replica applies the network section. */
export function partitionsInForce(model: ClusterModel): string[][] {
  return networkInForce(model) ? (model.config?.network.partitions ?? []) : [];
}

/** Colours chosen to stay distinct for colour-blind readers and in greyscale print. */
export const COLOURS = {
  samples: "#3b82f6",
  p50: "#111827",
  p95: "#d97706",
  p99: "#dc2626",
  expected: "#059669",
  lowerBound: "#7c3aed",
  mean: "#2563eb",
  max: "#dc2626",
  inFlight: "#0f766e",
  updates: "#2563eb",
  messages: "#059669",
  bytes: "#d97706",
  config: "#7c3aed",
  fault: "#dc2626",
  tuner: "#be185d",
} as const;

/** Colours of selected replicas' lines, in selection order. */
export const SELECTION_COLOURS = ["#9333ea", "#0891b2", "#ca8a04", "#db2777", "#16a34a", "#ea580c"] as const;

/** Colours of overlaid runs. */
export const RUN_COLOURS = ["#2563eb", "#dc2626", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#4b5563"] as const;

/** The x axis: collector time, labelled as time since the run started. */
export function elapsedAxis(domain: [number, number], startMs: number, widthPx: number): AxisSpec {
  const start = Number.isFinite(startMs) ? startMs : domain[0];
  const count = Math.max(2, Math.floor(widthPx / 90));
  const rel = elapsedTicks(domain[0] - start, domain[1] - start, count);
  const step = rel.length > 1 ? rel[1]! - rel[0]! : 1000;
  return {
    label: step < 1000 ? "Time since run start (m:ss.s)" : "Time since run start (m:ss)",
    domain,
    ticks: rel.map((t) => t + start),
    format: (t) => formatElapsed(t - start, step),
  };
}

export { valueAxis, type ValueKind } from "./valueAxis.js";

/** Largest finite value among parts within [t0, t1] (0 if none). */
export function maxIn(parts: Parameters<typeof rangeIn>[0], t0: number, t1: number): number {
  return rangeIn(parts, t0, t1).max;
}

const MAX_LABEL = 48;
const wordsCache = new WeakMap<ClusterModel, { key: string; markers: MarkerEvent[] }>();

/**
 * Timeline events as chart markers in plain words ("interval 1000 → 51 ms", "crash r3",
 * "heal"), the collector's summary as the tooltip. Cached per model until its events change
 * (every time chart asks on every redraw).
 */
export function markersOf(model: ClusterModel): MarkerEvent[] {
  const ev = model.events;
  const key = `${ev.length}:${ev[0]?.timeMs}:${ev[ev.length - 1]?.timeMs}:${model.order.length}:${model.startMs}`;
  const cached = wordsCache.get(model);
  if (cached?.key === key) return cached.markers;
  const shown = ev.filter((e) => e.kind === "config" || e.kind === "fault");
  const words = eventsInWords(shown, model.order.length || undefined);
  const start = model.startMs;
  const crashedByConfig = new Map<string, number>();
  const markers: MarkerEvent[] = [];
  shown.forEach((e, i) => {
    // A crash the config made comes back as a status change a moment later: one marker says it.
    const status = /^replica (\S+) crashed$/.exec(e.summary);
    if (e.version === undefined && status && e.timeMs - (crashedByConfig.get(status[1]!) ?? -Infinity) < 10_000) return;
    if (e.version !== undefined) for (const id of e.patch?.network?.crashed ?? []) crashedByConfig.set(id, e.timeMs);
    const { label, title } = words[i]!;
    markers.push({
      timeMs: e.timeMs,
      kind: e.kind,
      label: label.length > MAX_LABEL ? `${label.slice(0, MAX_LABEL - 1)}…` : label,
      title,
      ...(Number.isFinite(start) ? { when: formatElapsed(e.timeMs - start) } : {}),
    });
  });
  wordsCache.set(model, { key, markers });
  return markers;
}

/** The configs of the view, as caption lines for an exported figure: every version it spans, then the one in force at its end in full. */
export function configCaption(model: ClusterModel, domain: [number, number], at: Date): string[] {
  const span = configSpan(model, domain);
  const c = span.atEnd;
  const n = model.latestKpis?.total ?? model.order.length;
  const lines: string[] = [];
  const spans = configSpanCaption(span, model.startMs);
  if (spans) lines.push(spans);
  if (c) {
    const net = c.network;
    const faults = net.partitions.length > 0 || net.cuts.length > 0 || net.crashed.length > 0 || net.lossRate > 0 || net.latencyMs > 0;
    const notInForce = faults && !networkInForce(model) ? " Not in force: no live replica applies the network section." : "";
    lines.push(
      `Config v${c.version}${spans ? " (in force at the end of the view)" : ""}: N = ${n} replicas, gossip interval ${formatDurationMs(c.gossip.intervalMs)}, fanout ${c.gossip.fanout}, ${c.gossip.mode}, ${c.gossip.payload} payload, ` +
        `${c.workload.updatesPerSecPerReplica} updates/s per replica (${c.workload.crdtType}).`,
      `Network: latency ${formatDurationMs(net.latencyMs)} ± ${formatDurationMs(net.jitterMs)}, loss ${Math.round(net.lossRate * 1000) / 10} %` +
        `${net.partitions.length ? `, partitioned into ${net.partitions.length} groups` : ""}${net.cuts.length ? `, ${net.cuts.length} one-way cuts` : ""}` +
        `${net.crashed.length ? `, ${net.crashed.length} crashed` : ""}.${notInForce}`,
    );
  } else lines.push(`N = ${n} replicas (config unknown).`);
  const start = Number.isFinite(model.startMs) ? model.startMs : domain[0];
  const run = model.run ? `Run ${model.run.id}${model.run.name && model.run.name !== model.run.id ? ` (${model.run.name})` : ""}` : "Live cluster";
  const traced = model.sampling && model.sampling.traceEveryK > 1 ? ` Convergence traced for every ${model.sampling.traceEveryK}th update per origin.` : "";
  lines.push(
    `${run}, shown ${formatElapsed(domain[0] - start)}–${formatElapsed(domain[1] - start)} after its start (${new Date(start).toISOString().replace("T", " ").slice(0, 19)} UTC). ` +
      `Exported ${at.toISOString().replace("T", " ").slice(0, 16)} UTC by Driftscope.${traced}`,
  );
  return lines;
}
