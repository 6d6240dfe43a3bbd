// A snapshot's per-replica seconds as matrix columns, so the heatmap and per-replica lines
// of a page opened late are filled from history (the frames cover only the last minute).

import type { ReplicaHistoryColumn } from "@driftscope/protocol";
import { CELL_CRASHED, CELL_UNREACHABLE } from "../viz/heatmap.js";

/** Missing-updates and staleness columns (matrix rows) of one recorded second; NaN where unknown. */
export function replicaHistoryColumns(col: ReplicaHistoryColumn, orderRows: ArrayLike<number>, rowCapacity: number): [Float32Array, Float32Array] {
  const missing = new Float32Array(rowCapacity).fill(Number.NaN);
  const staleness = new Float32Array(rowCapacity).fill(Number.NaN);
  const n = Math.min(orderRows.length, col.status.length);
  for (let i = 0; i < n; i++) {
    const row = orderRows[i]!;
    const m = col.missingUpdates[i];
    if (row < 0 || m === null || m === undefined) continue;
    const st = col.status[i];
    if (st === 0) {
      missing[row] = m;
      staleness[row] = col.stalenessMs[i] ?? Number.NaN;
    } else {
      const mark = st === 2 ? CELL_CRASHED : CELL_UNREACHABLE;
      missing[row] = mark;
      staleness[row] = mark;
    }
  }
  return [missing, staleness];
}
