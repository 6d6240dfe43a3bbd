// Which configs an exported view spans: every config version that came into force inside it,
// in words, for the caption; and whether the file name can state one interval and fanout or
// must say "multiple configs".

import type { ClusterConfig } from "@driftscope/protocol";
import type { ClusterModel } from "../store/clusterModel.js";
import { configAt } from "../store/replayView.js";
import { eventsInWords, gossipBefore } from "../viz/markerWords.js";
import { formatElapsed } from "../viz/scales.js";

/** The configs of a view. */
export interface ConfigSpan {
  /** Config versions that came into force inside the view, in time order, in words. */
  changes: { timeMs: number; version: number; words: string }[];
  /** The config in force at the view's right edge (null when unknown). */
  atEnd: ClusterConfig | null;
  /** Interval and fanout for the file name: one value each over the whole view, else null (`multiple`). */
  intervalMs: number | null;
  fanout: number | null;
  /** Interval or fanout changed inside the view. */
  multiple: boolean;
}

/** The configs the view [t0, t1] spans. */
export function configSpan(model: ClusterModel, domain: [number, number]): ConfigSpan {
  const [t0, t1] = domain;
  const versioned = model.events.filter((e) => e.version !== undefined && (e.kind === "config" || e.kind === "fault"));
  const words = eventsInWords(versioned, model.order.length || undefined);
  const changes: ConfigSpan["changes"] = [];
  let multiple = false;
  versioned.forEach((e, i) => {
    if (e.timeMs <= t0 || e.timeMs > t1) return;
    changes.push({ timeMs: e.timeMs, version: e.version!, words: words[i]!.label });
    if (gossipBefore(e).changed) multiple = true;
  });
  // A recording knows each version's config; live, the current one is walked back over later changes.
  const recorded = model.configHistory.length > 0;
  const atEnd = recorded ? configAt(model, t1).config : model.config;
  let intervalMs = atEnd?.gossip.intervalMs ?? null;
  let fanout = atEnd?.gossip.fanout ?? null;
  if (!recorded) {
    for (let i = versioned.length - 1; i >= 0 && versioned[i]!.timeMs > t1; i--) {
      const before = gossipBefore(versioned[i]!);
      if (before.intervalMs !== undefined) intervalMs = before.intervalMs;
      if (before.fanout !== undefined) fanout = before.fanout;
    }
  }
  return { changes, atEnd, intervalMs: multiple ? null : intervalMs, fanout: multiple ? null : fanout, multiple };
}

/** "Spans 3 configs (v2–v4): v2 until 0:35; v3 at 0:35: interval 1000 → 51 ms; v4 at 1:10: heal." — null when one config held throughout. */
export function configSpanCaption(span: ConfigSpan, startMs: number): string | null {
  if (span.changes.length === 0) return null;
  const first = span.changes[0]!;
  const firstVersion = first.version - 1;
  const at = (t: number) => (Number.isFinite(startMs) ? formatElapsed(t - startMs) : new Date(t).toISOString().slice(11, 19));
  const steps = span.changes.map((c) => `v${c.version} at ${at(c.timeMs)}: ${c.words}`);
  const last = span.changes[span.changes.length - 1]!.version;
  return `Spans ${span.changes.length + 1} configs (v${firstVersion}–v${last}): v${firstVersion} until ${at(first.timeMs)}; ${steps.join("; ")}.`;
}
