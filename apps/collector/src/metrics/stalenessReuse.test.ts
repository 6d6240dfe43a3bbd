// Staleness is recomputed for a replica only where something changed since the previous
// frame (its own vector, or an origin that reported); this holds it to the definition —
// the age of the oldest update the replica is missing — at every frame of a random run in
// which replicas report at different times and frames come between reports.
import { describe, expect, it } from "vitest";
import { MetricsEngine } from "./MetricsEngine.js";
import { entry } from "./testEntries.js";

const STEP = 100;

function seeded(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296;
  };
}

describe("staleness reused between frames", () => {
  it.each([1, 7, 42])("CL-ST2 equals the age of the oldest missing update at every frame (seed %i)", (seed) => {
    const rand = seeded(seed);
    const ids = Array.from({ length: 12 }, (_, i) => `r${i}`);
    const engine = new MetricsEngine({ defaultReportIntervalMs: STEP });
    engine.registerAgent("a1", STEP, 0);
    for (const id of ids) engine.addReplica(id, "a1", "gcounter", 0);
    const vv = ids.map(() => new Map<string, number>());
    const reported = ids.map(() => new Map<string, number>());
    const newIssued = ids.map((): Array<[number, number]> => []);
    const seq = ids.map(() => 0);
    const frontier = new Map<string, number>();
    const issuedAt = new Map<string, number>();
    let checkedMissing = 0;

    const truth = (nowMs: number) =>
      ids.map((_, i) => {
        let oldest = Infinity;
        for (const [origin, f] of frontier) {
          const have = reported[i]!.get(origin) ?? 0;
          if (have < f) oldest = Math.min(oldest, issuedAt.get(`${origin}:${have + 1}`)!);
        }
        return oldest === Infinity ? 0 : nowMs - oldest;
      });

    for (let k = 1; k <= 150; k++) {
      const t0 = (k - 1) * STEP;
      // Dots issued and merged inside the step.
      for (let i = 0; i < ids.length; i++) {
        if (k > 120 || rand() > 0.25) continue;
        const t = t0 + 1 + rand() * (STEP - 2);
        const s = ++seq[i]!;
        vv[i]!.set(ids[i]!, s);
        issuedAt.set(`${ids[i]}:${s}`, t);
        newIssued[i]!.push([s, t]);
      }
      for (let m = 0; m < 5; m++) {
        const i = Math.floor(rand() * ids.length);
        const j = Math.floor(rand() * ids.length);
        for (const [origin, s] of vv[j]!) if (s > (vv[i]!.get(origin) ?? 0)) vv[i]!.set(origin, s);
      }
      // Only some replicas report this step (sparse: what changed since their last report).
      const at = k * STEP;
      const entries = [];
      for (let i = 0; i < ids.length; i++) {
        if (rand() > 0.35 && k < 140) continue;
        const changes: Array<[string, number]> = [];
        for (const [origin, s] of vv[i]!) {
          if (reported[i]!.get(origin) !== s) changes.push([origin, s]);
          reported[i]!.set(origin, s);
        }
        if (seq[i]! > 0) frontier.set(ids[i]!, seq[i]!);
        entries.push(entry({ replica: ids[i]!, full: false, vv: changes, hash: `h${i}-${changes.length}-${k}`, bytes: 1, summary: "", seq: seq[i]!, issued: newIssued[i]! }));
        newIssued[i] = [];
      }
      if (entries.length > 0) engine.ingestReport("a1", at, entries, at);
      // A frame at the report, and two more before the next step with nothing reported.
      for (const dt of [0, 30, 70]) {
        const f = engine.frame(at + dt);
        const expected = truth(at + dt);
        expect(f.stalenessMs, `step ${k} +${dt} ms`).toEqual(expected);
        checkedMissing += expected.filter((x) => x > 0).length;
      }
    }
    // The run had replicas behind most of the time, and ended converged.
    expect(checkedMissing).toBeGreaterThan(1000);
    expect(engine.frame(150 * STEP + 90).stalenessMs.every((x) => x === 0)).toBe(true);
  });

  it.each([3, 11])("CL-ST2 equals a computation from scratch when issue times arrive late and old ones fall out of a small window (seed %i)", (seed) => {
    const rand = seeded(seed);
    const ids = Array.from({ length: 8 }, (_, i) => `r${i}`);
    const make = () => {
      const e = new MetricsEngine({ defaultReportIntervalMs: STEP, issueWindow: 16 });
      e.registerAgent("a1", STEP, 0);
      for (const id of ids) e.addReplica(id, "a1", "gcounter", 0);
      return e;
    };
    const engine = make();
    const log: Array<{ at: number; entries: ReturnType<typeof entry>[] }> = [];
    const vv = ids.map(() => new Map<string, number>());
    const reported = ids.map(() => new Map<string, number>());
    const withheld = ids.map((): Array<[number, number]> => []);
    const seq = ids.map(() => 0);
    for (let k = 1; k <= 60; k++) {
      const t0 = (k - 1) * STEP;
      for (let i = 0; i < ids.length; i++) {
        if (k > 45 || rand() > 0.5) continue;
        const s = ++seq[i]!;
        vv[i]!.set(ids[i]!, s);
        withheld[i]!.push([s, t0 + 1 + rand() * (STEP - 2)]);
      }
      for (let m = 0; m < 4; m++) {
        const i = Math.floor(rand() * ids.length);
        const j = Math.floor(rand() * ids.length);
        for (const [origin, s] of vv[j]!) if (s > (vv[i]!.get(origin) ?? 0)) vv[i]!.set(origin, s);
      }
      const at = k * STEP;
      const entries = [];
      for (let i = 0; i < ids.length; i++) {
        if (rand() > 0.4 && k < 55) continue;
        const changes: Array<[string, number]> = [];
        for (const [origin, s] of vv[i]!) {
          if (reported[i]!.get(origin) !== s) changes.push([origin, s]);
          reported[i]!.set(origin, s);
        }
        // Some exact issue times come a report late: the interpolated ones are then overwritten.
        const late = rand() < 0.5 ? withheld[i]!.splice(0, Math.ceil(withheld[i]!.length / 2)) : withheld[i]!.splice(0);
        entries.push(entry({ replica: ids[i]!, full: false, vv: changes, hash: `h${i}-${k}`, bytes: 1, summary: "", seq: seq[i]!, issued: late }));
      }
      log.push({ at, entries });
      engine.ingestReport("a1", at, entries, at);
      for (const dt of [0, 50]) {
        const got = engine.frame(at + dt).stalenessMs;
        const fresh = make();
        for (const l of log) fresh.ingestReport("a1", l.at, l.entries, l.at);
        expect(got, `step ${k} +${dt} ms`).toEqual(fresh.frame(at + dt).stalenessMs);
      }
    }
  });

  it("CL-ST2 follows an issue time corrected later for a replica whose vector did not change", () => {
    const engine = new MetricsEngine({ defaultReportIntervalMs: STEP });
    engine.registerAgent("a1", STEP, 0);
    engine.addReplica("a", "a1", "gcounter", 0);
    engine.addReplica("b", "a1", "gcounter", 0);
    const report = (replica: string, seq: number, vv: Array<[string, number]>, issued: Array<[number, number]>) =>
      entry({ replica, full: false, vv, hash: `h-${replica}-${vv.length}`, bytes: 1, summary: "", seq, issued });
    engine.ingestReport("a1", 100, [report("a", 2, [["a", 2]], []), report("b", 0, [], [])], 100);
    const before = engine.frame(100).stalenessMs[1]!;
    // a's exact time for seq 1 arrives with its next report; b has not reported since.
    engine.ingestReport("a1", 200, [report("a", 2, [], [[1, 150]])], 200);
    expect(engine.frame(200).stalenessMs[1]).toBe(50);
    expect(before).toBe(0); // seq 1 estimated at the report that announced it
  });

  it("CL-ST2 a replica whose entries fall back (restarted empty) is as old as its oldest missing update, also when another origin was its oldest before", () => {
    const engine = new MetricsEngine({ defaultReportIntervalMs: STEP });
    engine.registerAgent("a1", STEP, 0);
    for (const id of ["a", "b", "c", "d"]) engine.addReplica(id, "a1", "gcounter", 0);
    const report = (replica: string, seq: number, vv: Array<[string, number]>, issued: Array<[number, number]> = []) =>
      entry({ replica, full: false, vv, hash: `h-${replica}-${vv.length}`, bytes: 1, summary: "", seq, issued });
    engine.ingestReport(
      "a1",
      100,
      [report("a", 2, [["a", 2]], [[1, 50], [2, 60]]), report("b", 3, [["b", 3]], [[1, 70], [2, 80], [3, 90]]), report("d", 1, [["d", 1]], [[1, 95]]), report("c", 0, [["a", 2], ["b", 3]])],
      100,
    );
    // c misses only d:1 (issued at 95); the others miss older ones.
    expect(engine.frame(100).stalenessMs).toEqual([30, 50, 5, 50]);
    // c restarts without its state: a's and b's updates are missing there again; d:1 is still.
    engine.addReplica("c", "a1", "gcounter", 150, 1);
    expect(engine.frame(200).stalenessMs[2]).toBe(150); // a:1, issued at 50
  });

  it("CL-ST2 a replica 1, 15, 63, 64, 65 or 120 updates behind an origin is as old as the first update it misses", () => {
    const engine = new MetricsEngine({ defaultReportIntervalMs: STEP });
    engine.registerAgent("a1", STEP, 0);
    const behind = [1, 15, 63, 64, 65, 120];
    const ids = ["o", ...behind.map((d) => `b${d}`)];
    for (const id of ids) engine.addReplica(id, "a1", "gcounter", 0);
    // o issued 150 updates, update s at 10·s ms; each b<d> holds all but its last d.
    const issued = Array.from({ length: 150 }, (_, i) => [i + 1, 10 * (i + 1)] as [number, number]);
    const report = (replica: string, seq: number, vv: Array<[string, number]>, times: Array<[number, number]> = []) =>
      entry({ replica, full: false, vv, hash: `h-${replica}`, bytes: 1, summary: "", seq, issued: times });
    engine.ingestReport("a1", 1600, [report("o", 150, [["o", 150]], issued), ...behind.map((d) => report(`b${d}`, 0, [["o", 150 - d]]))], 1600);
    const ages = engine.frame(1600).stalenessMs;
    expect(ages[0]).toBe(0);
    expect(ages.slice(1)).toEqual(behind.map((d) => 1600 - 10 * (150 - d + 1)));
    // Caught up, then o moves on (updates 151–170 at 1601–1620): staleness follows, from the table and beyond it.
    const later = Array.from({ length: 20 }, (_, i) => [151 + i, 1601 + i] as [number, number]);
    engine.ingestReport("a1", 1700, [report("o", 170, [["o", 170]], later), ...behind.map((d) => report(`b${d}`, 0, [["o", 150]]))], 1700);
    expect(engine.frame(1700).stalenessMs.slice(1)).toEqual(behind.map(() => 1700 - 1601));
    // o silent, a new origin joins (the table grows), the b's move: o's terms come from the rows written a frame earlier.
    engine.addReplica("late", "a1", "gcounter", 1750);
    const moved = [1, 15, 19, 20, 20, 20];
    engine.ingestReport("a1", 1800, [report("late", 0, []), ...behind.map((d, i) => report(`b${d}`, 0, [["o", 170 - moved[i]!]]))], 1800);
    expect(engine.frame(1800).stalenessMs.slice(1, 1 + behind.length)).toEqual(moved.map((m) => 1800 - (1601 + 170 - m - 150)));
  });
});
