// The agent's outbox. While the collector is down or slow, reports pile up here; the
// memory cap keeps a node whose collector is gone from growing without bound. When full,
// the OLDEST telemetry goes first (the newest digests are the ones worth having), and
// what was dropped is counted so that the next report can say so.

/** What a dropped item weighed. */
export interface DroppedCounts {
  /** Items (reports) dropped. */
  items: number;
  /** Events inside them (issue times, inclusion times, sync events) that were lost. */
  events: number;
  /** Approximate bytes freed. */
  bytes: number;
}

export interface BoundedBufferOptions<T> {
  /** Memory cap, in (approximate) bytes. */
  maxBytes: number;
  /** Approximate size of an item in bytes (e.g. its JSON length). */
  sizeOf: (item: T) => number;
  /** Events carried by an item, counted when it is dropped. */
  eventsOf?: (item: T) => number;
}

export class BoundedBuffer<T> {
  readonly #maxBytes: number;
  readonly #sizeOf: (item: T) => number;
  readonly #eventsOf: (item: T) => number;
  // A ring would avoid shift()'s copying, but the queue only grows during an outage and is
  // drained in one go; an array with a head index gives O(1) amortised for both.
  #items: Array<{ item: T; bytes: number } | undefined> = [];
  #head = 0;
  #bytes = 0;
  #dropped: DroppedCounts = { items: 0, events: 0, bytes: 0 };
  #droppedTotal: DroppedCounts = { items: 0, events: 0, bytes: 0 };

  constructor(options: BoundedBufferOptions<T>) {
    this.#maxBytes = Math.max(0, options.maxBytes);
    this.#sizeOf = options.sizeOf;
    this.#eventsOf = options.eventsOf ?? (() => 0);
  }

  /** Items waiting. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** Approximate bytes held. */
  get bytes(): number {
    return this.#bytes;
  }

  get maxBytes(): number {
    return this.#maxBytes;
  }

  /** Appends an item, dropping the oldest ones while the cap is exceeded (possibly the new one itself). */
  push(item: T): void {
    const bytes = Math.max(0, this.#sizeOf(item));
    this.#items.push({ item, bytes });
    this.#bytes += bytes;
    while (this.#bytes > this.#maxBytes && this.length > 0) this.#dropOldest();
  }

  /** Removes and returns up to `max` oldest items, at most `maxBytes` of them (but always at least one). */
  take(max = Number.POSITIVE_INFINITY, maxBytes = Number.POSITIVE_INFINITY): T[] {
    const out: T[] = [];
    let bytes = 0;
    while (this.length > 0 && out.length < max) {
      const entry = this.#items[this.#head]!;
      if (out.length > 0 && bytes + entry.bytes > maxBytes) break;
      bytes += entry.bytes;
      out.push(entry.item);
      this.#shift();
    }
    return out;
  }

  /** Puts items taken with {@link take} back at the front (a send that failed), within the cap. */
  unshift(items: readonly T[]): void {
    const entries = items.map((item) => ({ item, bytes: Math.max(0, this.#sizeOf(item)) }));
    this.#items = [...entries, ...this.#items.slice(this.#head)];
    this.#head = 0;
    for (const e of entries) this.#bytes += e.bytes;
    while (this.#bytes > this.#maxBytes && this.length > 0) this.#dropOldest();
  }

  /** What was dropped since the last call (then zeroed): goes into the next report. */
  takeDropped(): DroppedCounts {
    const d = this.#dropped;
    this.#dropped = { items: 0, events: 0, bytes: 0 };
    return d;
  }

  /** Gives back counts taken with {@link takeDropped} whose report could not be delivered. */
  restoreDropped(d: DroppedCounts): void {
    this.#dropped.items += d.items;
    this.#dropped.events += d.events;
    this.#dropped.bytes += d.bytes;
  }

  /** Everything dropped since the buffer was created. */
  get droppedTotal(): Readonly<DroppedCounts> {
    return this.#droppedTotal;
  }

  clear(): void {
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
  }

  #dropOldest(): void {
    const entry = this.#items[this.#head]!;
    const events = this.#eventsOf(entry.item);
    for (const d of [this.#dropped, this.#droppedTotal]) {
      d.items++;
      d.events += events;
      d.bytes += entry.bytes;
    }
    this.#shift();
  }

  #shift(): void {
    const entry = this.#items[this.#head]!;
    this.#items[this.#head] = undefined;
    this.#head++;
    this.#bytes -= entry.bytes;
    if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
  }
}
