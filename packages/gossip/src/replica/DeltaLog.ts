import { CausalContext, type DotRange } from "@driftscope/crdt";

/** One logged entry: a single update (its dot and delta), or a full state relayed after a gap. */
export interface LogEntry {
  /** Origin of the update; null for a relayed full state. */
  readonly origin: string | null;
  readonly seq: number;
  /** How the entry travels (wire/deltaList.ts): relaying it copies these bytes. */
  readonly frame: Uint8Array;
  /** Relayed full state: the dots it brought here (null for an update: its dot says it). */
  readonly dots: readonly DotRange[] | null;
  /** The peer it came from (not sent back there); null for local updates. */
  readonly via: string | null;
}

/**
 * The bounded delta log of one replica, shared by all per-peer buffers: each peer is a position
 * in it ("acknowledged up to index i"), so the buffer for a peer is the suffix after its position.
 * Entries are single updates (never joins of received groups), so relaying adds nothing old.
 * Bounded in entries and bytes; indices only grow. `base` is the causal context of everything
 * evicted (null when unknown): a peer missing any of it needs the full state.
 */
export class DeltaLog {
  private ring: Array<LogEntry | undefined>;
  private head = 0;
  /** Index of the oldest entry kept. */
  start = 0;
  /** Index the next entry will get. */
  end = 0;
  /** Bytes of the frames kept. */
  bytes = 0;
  /** Null after a gap: then the replica's current context stands in for it (a superset, so coverage checks stay safe). */
  base: CausalContext | null;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = Infinity,
    base: CausalContext = new CausalContext(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`delta log capacity must be an integer >= 1, got ${capacity}`);
    this.ring = new Array<LogEntry | undefined>(capacity);
    this.base = base;
  }

  get size(): number {
    return this.end - this.start;
  }

  append(entry: LogEntry): void {
    while (this.size > 0 && (this.size === this.capacity || this.bytes + entry.frame.length > this.maxBytes)) this.evictOldest();
    this.ring[(this.head + this.size) % this.capacity] = entry;
    this.end++;
    this.bytes += entry.frame.length;
  }

  /** Entry at log index i (start ≤ i < end). */
  at(i: number): LogEntry {
    const e = this.ring[(this.head + (i - this.start)) % this.capacity];
    if (e === undefined || i < this.start || i >= this.end) throw new RangeError(`log index ${i} outside [${this.start}, ${this.end})`);
    return e;
  }

  /**
   * Something changed the state that the log cannot express (a full state merged under the
   * full payload): forget the entries and skip one index, so every peer's position falls before
   * `start` and its next delta exchange carries the full state. The base becomes unknown.
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
    this.bytes = 0;
  }

  private evictOldest(): void {
    const e = this.ring[this.head]!;
    const base = this.base;
    if (base !== null) {
      if (e.origin !== null) base.addDot(e.origin, e.seq);
      else for (const r of e.dots ?? []) for (let s = r.from; s <= r.to; s++) base.addDot(r.replica, s);
    }
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) % this.capacity;
    this.start++;
    this.bytes -= e.frame.length;
  }
}
