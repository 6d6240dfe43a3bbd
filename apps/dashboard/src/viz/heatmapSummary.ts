// The line above the heatmap: what its colours say about now, in words, so a glance at
// 64 rows (or 1,024) does not need the legend to find who is behind.

import type { Frame } from "@driftscope/protocol";
import { formatCount, formatDurationMs } from "./format.js";
import { valueDomain } from "./scales.js";

/** "Now: 3 of 16 live replicas behind · worst r7: 40 missing, 1.2 s stale · 1 crashed"; a replay names its time instead ("At 0:20: …"). */
export function heatmapSummary(frame: Pick<Frame, "columns"> | null, ids: readonly string[], when = "Now"): string {
  if (!frame || ids.length === 0) return "No replicas yet.";
  const { missingUpdates, stalenessMs, status } = frame.columns;
  let live = 0;
  let behind = 0;
  let crashed = 0;
  let unreachable = 0;
  let worst = -1;
  for (let i = 0; i < ids.length; i++) {
    const st = status[i] ?? 0;
    if (st === 2) crashed++;
    else if (st === 1) unreachable++;
    else {
      live++;
      const m = missingUpdates[i] ?? 0;
      if (m > 0) behind++;
      if (m > 0 && (worst < 0 || m > missingUpdates[worst]!)) worst = i;
    }
  }
  const parts = [behind === 0 ? `${when}: all ${live} live replicas caught up` : `${when}: ${behind} of ${live} live replicas behind`];
  if (worst >= 0) parts.push(`worst ${ids[worst]}: ${formatCount(missingUpdates[worst]!)} missing, ${formatDurationMs(stalenessMs[worst]!)} stale`);
  if (crashed > 0) parts.push(`${crashed} crashed`);
  if (unreachable > 0) parts.push(`${unreachable} unreachable`);
  return parts.join(" · ");
}

/**
 * The colour scale's top: a nice value above the largest cell in view (it follows the
 * visible window both ways), or the locked value when the person locked it.
 */
export function heatmapScaleMax(visibleMax: number, locked: number | null): number {
  if (locked !== null && locked > 0) return locked;
  return visibleMax > 0 ? valueDomain(0, visibleMax)[1] : 1;
}
