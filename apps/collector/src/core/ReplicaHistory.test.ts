import { DEFAULT_CLUSTER_CONFIG, LIMITS, SnapshotSchema } from "@driftscope/protocol";
import { describe, expect, it } from "vitest";
import { helloMsg, replicaReport, reportMsg } from "../../test/harness.js";
import { CollectorCore } from "../CollectorCore.js";
import { CollectorMetrics } from "../prometheus.js";
import { ReplicaHistory } from "./ReplicaHistory.js";

const cols = (missing: number[], staleness: number[], status: number[] = missing.map(() => 0)) => ({ missingUpdates: missing, stalenessMs: staleness, status });

describe("ReplicaHistory", () => {
  it("CL-SN2: keeps each second's largest figures per replica, by id across membership changes (null where not a member)", () => {
    const h = new ReplicaHistory();
    h.add(1_000, 1, () => ["a", "b"], cols([1, 0], [10, 0]));
    h.add(1_500, 1, () => ["x"], cols([4, 0], [50, 0])); // same membership: ids not read again
    h.add(1_900, 1, () => ["x"], cols([2, 0], [20, 0], [0, 2])); // b crashed at the end of the second
    h.add(2_000, 2, () => ["c", "a"], cols([7, 3], [70, 30]));
    h.add(3_000, 2, () => ["c", "a"], cols([0, 0], [0, 0]));
    // Seconds that end before 3,000 (where the frames would begin), in the order asked for.
    expect(h.columns(["a", "b", "c"], 3_000)).toEqual([
      { timeMs: 1_000, missingUpdates: [4, 0, null], stalenessMs: [50, 0, null], status: [0, 2, 0] },
      { timeMs: 2_000, missingUpdates: [3, null, 7], stalenessMs: [30, null, 70], status: [0, 0, 0] },
    ]);
  });

  it("CL-SN3: holds and sends at most LIMITS.snapshotReplicaHistory seconds and LIMITS.snapshotReplicaHistoryCells cells", () => {
    const small = new ReplicaHistory();
    for (let s = 0; s < LIMITS.snapshotReplicaHistory + 100; s++) small.add(s * 1000, 1, () => ["a", "b"], cols([s, 0], [0, 0]));
    const kept = small.columns(["a", "b"], Infinity);
    expect(kept.length).toBe(LIMITS.snapshotReplicaHistory);
    expect(kept.at(-1)!.missingUpdates[0]).toBe(LIMITS.snapshotReplicaHistory + 99); // the newest stay

    const ids = Array.from({ length: 1024 }, (_, i) => `r${i}`);
    const large = new ReplicaHistory();
    const zeros = ids.map(() => 0);
    for (let s = 0; s < 300; s++) large.add(s * 1000, 1, () => ids, cols(zeros, zeros));
    const sent = large.columns(ids, Infinity);
    expect(sent.length).toBe(Math.floor(LIMITS.snapshotReplicaHistoryCells / 1024)); // 64 s of 1,024 replicas
    expect(JSON.stringify(sent).length).toBeLessThan(600 * 1024);
  });

  it("CL-SN2: a late joiner's snapshot carries per-replica seconds before its frames, valid against the schema", () => {
    const c = new CollectorCore({ config: DEFAULT_CLUSTER_CONFIG, reportIntervalMs: 100, recorder: null, metrics: new CollectorMetrics(), pushConfig: () => {} });
    c.hello(helloMsg("a", ["r1", "r2"]), "http", null, 0);
    // r1 issues an update every 100 ms; r2 sees none of them: its missing count climbs.
    for (let i = 1; i <= 1200; i++) {
      const t = i * 100;
      c.report(reportMsg("a", i, [replicaReport("r1", i, [["r1", i]], { full: i === 1 }), replicaReport("r2", 0, [], { full: i === 1 })]), "http", t);
      c.tick(t);
    }
    const snapshot = c.snapshot(120_000);
    expect(SnapshotSchema.safeParse(snapshot).success).toBe(true);
    const firstFrame = snapshot.frames[0]!.timeMs;
    const history = snapshot.replicaHistory!;
    expect(history.length).toBeGreaterThanOrEqual(59); // the minute before the frames' minute
    expect(history.at(-1)!.timeMs + 1000).toBeLessThanOrEqual(firstFrame);
    const r2 = snapshot.replicas.findIndex((r) => r.id === "r2");
    const r1 = snapshot.replicas.findIndex((r) => r.id === "r1");
    const at30s = history.find((col) => col.timeMs === 30_000)!;
    expect(at30s.missingUpdates[r1]).toBe(0);
    expect(at30s.missingUpdates[r2]).toBeGreaterThanOrEqual(300);
  });
});
