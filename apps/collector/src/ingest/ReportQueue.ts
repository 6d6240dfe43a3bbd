// Reports waiting to be folded into the metrics, at most one per connection: a report that
// arrives while its connection's previous one still waits is merged into it
// (CoalescedReport), so under overload the wait stays about one pass over the connections
// instead of growing with the backlog. While nothing waits and the event-loop turn has
// folded for less than a slice, a report is folded at once: two reports read in the same
// turn are not merged unless the collector is really behind. Folding runs in slices of the event loop (setImmediate
// between them), so the frame timer, dashboards and socket reads get their turn however
// much is queued: frames are built from the latest state, never from this queue.
import type { Report } from "@driftscope/protocol";
import { CoalescedReport } from "./CoalescedReport.js";
import type { IngestLoad } from "./IngestLoad.js";
import { SLICE_MS } from "./timeSlice.js";

/** Folds a (possibly merged) report in; `firstSeq` is the seq of the first report it covers. */
export type FoldReport = (report: Report, firstSeq: number) => void;

interface Pending {
  report: CoalescedReport;
  fold: FoldReport;
  sinceMs: number;
}

export class ReportQueue {
  readonly #pending = new Map<string, Pending>();
  #scheduled = false;
  /** Milliseconds folded at once in this event-loop turn (reset by the next slice). */
  #spentThisTurn = 0;

  constructor(
    private readonly load: IngestLoad,
    private readonly now: () => number,
    private readonly sliceMs = SLICE_MS,
    /** Runs the next slice (a test can take the event loop's place to fix the collector's capacity). */
    private readonly schedule: (drain: () => void) => void = setImmediate,
  ) {}

  /** Reports waiting (merged ones count once). */
  get size(): number {
    return this.#pending.size;
  }

  /** Queues `report` of connection `key`, merged into the one waiting there if any. */
  push(key: string, report: Report, fold: FoldReport): void {
    const waiting = this.#pending.get(key);
    if (waiting !== undefined) {
      if (waiting.report.add(report)) return;
      this.flush(key); // cannot merge exactly (a new incarnation): the older one goes first
    } else if (this.#pending.size === 0 && this.#spentThisTurn < this.sliceMs) {
      const start = performance.now();
      this.#fold({ report: new CoalescedReport(report), fold, sinceMs: this.now() });
      this.#spentThisTurn += performance.now() - start;
      this.#schedule();
      return;
    }
    this.#pending.set(key, { report: new CoalescedReport(report), fold, sinceMs: this.now() });
    this.#schedule();
  }

  /** Folds what waits for `key` now (before another message of that connection is handled). */
  flush(key: string): void {
    const waiting = this.#pending.get(key);
    if (waiting === undefined) return;
    this.#pending.delete(key);
    this.#fold(waiting);
  }

  #schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.schedule(this.#drain);
  }

  readonly #drain = (): void => {
    this.#scheduled = false;
    this.#spentThisTurn = 0;
    const start = performance.now();
    // Oldest first (a Map keeps insertion order; a merged report keeps its place).
    for (const [key, waiting] of this.#pending) {
      this.#pending.delete(key);
      this.#fold(waiting);
      if (performance.now() - start >= this.sliceMs) break;
    }
    if (this.#pending.size > 0) this.#schedule();
  };

  #fold(waiting: Pending): void {
    const merged = waiting.report;
    waiting.fold(merged.build(), merged.firstSeq);
    this.load.folded(this.now(), this.now() - waiting.sinceMs, merged);
  }
}
