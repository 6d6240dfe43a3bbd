// Rates from cumulative counters: each frame stores every replica's counters (own seq,
// sent messages, sent bytes) in a ring of RING slots; a rate is the difference to the
// newest slot at least `rateWindowMs` older, divided by the time between them. A
// replica's first report is its baseline: counters from before the collector knew it
// (or before the collector restarted) are history, never a burst.
import type { ReplicaRecord } from "./replicaRecord.js";
import type { SyncTotals } from "./types.js";

const RING = 64;
const FIELDS = 3; // seq, sent messages, sent bytes
export const RATE_SEQ = 0;
export const RATE_MESSAGES = 1;
export const RATE_BYTES = 2;

// The counters the engine keeps (reports may carry more, e.g. a per-kind breakdown).
const SYNC_KEYS: ReadonlyArray<keyof SyncTotals> = ["sentMessages", "sentBytes", "receivedMessages", "receivedBytes", "merges", "changedMerges"];

export class RateHistory {
  private readonly times = new Float64Array(RING);
  private readonly delivered = new Float64Array(RING);
  private head = 0;
  private count = 0;
  private base: number | undefined;
  private dtSec = 0;

  constructor(private readonly rateWindowMs: number) {}

  /** Cumulative sync counters of a report; a decrease means the replica restarted. */
  applySync(rep: ReplicaRecord, raw: SyncTotals): void {
    const prev = rep.rawSync;
    for (const k of SYNC_KEYS) {
      const now = raw[k];
      const before = prev?.[k];
      if (before === undefined) {
        if (prev === undefined) rep.totals[k] = now; // first report: its history, not a burst
        else rep.totals[k] += now;
      } else {
        rep.totals[k] += now >= before ? now - before : now;
      }
    }
    rep.rawSync = { sentMessages: raw.sentMessages, sentBytes: raw.sentBytes, receivedMessages: raw.receivedMessages, receivedBytes: raw.receivedBytes, merges: raw.merges, changedMerges: raw.changedMerges };
  }

  /** After a replica's first report: every slot holds its current counters, so its rates start at 0. */
  baseline(rep: ReplicaRecord): void {
    if (rep.hist !== undefined) return;
    const h = new Float64Array(RING * FIELDS);
    for (let s = 0; s < RING; s++) this.write(h, s, rep);
    rep.hist = h;
  }

  /** Stores this frame's counters; `deliveredTotal` is the cluster's cumulative deliveries. */
  record(nowMs: number, members: readonly ReplicaRecord[], deliveredTotal: number): void {
    if (this.count === 0 || nowMs > this.times[this.head]!) {
      this.head = (this.head + 1) % RING;
      if (this.count < RING) this.count++;
    } // else: the same instant as the previous frame (virtual time): refresh the slot in place
    this.times[this.head] = nowMs;
    this.delivered[this.head] = deliveredTotal;
    for (const rep of members) if (rep.hist !== undefined) this.write(rep.hist, this.head, rep);
    this.base = this.baseSlot();
    this.dtSec = this.base === undefined ? 0 : (nowMs - this.times[this.base]!) / 1000;
  }

  /** Per-second rate of `field` (RATE_SEQ, RATE_MESSAGES, RATE_BYTES) of one replica, as of the last record. */
  rate(rep: ReplicaRecord, field: number): number {
    const h = rep.hist;
    if (this.base === undefined || this.dtSec <= 0 || h === undefined) return 0;
    return Math.max(0, (h[this.head * FIELDS + field]! - h[this.base * FIELDS + field]!) / this.dtSec);
  }

  /** Deliveries per second cluster-wide, as of the last record. */
  deliveriesPerSec(): number {
    if (this.base === undefined || this.dtSec <= 0) return 0;
    return Math.max(0, (this.delivered[this.head]! - this.delivered[this.base]!) / this.dtSec);
  }

  private write(h: Float64Array, slot: number, rep: ReplicaRecord): void {
    h[slot * FIELDS] = rep.seq;
    h[slot * FIELDS + 1] = rep.totals.sentMessages;
    h[slot * FIELDS + 2] = rep.totals.sentBytes;
  }

  /** The newest slot at least rateWindowMs older than the latest, else the oldest. */
  private baseSlot(): number | undefined {
    if (this.count < 2) return undefined;
    const target = this.times[this.head]! - this.rateWindowMs;
    let chosen: number | undefined;
    for (let back = 1; back < this.count; back++) {
      const slot = (this.head - back + RING) % RING;
      chosen = slot;
      if (this.times[slot]! <= target) break;
    }
    return chosen;
  }
}
