import { describe, expect, it } from "vitest";
import * as f from "../test/fixtures.js";
import { LIMITS, parseMessage, SnapshotSchema, type ReplicaHistoryColumn } from "./index.js";

const second = (timeMs: number, n: number): ReplicaHistoryColumn => ({
  timeMs,
  missingUpdates: Array.from({ length: n }, (_, i) => (i === n - 1 ? null : i)),
  stalenessMs: Array.from({ length: n }, (_, i) => (i === n - 1 ? null : 100 * i)),
  status: Array.from({ length: n }, () => 0),
});

function issuesOf(result: { ok: boolean; error?: { issues?: Array<{ path: string; reason: string }> } }) {
  expect(result.ok).toBe(false);
  return result.error?.issues ?? [];
}

describe("snapshot replica history", () => {
  it("is optional, and a second per column with null for replicas that were not members is accepted", () => {
    expect(parseMessage(SnapshotSchema, f.snapshot()).ok).toBe(true);
    expect(parseMessage(SnapshotSchema, { ...f.snapshot(), replicaHistory: [second(1000, 3), second(2000, 3)] }).ok).toBe(true);
  });

  it("names a column that is not one entry per replica", () => {
    const bad = { ...second(1000, 3), status: [0, 0] };
    expect(issuesOf(parseMessage(SnapshotSchema, { ...f.snapshot(), replicaHistory: [second(0, 3), bad] }))).toEqual([
      { path: "replicaHistory[1].status", reason: "not one entry per replica (3)" },
    ]);
  });

  it("is bounded in columns and in replica × second cells, so a snapshot cannot grow with the run", () => {
    const tooLong = Array.from({ length: LIMITS.snapshotReplicaHistory + 1 }, (_, i) => second(i * 1000, 3));
    expect(parseMessage(SnapshotSchema, { ...f.snapshot(), replicaHistory: tooLong }).ok).toBe(false);
    // 3 replicas in the fixture: enough columns of them to pass the cell budget only with more replicas.
    const replicas = Math.ceil(LIMITS.snapshotReplicaHistoryCells / 100) + 1;
    const s = f.snapshot();
    const many = { ...s, replicas: Array.from({ length: replicas }, (_, i) => ({ ...s.replicas[0]!, id: `r-${i}` })), frames: [] };
    const history = Array.from({ length: 100 }, (_, i) => second(i * 1000, replicas));
    expect(issuesOf(parseMessage(SnapshotSchema, { ...many, replicaHistory: history }))).toEqual([
      { path: "replicaHistory", reason: `more than ${LIMITS.snapshotReplicaHistoryCells} replica × second cells` },
    ]);
    expect(parseMessage(SnapshotSchema, { ...many, replicaHistory: history.slice(0, 99) }).ok).toBe(true);
  });
});
