// Per-replica divergence a second at a time, for the heatmap and per-replica lines of a
// dashboard that opens late. Each second keeps the largest value of its frames under the
// membership it was recorded with, so a join or departure does not wipe it (frames do get
// dropped then). Bounded twice: LIMITS.snapshotReplicaHistory seconds and
// LIMITS.snapshotReplicaHistoryCells replica × second cells, held and sent.
import { LIMITS, type FrameColumns, type ReplicaHistoryColumn } from "@driftscope/protocol";

interface Second {
  timeMs: number;
  ids: readonly string[];
  missing: Float64Array;
  staleness: Float64Array;
  status: Uint8Array;
}

const STATUS_LIVE = 0;

export class ReplicaHistory {
  private seconds: Second[] = [];
  private cells = 0;
  private ids: readonly string[] = [];
  private membership = -1;

  constructor(
    private readonly maxSeconds = LIMITS.snapshotReplicaHistory,
    private readonly maxCells = LIMITS.snapshotReplicaHistoryCells,
  ) {}

  /** Takes one frame's columns; `ids` names them (read only when `membership` changed). */
  add(timeMs: number, membership: number, ids: () => readonly string[], columns: Pick<FrameColumns, "missingUpdates" | "stalenessMs" | "status">): void {
    if (membership !== this.membership) {
      this.membership = membership;
      this.ids = ids();
    }
    const start = Math.floor(timeMs / 1000) * 1000;
    let cur = this.seconds[this.seconds.length - 1];
    if (!cur || cur.timeMs !== start || cur.ids !== this.ids) {
      const n = this.ids.length;
      cur = { timeMs: start, ids: this.ids, missing: new Float64Array(n), staleness: new Float64Array(n), status: new Uint8Array(n) };
      this.seconds.push(cur);
      this.cells += n;
      this.trim();
    }
    const { missingUpdates, stalenessMs, status } = columns;
    for (let i = 0; i < cur.ids.length; i++) {
      // The second's status is its last frame's; the figures the largest seen while live.
      const st = status[i] ?? STATUS_LIVE;
      cur.status[i] = st;
      if (st !== STATUS_LIVE) continue;
      if (missingUpdates[i]! > cur.missing[i]!) cur.missing[i] = missingUpdates[i]!;
      if (stalenessMs[i]! > cur.staleness[i]!) cur.staleness[i] = stalenessMs[i]!;
    }
  }

  private trim(): void {
    let drop = 0;
    while (this.seconds.length - drop > this.maxSeconds || (this.cells > this.maxCells && this.seconds.length - drop > 1)) {
      this.cells -= this.seconds[drop]!.ids.length;
      drop++;
    }
    if (drop > 0) this.seconds = this.seconds.slice(drop);
  }

  /**
   * Seconds that end before `beforeMs` (where a snapshot's frames begin), in the order of
   * `order`, newest kept when the cell budget for `order.length` replicas is smaller.
   */
  columns(order: readonly string[], beforeMs: number): ReplicaHistoryColumn[] {
    const fit = Math.min(this.maxSeconds, Math.floor(this.maxCells / Math.max(1, order.length)));
    const chosen = this.seconds.filter((s) => s.timeMs + 1000 <= beforeMs).slice(-fit);
    const indexCache = new Map<readonly string[], Int32Array>();
    return chosen.map((s) => {
      let at = indexCache.get(s.ids);
      if (!at) {
        const pos = new Map(s.ids.map((id, i) => [id, i]));
        at = Int32Array.from(order, (id) => pos.get(id) ?? -1);
        indexCache.set(s.ids, at);
      }
      const index = at;
      const pick = <T>(f: (i: number) => T, absent: T) => Array.from(index, (i) => (i < 0 ? absent : f(i)));
      const live = (i: number) => s.status[i] === STATUS_LIVE;
      return {
        timeMs: s.timeMs,
        missingUpdates: pick((i) => (live(i) ? s.missing[i]! : 0), null),
        stalenessMs: pick((i) => (live(i) ? s.staleness[i]! : 0), null),
        status: pick((i) => s.status[i]!, 0),
      };
    });
  }

  clear(): void {
    this.seconds = [];
    this.cells = 0;
    this.membership = -1;
  }
}
