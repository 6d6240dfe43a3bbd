// Replica id → positive number, as the contiguous part of a causal context (highest contiguous
// seq) and a counter's state (count per replica) keep them: a Map while small, a dense array by
// interned replica id once large. A replica of a 1,024-replica cluster keeps maps of 1,024
// entries and looks one up for every update it merges; by then its memory is cold, and a Map
// lookup is a chain of dependent cache misses (bucket, entry, chain) where an array read is
// one. Ids are interned process-wide (a shared, hot table).

const internIds = new Map<string, number>();
const internNames: string[] = [];

function intern(id: string): number {
  let i = internIds.get(id);
  if (i === undefined) {
    i = internNames.length;
    internNames.push(id);
    internIds.set(id, i);
  }
  return i;
}

/** Entries from which a map goes dense. */
const DENSE_AT = 64;
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
  private small: Map<string, number> | null = new Map();
  /** Dense form: seq by interned id (0 = absent), and the ids present in insertion order. */
  private slots: Float64Array = NO_SLOTS;
  private order: number[] = NO_ORDER;

  get size(): number {
    return this.small !== null ? this.small.size : this.order.length;
  }

  /** A map holding these entries (numbers must be positive safe integers or at least > 0). */
  static from(entries: Iterable<readonly [string, number]>): ReplicaMap {
    const m = new ReplicaMap();
    for (const [id, n] of entries) m.set(id, n);
    return m;
  }

  get(id: string): number | undefined {
    if (this.small !== null) return this.small.get(id);
    const i = internIds.get(id);
    if (i === undefined || i >= this.slots.length) return undefined;
    const v = this.slots[i]!;
    return v === 0 ? undefined : v;
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  /** Sets a positive number. */
  set(id: string, seq: number): this {
    if (!(seq > 0)) throw new RangeError(`ReplicaMap holds positive numbers only, got ${seq} for ${id}`);
    const small = this.small;
    if (small !== null) {
      small.set(id, seq);
      if (small.size >= DENSE_AT) this.densify();
      return this;
    }
    const i = intern(id);
    if (i >= this.slots.length) this.grow(i + 1);
    if (this.slots[i] === 0) this.order.push(i);
    this.slots[i] = seq;
    return this;
  }

  /** Calls `f` with each entry, in insertion order. */
  forEach(f: (value: number, id: string) => void): void {
    if (this.small !== null) {
      this.small.forEach(f);
      return;
    }
    const slots = this.slots;
    for (const i of this.order) f(slots[i]!, internNames[i]!);
  }

  clone(): ReplicaMap {
    const c = new ReplicaMap();
    if (this.small !== null) {
      c.small = new Map(this.small);
    } else {
      c.small = null;
      c.slots = this.slots.slice();
      c.order = this.order.slice();
    }
    return c;
  }

  *keys(): IterableIterator<string> {
    if (this.small !== null) {
      yield* this.small.keys();
      return;
    }
    for (const i of this.order) yield internNames[i]!;
  }

  *values(): IterableIterator<number> {
    if (this.small !== null) {
      yield* this.small.values();
      return;
    }
    for (const i of this.order) yield this.slots[i]!;
  }

  *[Symbol.iterator](): IterableIterator<[string, number]> {
    if (this.small !== null) {
      yield* this.small;
      return;
    }
    for (const i of this.order) yield [internNames[i]!, this.slots[i]!];
  }

  private densify(): void {
    const small = this.small!;
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
    for (const seq of small.values()) this.slots[ids[k++]!] = seq;
    this.order = ids;
    this.small = null;
  }

  private grow(min: number): void {
    const next = new Float64Array(Math.max(min, internNames.length, this.slots.length * 2));
    next.set(this.slots);
    this.slots = next;
  }
}
