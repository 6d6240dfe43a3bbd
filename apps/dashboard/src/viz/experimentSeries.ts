// An experiment's points as the trade-off charts read them: one series per config apart
// from the interval (the update rate first: it is the workload, not a choice), the points of
// a series in interval order, repetitions of one config summarised by their median, and short
// labels that name only what the experiment varied.

import type { PointResult } from "@driftscope/protocol";
import { formatDurationMs } from "./format.js";

/** The settings a point ran, as the charts name them. */
export type PointSetting = keyof PointResult["config"];

const SETTING_ORDER: readonly PointSetting[] = ["updatesPerSecPerReplica", "intervalMs", "fanout", "mode", "payload", "lossRate", "latencyMs"];

/** The settings whose values differ between the points (in a fixed order). */
export function varyingSettings(points: readonly PointResult[]): PointSetting[] {
  return SETTING_ORDER.filter((k) => new Set(points.map((p) => p.config[k])).size > 1);
}

/** One setting's value in a label: "100 ms", "f4", "10 upd/s", "loss 5 %". */
export function settingText(key: PointSetting, config: PointResult["config"]): string {
  switch (key) {
    case "intervalMs":
      return formatDurationMs(config.intervalMs);
    case "updatesPerSecPerReplica":
      return `${config.updatesPerSecPerReplica} upd/s`;
    case "fanout":
      return `f${config.fanout}`;
    case "mode":
      return config.mode;
    case "payload":
      return config.payload;
    case "lossRate":
      return `loss ${Math.round(config.lossRate * 1000) / 10} %`;
    case "latencyMs":
      return `latency ${formatDurationMs(config.latencyMs)}`;
  }
}

/** A point's config in a few words: the interval, then what else the experiment varied ("100 ms · f4"). */
export function pointLabel(p: PointResult, varying: readonly PointSetting[]): string {
  const keys: PointSetting[] = ["intervalMs", ...varying.filter((k) => k !== "intervalMs" && k !== "updatesPerSecPerReplica")];
  return keys.map((k) => settingText(k, p.config)).join(" · ");
}

/** Every setting of a point, for tooltips and captions. */
export function fullConfigText(p: PointResult): string {
  const c = p.config;
  return `interval ${formatDurationMs(c.intervalMs)}, fanout ${c.fanout}, ${c.mode}, ${c.payload} payload, ${c.updatesPerSecPerReplica} updates/s per replica, loss ${Math.round(c.lossRate * 1000) / 10} %, latency ${formatDurationMs(c.latencyMs)}, ${p.replicas} replicas`;
}

/** The figures of one interval of a series (the median over repetitions). */
export interface SeriesStep {
  intervalMs: number;
  points: PointResult[];
  p50Ms: number | null;
  p95Ms: number | null;
  /** Some repetition's p50 / p95 is only a lower bound. */
  p50AtLeast: boolean;
  p95AtLeast: boolean;
  bytesPerSecPerReplica: number;
  messagesPerSecPerReplica: number;
  syncExpectedMs: number | null;
  /** The asynchronous model's mean ("expected"), when the collector gives it. */
  asyncExpectedMs: number | null;
}

/** Points that share every setting but the interval. */
export interface ResultSeries {
  key: string;
  /** What sets it apart: the update rate, then what else varied ("10 upd/s · f4"). */
  label: string;
  updatesPerSecPerReplica: number;
  steps: SeriesStep[];
}

/** The median of the finite values, or null. */
export function median(values: readonly (number | null)[]): number | null {
  const v = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 === 1 ? v[mid]! : (v[mid - 1]! + v[mid]!) / 2;
}

const mean = (values: readonly number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);

/** Groups points into series (by update rate, then the other varied settings), each in interval order. */
export function resultSeries(points: readonly PointResult[]): ResultSeries[] {
  const varying = varyingSettings(points).filter((k) => k !== "intervalMs");
  const groups = new Map<string, PointResult[]>();
  for (const p of points) {
    const key = JSON.stringify(varying.map((k) => p.config[k]));
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const labelKeys: PointSetting[] = ["updatesPerSecPerReplica", ...varying.filter((k) => k !== "updatesPerSecPerReplica")];
  return [...groups.entries()]
    .map(([key, ps]) => {
      const byInterval = new Map<number, PointResult[]>();
      for (const p of ps) byInterval.set(p.config.intervalMs, [...(byInterval.get(p.config.intervalMs) ?? []), p]);
      const steps = [...byInterval.entries()]
        .sort((a, b) => a[0] - b[0])
        .map(([intervalMs, reps]) => ({
          intervalMs,
          points: reps,
          p50Ms: median(reps.map((r) => r.convergence.p50Ms)),
          p95Ms: median(reps.map((r) => r.convergence.p95Ms)),
          p50AtLeast: reps.some((r) => r.convergence.atLeast.p50),
          p95AtLeast: reps.some((r) => r.convergence.atLeast.p95),
          bytesPerSecPerReplica: mean(reps.map((r) => r.bytesPerSecPerReplica)),
          messagesPerSecPerReplica: mean(reps.map((r) => r.messagesPerSecPerReplica)),
          syncExpectedMs: median(reps.map((r) => r.theory.syncExpectedMs)),
          asyncExpectedMs: median(reps.map((r) => r.theory.asyncExpectedMs ?? null)),
        }));
      const first = ps[0]!;
      return { key, label: labelKeys.map((k) => settingText(k, first.config)).join(" · "), updatesPerSecPerReplica: first.config.updatesPerSecPerReplica, steps };
    })
    .sort((a, b) => a.updatesPerSecPerReplica - b.updatesPerSecPerReplica || a.key.localeCompare(b.key));
}

/** The update rates the points ran, ascending. */
export function updateRates(points: readonly PointResult[]): number[] {
  return [...new Set(points.map((p) => p.config.updatesPerSecPerReplica))].sort((a, b) => a - b);
}
