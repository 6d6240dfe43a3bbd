// How hard ingest is pressed, and what the collector does about it. Reports queued faster
// than they are folded in coalesce (ReportQueue); when that goes on for seconds, agents are
// asked to report less often (a slowdown factor on the interval each asked for), and asked
// again for their own interval once the load would fit. Decisions are made at most once a
// second, from what the last second looked like (reports merged or waiting while the event
// loop was busy), with hysteresis so it does not flap. Reports arriving late (ArrivalLag) count
// too: that backlog sits in the sockets' buffers, unread, and a large growing one is answered
// in a second, not three. Agents paced by the collector's acknowledgements send less often
// than asked without anything waiting here: that stretch is measured from their report times.

/** Slowdown factors the collector steps through (report interval × factor). */
export const SLOWDOWNS = [1, 2, 4, 8, 16] as const;

/** Seconds of overload in a row before agents are asked to slow down (coalescing bridges them). */
const RAISE_AFTER_S = 3;
/** Seconds without overload before the next step down, and the load the step down must fit under. */
const LOWER_AFTER_S = 5;
const LOWER_BELOW_SHARE = 0.85;
/** A report waiting longer than this to be folded in, or arriving this late, counts as overload (with a busy loop). */
export const OVERLOAD_WAIT_MS = 250;
/** A backlog this deep (ms of arrival lag over the floor) that is still growing raises the slowdown at once… */
const FAST_RAISE_LAG_MS = 1000;
/** …at most this often: agents follow at once, but what they sent before still has to be read. */
const FAST_RAISE_EVERY_MS = 2000;
/**
 * Busy share of the event loop below which waiting is not the collector's overload: a loaded
 * machine can hold a process off the CPU, and a long frame can let two reports of a connection
 * meet, without the collector having more to do than it can.
 */
const BUSY_SHARE = 0.7;
/** How long the collector still says it shed after it stopped (the header's window). */
const SHOWN_FOR_MS = 10_000;
/**
 * Socket agents' ticks this many times further apart than asked, with the loop busy, mean the
 * collector's acknowledgements are pacing them: they fold what they would have sent meanwhile.
 */
const PACED_STRETCH = 1.5;
/** A gap longer than this many intervals is a stalled or restarted agent, not pacing: counted as this. */
const STALL_INTERVALS = 16;

export interface IngestLoadFigures {
  /** Whether the collector coalesced reports or had agents slow down in the last 10 s. */
  shedding: boolean;
  /** Reports merged into later ones of the same agent in the last 10 s. */
  coalescedReports: number;
  /** Issue and inclusion times dropped when merged reports held more than a report may (last 10 s). */
  droppedTimes: number;
  /** The factor agents are asked to stretch their report interval by (1: as they asked). */
  slowdown: number;
  /**
   * How many times further apart than asked socket agents' ticks came in the last second the
   * collector was busy pacing them by its acknowledgements (1: not paced in the last 10 s).
   */
  paced: number;
}

export class IngestLoad {
  /** Cumulative, for /metrics. */
  coalescedReportsTotal = 0;
  coalescedEntriesTotal = 0;
  droppedTimesTotal = 0;
  foldedReportsTotal = 0;
  #level = 0;
  #secondStartMs: number;
  #overloadedNow = false;
  #overSeconds = 0;
  #calmSeconds = 0;
  #recent: Array<[timeMs: number, reports: number, times: number]> = [];
  #lastSheddingMs = -Infinity;
  #lagNow = 0;
  #lagBefore = 0;
  #lastRaiseMs = -Infinity;
  #gapSumMs = 0;
  #askedSumMs = 0;
  /** Ticks' spacing over the interval asked, in the last second evaluated (1: none or as asked). */
  stretch = 1;
  #paced = 1;
  #lastPacedMs = -Infinity;

  constructor(nowMs = -Infinity) {
    this.#secondStartMs = nowMs;
  }

  /** Whether a second has passed since the last evaluation. */
  due(nowMs: number): boolean {
    return nowMs - this.#secondStartMs >= 1000;
  }

