import { originName } from "../wire/origins.js";

/** Records a journal keeps at most (2 MB): past that a slow reader loses the oldest, and is told. */
const MAX_RECORDS = 65_536;
/** Numbers per record: origin number (wire/origins.ts), first seq, last seq, time merged. */
const W = 4;

/** Told of every run of dots a replica newly includes (Replica.observeInclusions; a journal is one). */
export interface InclusionSink {
  /** Dots `from`..`to` of origin number `origin` (wire/origins.ts), included at `atMs`. */
  record(origin: number, from: number, to: number, atMs: number): void;
}

/**
 * What a replica newly included, in order: runs of dots of one origin with the time it merged
 * them, kept for one reader (Replica.openJournal) until it drains them. A consumer that reads
 * now and then (the agent: once per report tick) uses it instead of a merge event per received
 * state: the records are numbers in one ring that grows as needed, not an object per dot.
 */
export class InclusionJournal implements InclusionSink {
  private data = new Float64Array(W * 64);
  private head = 0;
  private count = 0;
  private lost = false;

  constructor(
    private readonly now: () => number,
    private readonly onClose: (journal: InclusionJournal) => void,
  ) {}

  /** Called by the replica for every run of dots it newly included. */
  record(origin: number, from: number, to: number, atMs: number): void {
    let capacity = this.data.length / W;
    if (this.count === capacity) {
      if (capacity < MAX_RECORDS) {
        this.grow();
        capacity = this.data.length / W;
      } else {
        this.head = (this.head + 1) % capacity;
        this.count--;
        this.lost = true;
      }
    }
    const at = ((this.head + this.count) % capacity) * W;
    const d = this.data;
    d[at] = origin;
    d[at + 1] = from;
    d[at + 2] = to;
    d[at + 3] = atMs;
    this.count++;
  }

  /**
   * Calls `visit` with each run recorded since the previous drain, oldest first — the origin
   * id, the first and last seq, and how many ms before this call it was merged — and forgets
   * them. Returns false when some runs were dropped since (the reader fell behind by more
   * than 65,536 runs).
   */
  drain(visit: (origin: string, from: number, to: number, ageMs: number) => void): boolean {
    const now = this.now();
    const capacity = this.data.length / W;
    const d = this.data;
    for (let i = 0; i < this.count; i++) {
      const at = ((this.head + i) % capacity) * W;
      visit(originName(d[at]!), d[at + 1]!, d[at + 2]!, now - d[at + 3]!);
    }
    this.head = 0;
    this.count = 0;
    const complete = !this.lost;
    this.lost = false;
    return complete;
  }

  /** Stops recording (the replica forgets this journal). */
  close(): void {
    this.onClose(this);
  }

  private grow(): void {
    const capacity = this.data.length / W;
    const next = new Float64Array(this.data.length * 2);
    for (let i = 0; i < this.count; i++) {
      const from = ((this.head + i) % capacity) * W;
      next.set(this.data.subarray(from, from + W), i * W);
    }
    this.data = next;
    this.head = 0;
  }
}
