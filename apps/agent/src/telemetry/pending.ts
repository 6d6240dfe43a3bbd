// Per-replica state the agent keeps between two report ticks, in storage reused from tick to
// tick and indexed by number. At 256 replicas the agent notes about 65,000 inclusions a second:
// a Set or Map per replica, rebuilt every tick and keyed by string, cost more than building
// the reports did (each lookup a chain of cache misses in one of 256 cold tables).
import { isWireId } from "./sanitize.js";

/**
 * Origin ids → small numbers, shared by every replica of the process (one hot table instead
 * of one per replica). Bounded: past MAX_SLOTS distinct ids it starts over, and `epoch` tells
 * the users of old numbers to forget them.
 */
const slots = new Map<string, number>();
const names: string[] = [];
/** Per slot: 1 when the id can go on the wire (sanitize.isWireId), 0 when not. */
let wire = new Uint8Array(256);
let epoch = 0;
const MAX_SLOTS = 100_000;

/** The number of origin id `origin` (see `originName`, `isWireSlot`). */
export function originSlot(origin: string): number {
  let slot = slots.get(origin);
  if (slot === undefined) {
    if (names.length >= MAX_SLOTS) {
      slots.clear();
      names.length = 0;
      epoch++;
    }
    slot = names.length;
    names.push(origin);
    slots.set(origin, slot);
    if (slot >= wire.length) {
      const next = new Uint8Array(wire.length * 2);
      next.set(wire);
      wire = next;
    }
    wire[slot] = isWireId(origin) ? 1 : 0;
  }
  return slot;
}

export function originName(slot: number): string {
  return names[slot]!;
}

export function isWireSlot(slot: number): boolean {
  return wire[slot] === 1;
}

/** Numbering generation: numbers taken in an older one are void. */
export function slotEpoch(): number {
  return epoch;
}

/** Origins whose version-vector entry changed since the last report, in first-change order. */
export class DirtyOrigins {
  #list = new Int32Array(16);
  #count = 0;
  /** Per slot: the generation it was last added in (this one's: already listed). */
  #marks = new Int32Array(0);
  #generation = 1;
  #epoch = slotEpoch();
  /** Set when listed origins were forgotten (the numbering started over): the owner sends the whole vector. */
  lost = false;

  get size(): number {
    return this.#count;
  }

  add(origin: string): void {
    this.addSlot(originSlot(origin));
  }

  addSlot(slot: number): void {
    if (this.#epoch !== slotEpoch()) this.#restart();
    if (slot >= this.#marks.length) {
      const next = new Int32Array(Math.max(slot + 1, this.#marks.length * 2, 64));
      next.set(this.#marks);
      this.#marks = next;
    }
    if (this.#marks[slot] === this.#generation) return;
    this.#marks[slot] = this.#generation;
    if (this.#count === this.#list.length) {
      const next = new Int32Array(this.#list.length * 2);
      next.set(this.#list);
      this.#list = next;
    }
    this.#list[this.#count++] = slot;
  }

  /** Calls `f` with each origin id, in the order first added. */
  forEach(f: (origin: string) => void): void {
    for (let i = 0; i < this.#count; i++) f(originName(this.#list[i]!));
  }

  clear(): void {
    this.#count = 0;
    this.#generation++;
  }

  /** The numbering started over: listed slots mean other ids now (the changes are reported whole). */
  #restart(): void {
    this.#epoch = slotEpoch();
    this.#marks = new Int32Array(0);
    if (this.#count > 0) this.lost = true;
    this.#count = 0;
    this.#generation++;
  }
}

/**
 * A queue of fixed-width numeric records (issue times: seq, time; inclusions: origin slot,
 * seq, time) in one growable array, taken from the front.
 */
export class RecordQueue {
  #data: Float64Array;
  #length = 0;

  constructor(readonly width: number, initial = 64) {
    this.#data = new Float64Array(initial * width);
  }

  /** Records held. */
  get length(): number {
    return this.#length;
  }

  push(a: number, b: number, c = 0): void {
    const w = this.width;
    if ((this.#length + 1) * w > this.#data.length) {
      const next = new Float64Array(this.#data.length * 2);
      next.set(this.#data);
      this.#data = next;
    }
    const at = this.#length * w;
    this.#data[at] = a;
    this.#data[at + 1] = b;
    if (w > 2) this.#data[at + 2] = c;
    this.#length++;
  }

  /** Field `field` of record `i`. */
  get(i: number, field: number): number {
    return this.#data[i * this.width + field]!;
  }

  /** Removes the first `n` records. */
  drop(n: number): void {
    const k = Math.min(n, this.#length);
    if (k < this.#length) this.#data.copyWithin(0, k * this.width, this.#length * this.width);
    this.#length -= k;
  }
}
