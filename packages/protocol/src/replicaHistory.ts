// Per-replica divergence a second at a time, carried by a snapshot so that a page opened
// (or reloaded) late fills its heatmap and per-replica lines from history, not from empty.
import { z } from "zod";
import { LIMITS } from "./limits.js";
import { CountSchema, DurationMsSchema, TimeMsSchema } from "./scalars.js";

const column = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.replicasPerCluster);

/**
 * One second of per-replica divergence before a snapshot's frames: the largest value of
 * that second's frames, in the order of the snapshot's `replicas`; null where the replica
 * was not a member then. `status` as in frames (0 live, 1 unreachable, 2 crashed).
 *
 * @example
 * { timeMs: 1700000000000, missingUpdates: [0, 3, null], stalenessMs: [0, 420, null], status: [0, 0, 0] }
 */
export const ReplicaHistoryColumnSchema = z.strictObject({
  timeMs: TimeMsSchema,
  missingUpdates: column(CountSchema.nullable()),
  stalenessMs: column(DurationMsSchema.nullable()),
  status: column(z.int().min(0).max(2)),
});
/** One second of per-replica divergence. */
export type ReplicaHistoryColumn = z.infer<typeof ReplicaHistoryColumnSchema>;

/**
 * A snapshot's per-replica history, oldest first: at most `LIMITS.snapshotReplicaHistory`
 * columns and `LIMITS.snapshotReplicaHistoryCells` cells (checked with the replica count).
 */
export const ReplicaHistorySchema = z.array(ReplicaHistoryColumnSchema).max(LIMITS.snapshotReplicaHistory);

/** Issues of a replica history against the snapshot's replica count (empty: fine). */
export function replicaHistoryIssues(history: readonly ReplicaHistoryColumn[], replicas: number): { path: (string | number)[]; message: string }[] {
  const issues: { path: (string | number)[]; message: string }[] = [];
  if (history.length * replicas > LIMITS.snapshotReplicaHistoryCells) {
    issues.push({ path: ["replicaHistory"], message: `more than ${LIMITS.snapshotReplicaHistoryCells} replica × second cells` });
  }
  history.forEach((col, i) => {
    for (const name of ["missingUpdates", "stalenessMs", "status"] as const) {
      if (col[name].length !== replicas) issues.push({ path: ["replicaHistory", i, name], message: `not one entry per replica (${replicas})` });
    }
  });
  return issues;
}
