import { CausalContext, type Delta, type DotRange } from "@driftscope/crdt";

/** One logged delta-group and the dots it brought to this replica. */
export interface LogEntry<S> {
  readonly delta: Delta<S>;
  readonly dots: readonly DotRange[];
}

/**
 * The bounded delta log of one replica, shared by all per-peer buffers: each peer is a position
 * in it ("acknowledged up to index i"), so the buffer for a peer is the suffix after its position.
 * Indices only grow. `base` is the causal context of everything before `start` (what the log
 * can no longer describe): a peer missing any of it needs the full state.
 */
export class DeltaLog<S> {
  private ring: Array<LogEntry<S> | undefined>;
  private head = 0;
  /** Index of the oldest entry kept. */
  start = 0;
  /** Index the next entry will get. */
  end = 0;
  /** Null after a gap: then the replica's current context stands in for it (a superset, so coverage checks stay safe). */
  base: CausalContext | null;

  constructor(
    readonly capacity: number,
    base: CausalContext = new CausalContext(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`delta log capacity must be an integer >= 1, got ${capacity}`);
    this.ring = new Array<LogEntry<S> | undefined>(capacity);
    this.base = base;
  }

  get size(): number {
    return this.end - this.start;
  }

  append(entry: LogEntry<S>): void {
    if (this.size === this.capacity) this.evictOldest();
    this.ring[(this.head + this.size) % this.capacity] = entry;
    this.end++;
  }

  /** Entry at log index i (start ≤ i < end). */
  at(i: number): LogEntry<S> {
    const e = this.ring[(this.head + (i - this.start)) % this.capacity];
    if (e === undefined || i < this.start || i >= this.end) throw new RangeError(`log index ${i} outside [${this.start}, ${this.end})`);
    return e;
  }

  /**
   * Something changed the state that the log cannot express as a delta (a full state merged):
   * forget the entries and skip one index, so every peer's position falls before `start` and
   * its next exchange carries the full state. The base becomes unknown (null).
   */
  gap(): void {
    this.clear();
    this.end++;
    this.start = this.end;
    this.base = null;
  }

  /** Empties the log and restarts its indices (a new incarnation of the replica). */
  reset(context: CausalContext = new CausalContext()): void {
    this.clear();
    this.start = 0;
    this.end = 0;
    this.base = context;
  }

  private clear(): void {
    if (this.size > 0) this.ring.fill(undefined);
    this.head = 0;
  }

  private evictOldest(): void {
    const e = this.ring[this.head]!;
    // After a gap the base is unknown (null: "everything so far"), which stays a safe superset.
    this.base?.join(e.delta.context);
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.start++;
  }
}