  get slowdown(): number {
    return SLOWDOWNS[this.#level]!;
  }

  /** A report arrived `excessMs` later than its connection's usual (ArrivalLag). */
  arrived(excessMs: number): void {
    if (excessMs > OVERLOAD_WAIT_MS) this.#overloadedNow = true;
    if (excessMs > this.#lagNow) this.#lagNow = excessMs;
  }

  /** A socket agent's tick (a new report time) came `gapMs` after its previous one, `askedMs` being asked. */
  ticked(gapMs: number, askedMs: number): void {
    if (!(gapMs >= 0) || !(askedMs > 0)) return;
    this.#gapSumMs += Math.min(gapMs, STALL_INTERVALS * askedMs);
    this.#askedSumMs += askedMs;
  }

  /** One (possibly merged) report folded in, and how long its first part had waited. */
  folded(nowMs: number, waitedMs: number, merged: { reports: number; collapsedEntries: number; droppedTimes: number }): void {
    this.foldedReportsTotal++;
    if (waitedMs > OVERLOAD_WAIT_MS) this.#overloadedNow = true;
    if (merged.reports > 1) {
      this.#overloadedNow = true;
      this.coalescedReportsTotal += merged.reports - 1;
      this.coalescedEntriesTotal += merged.collapsedEntries;
      this.droppedTimesTotal += merged.droppedTimes;
      this.#recent.push([nowMs, merged.reports - 1, merged.droppedTimes]);
      this.#lastSheddingMs = nowMs;
    }
  }

  /**
   * Closes the second when one has passed: returns the new slowdown factor when it changed.
   * `loopShare` is the event loop's busy share over that second (all of the collector's work).
   */
  evaluate(nowMs: number, loopShare: number): number | undefined {
    if (!this.due(nowMs)) return undefined;
    const over = this.#overloadedNow && loopShare >= BUSY_SHARE;
    const growingBacklog = over && this.#lagNow >= FAST_RAISE_LAG_MS && this.#lagNow >= this.#lagBefore && nowMs - this.#lastRaiseMs >= FAST_RAISE_EVERY_MS;
    this.#lagBefore = this.#lagNow;
    this.#lagNow = 0;
    this.#overloadedNow = false;
    this.#secondStartMs = nowMs;
    this.stretch = this.#askedSumMs > 0 ? Math.max(1, this.#gapSumMs / this.#askedSumMs) : 1;
    this.#gapSumMs = 0;
    this.#askedSumMs = 0;
    if (this.stretch >= PACED_STRETCH && loopShare >= BUSY_SHARE) {
      this.#paced = this.stretch;
      this.#lastPacedMs = nowMs;
    }
    if (over) {
      this.#overSeconds++;
      this.#calmSeconds = 0;
    } else {
      this.#calmSeconds++;
      this.#overSeconds = 0;
    }
    if (this.#level > 0) this.#lastSheddingMs = nowMs;
    if ((this.#overSeconds >= RAISE_AFTER_S || growingBacklog) && this.#level < SLOWDOWNS.length - 1) {
      this.#level++;
      this.#lastRaiseMs = nowMs;
      this.#overSeconds = 0; // agents need a second or two to follow before the next step
      return this.slowdown;
    }
    // Stepping down doubles the report rate: only when twice today's load would still leave the loop some room.
    if (this.#calmSeconds >= LOWER_AFTER_S && this.#level > 0 && loopShare * 2 < LOWER_BELOW_SHARE) {
      this.#level--;
      this.#calmSeconds = 0;
      return this.slowdown;
    }
    return undefined;
  }

  /** What the header and frames show. */
  figures(nowMs: number): IngestLoadFigures {
    while (this.#recent.length > 0 && this.#recent[0]![0] < nowMs - SHOWN_FOR_MS) this.#recent.shift();
    let reports = 0;
    let times = 0;
    for (const [, r, t] of this.#recent) {
      reports += r;
      times += t;
    }
    const paced = nowMs - this.#lastPacedMs <= SHOWN_FOR_MS ? this.#paced : 1;
    return { shedding: this.#level > 0 || nowMs - this.#lastSheddingMs <= SHOWN_FOR_MS, coalescedReports: reports, droppedTimes: times, slowdown: this.slowdown, paced };
  }
}
