// Replica id → positive number, as the contiguous part of a causal context (highest contiguous
// seq) and a counter's state (count per replica) keep them: a Map while small, a dense array by
// interned replica id once large. A replica of a 1,024-replica cluster keeps maps of 1,024
// entries and looks one up for every update it merges; by then its memory is cold, and a Map
// lookup is a chain of dependent cache misses (bucket, entry, chain) where an array read is
// one. Ids are interned process-wide (a shared, hot table).

const internIds = new Map<string, number>();
const internNames: string[] = [];

/** The last id looked up (a get is usually followed by a set of the same id). */
let lastId: string | undefined;
let lastIndex = -1;

function indexOf(id: string): number | undefined {
  if (id === lastId) return lastIndex;
  const i = internIds.get(id);
  if (i !== undefined) {
    lastId = id;
    lastIndex = i;
  }
  return i;
}

function intern(id: string): number {
  let i = indexOf(id);
  if (i === undefined) {
    i = internNames.length;
    internNames.push(id);
    internIds.set(id, i);
  }
  return i;
}

/** Entries from which a map goes dense. */
const DENSE_AT = 128;
/** ...unless its interned ids are this sparse (many distinct ids seen in the process): it stays a Map. */
const MAX_SLOTS_PER_ENTRY = 8;

const NO_SLOTS = new Float64Array(0);
/** Shared by every small map (its dense fields are unused until it goes dense). */
const NO_ORDER: number[] = [];

/**
 * Map-like store of positive numbers by replica id: entries are never removed and never 0.
 * Iteration follows insertion order in both forms. Compare two by their entries
 * (`new Map(a)` vs `new Map(b)`), not structurally: equal contents may be held in either form.
 * @example const m = ReplicaMap.from([["a", 3]]); m.set("b", 1); m.get("a") // 3
 */
export class ReplicaMap implements Iterable<[string, number]> {
  /** Up to one entry (most deltas carry one: a counter's update, a context's dot) needs no Map. */
  private oneId: string | undefined = undefined;
  private oneValue = 0;
  /** From two entries; null once dense. */
  private small: Map<string, number> | undefined | null = undefined;
  /** Dense form: number by interned id (0 = absent), and the ids present in insertion order. */
  private slots: Float64Array = NO_SLOTS;
  private order: number[] = NO_ORDER;

  /** A map holding these entries (numbers must be positive). */
  static from(entries: Iterable<readonly [string, number]>): ReplicaMap {
    const m = new ReplicaMap();
    for (const [id, n] of entries) m.set(id, n);
    return m;
  }

  get size(): number {
    const small = this.small;
    if (small === undefined) return this.oneId === undefined ? 0 : 1;
    return small !== null ? small.size : this.order.length;
  }

  get(id: string): number | undefined {
    const small = this.small;
    if (small === undefined) return id === this.oneId ? this.oneValue : undefined;
    if (small !== null) return small.get(id);
    const i = indexOf(id);
    if (i === undefined || i >= this.slots.length) return undefined;
    const v = this.slots[i]!;
    return v === 0 ? undefined : v;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Sets a positive number. */
  set(id: string, value: number): this {
    if (!(value > 0)) throw new RangeError(`ReplicaMap holds positive numbers only, got ${value} for ${id}`);
    const small = this.small;
    if (small === undefined) {
      if (this.oneId === undefined || this.oneId === id) {
        this.oneId = id;
        this.oneValue = value;
      } else {
        this.small = new Map([[this.oneId, this.oneValue], [id, value]]);
        this.oneId = undefined;
      }
      return this;
    }
    if (small !== null) {
      small.set(id, value);
      if (small.size >= DENSE_AT) this.densify(small);
      return this;
    }
    const i = intern(id);
    if (i >= this.slots.length) this.grow(i + 1);
    if (this.slots[i] === 0) this.order.push(i);
    this.slots[i] = value;
    return this;
  }

  /** Calls `f` with each entry, in insertion order. */
  forEach(f: (value: number, id: string) => void): void {
    const small = this.small;
    if (small === undefined) {
      if (this.oneId !== undefined) f(this.oneValue, this.oneId);
      return;
    }
    if (small !== null) {
      small.forEach(f);
      return;
    }
    const slots = this.slots;
    for (const i of this.order) f(slots[i]!, internNames[i]!);
  }

  clone(): ReplicaMap {
    const c = new ReplicaMap();
    const small = this.small;
    if (small === undefined) {
      c.oneId = this.oneId;
      c.oneValue = this.oneValue;
    } else if (small !== null) {
      c.small = new Map(small);
    } else {
      c.small = null;
      c.slots = this.slots.slice();
      c.order = this.order.slice();
    }
    return c;
  }

  // Iterators without generators: the Map's own while small, an array's once dense.
  [Symbol.iterator](): IterableIterator<[string, number]> {
    const small = this.small;
    if (small === undefined) return (this.oneId === undefined ? [] : [[this.oneId, this.oneValue] as [string, number]]).values();
    if (small !== null) return small.entries();
    const slots = this.slots;
    return this.order.map((i): [string, number] => [internNames[i]!, slots[i]!]).values();
  }

  keys(): IterableIterator<string> {
    const small = this.small;
    if (small === undefined) return (this.oneId === undefined ? [] : [this.oneId]).values();
    if (small !== null) return small.keys();
    return this.order.map((i) => internNames[i]!).values();
  }

  values(): IterableIterator<number> {
    const small = this.small;
    if (small === undefined) return (this.oneId === undefined ? [] : [this.oneValue]).values();
    if (small !== null) return small.values();
    const slots = this.slots;
    return this.order.map((i) => slots[i]!).values();
  }

  private densify(small: Map<string, number>): void {
    const ids: number[] = [];
    let max = 0;
    for (const id of small.keys()) {
      const i = intern(id);
      ids.push(i);
      if (i > max) max = i;
    }
    if (max + 1 > MAX_SLOTS_PER_ENTRY * small.size + 1024) return; // too sparse: stay a Map
    this.slots = new Float64Array(Math.max(max + 1, internNames.length));
    let k = 0;
    for (const value of small.values()) this.slots[ids[k++]!] = value;
    this.order = ids;
    this.small = null;
  }

  private grow(min: number): void {
    const next = new Float64Array(Math.max(min, internNames.length, this.slots.length * 2));
    next.set(this.slots);
    this.slots = next;
  }
}
