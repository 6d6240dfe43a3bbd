import type { DotRange } from "@driftscope/crdt";
import { Writer, varintLength } from "../wire/codec.js";
import type { BodyWriter } from "../wire/message.js";
import { originIndex, originName } from "../wire/origins.js";
import { SeqCeiling } from "./SeqCeiling.js";

/**
 * The bounded delta log of one replica, shared by all per-peer buffers: each peer is a position
 * in it ("acknowledged up to index i"), so the buffer for a peer is the suffix after its position.
 *
 * Entries are single updates (never joins of received groups, so relaying adds nothing old) or,
 * rarely, a full state relayed after a gap. Each is stored as the frame it travels in
 * (wire/deltaList.ts), in one byte ring, with its metadata side by side in one numeric array: a
 * replica of a 1,024-replica cluster keeps thousands of entries, and one array instead of
 * thousands of small objects keeps the garbage collector's work flat.
 *
 * Origins and peers are kept by their numbers (wire/origins.ts), so the scans that build a
 * peer's buffer compare integers.
 *
 * Bounded in entries and bytes; indices only grow. `base` holds the highest seq per origin of
 * everything evicted (null when unknown): a peer missing any of those dots needs the full state.
 */
export class DeltaLog {
  /** Index of the oldest entry kept. */
  start = 0;
  /** Index the next entry will get. */
  end = 0;
  /** Null after a gap: then the replica's current context stands in for it (a superset, so coverage checks stay safe). */
  base: SeqCeiling | null;

  private readonly dotsOf: Array<readonly DotRange[] | null>;
  /**
   * Per entry, M 32-bit numbers side by side (one cache line, where six arrays took six): seq, origin
   * number (wire/origins.ts; −1 for a relayed state), number of the peer it came from (−1 when
   * local), bits of peers known to hold it (they sent it too: their buffers skip it), and its
   * frame's offset and length in the ring.
   */
  private readonly meta: Int32Array;
  private buf: Uint8Array;
  /** Next free byte of the ring. */
  private tail = 0;
  /** Bytes in frames kept (without the unused tail of a wrap). */
  private used = 0;

  constructor(
    readonly capacity: number,
    readonly maxBytes: number = 4 * 1024 * 1024,
    base: SeqCeiling = new SeqCeiling(),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`delta log capacity must be an integer >= 1, got ${capacity}`);
    this.dotsOf = new Array<readonly DotRange[] | null>(capacity).fill(null);
    this.meta = new Int32Array(capacity * M);
    // Room for a full log of small updates from the start (growing copies every frame).
    this.buf = new Uint8Array(Math.min(Math.max(4096, capacity * 32), maxBytes));
    this.base = base;
  }

  get size(): number {
    return this.end - this.start;
  }

  /** Bytes of frames kept. */
  get bytes(): number {
    return this.used;
  }

  /**
   * Appends an entry: origin number and `seq` of an update (origin −1 for a relayed state, whose
   * `dots` say what it brought), the number of the peer it came from (`via`, −1 when local) and
   * its frame, the bytes `source[from, to)` (copied; no view is made). Returns the entry's slot.
   */
  append(
    origin: number, seq: number, via: number, dots: readonly DotRange[] | null,
    source: Uint8Array, from = 0, to = source.length,
  ): number {
    if (this.size === this.capacity) this.evictOldest();
    const length = to - from;
    const at = this.allocate(length);
    const buf = this.buf;
    if (length <= 64) for (let k = 0; k < length; k++) buf[at + k] = source[from + k]!;
    else buf.set(source.subarray(from, to), at);
    const slot = this.end % this.capacity;
    this.meta[slot * M + SEQ] = seq;
    this.meta[slot * M + ORIGIN] = origin;
    this.meta[slot * M + VIA] = via;
    this.meta[slot * M + KNOWN] = 0;
    if (dots !== null) this.dotsOf[slot] = dots; // updates carry none (see dropOldest)
    this.meta[slot * M + OFFSET] = at;
    this.meta[slot * M + LENGTH] = length;
    this.end++;
    this.used += length;
    return slot;
  }

  /**
   * A peer sent us update (origin, seq) too, so it holds it: if slot `slot` still holds that
   * update, buffers built with the peer's `bit` leave it out. (Slots are reused: the dot check
   * makes a stale slot a no-op.)
   */
  noteKnownBy(slot: number, origin: number, seq: number, bit: number): void {
    if (slot < 0 || slot >= this.capacity || this.meta[slot * M + ORIGIN] !== origin || this.meta[slot * M + SEQ] !== seq) return;
    this.meta[slot * M + KNOWN]! |= bit;
  }

  /**
   * Peer number `via` (with "known by" bit `bit`, 0 for none) restarted empty: it lost what it
   * had sent us and what we knew it held, so its buffers stop leaving those entries out.
   */
  forgetPeer(via: number, bit: number): void {
    const meta = this.meta;
    for (let i = 0; i < this.capacity; i++) {
      meta[i * M + KNOWN]! &= ~bit;
      if (meta[i * M + VIA] === via) meta[i * M + VIA] = -1;
    }
  }

  /** Origin of the update at index i, or null for a relayed state. */
  origin(i: number): string | null {
    const origin = this.meta[this.slot(i) * M + ORIGIN]!;
    return origin < 0 ? null : originName(origin);
  }

  seq(i: number): number {
    return this.meta[this.slot(i) * M + SEQ]!;
  }

  /** The peer entry i came from (null for a local update). */
  via(i: number): string | null {
    const via = this.meta[this.slot(i) * M + VIA]!;
    return via < 0 ? null : originName(via);
  }

  /** For a relayed state: the dots it brought. */
  dots(i: number): readonly DotRange[] | null {
    const slot = this.slot(i);
    return this.meta[slot * M + ORIGIN]! < 0 ? this.dotsOf[slot]! : null;
  }

  frameLength(i: number): number {
    return this.meta[this.slot(i) * M + LENGTH]!;
  }

  /** Writes the frame of entry i. */
  writeFrame(i: number, w: Writer): void {
    const slot = this.slot(i);
    w.bytesFrom(this.buf, this.meta[slot * M + OFFSET]!, this.meta[slot * M + LENGTH]!);
  }

  /**
   * A list body (wire/deltaList.ts) of the entries from index `from` on, except those that came
   * via peer number `skipVia` or are updates of origin number `skipOrigin`, and those `keep`
   * rejects (−1: skip none), and those known to be held by the peer with bit `skipKnown` (see
   * noteKnownBy). Returns the body (valid until this log's next list or append) and how many
   * entries it holds. One pass over the metadata, one copy of the frames.
   */
  encodeList(from: number, skipVia: number, skipOrigin: number, keep: ((i: number) => boolean) | null, skipKnown = 0): { body: PickedList; count: number } {
    const picked = this.picked;
    picked.length = 0;
    const cap = this.capacity;
    const meta = this.meta;
    const via = asSkip(skipVia);
    const origin = asSkip(skipOrigin);
    const first = Math.max(from, this.start);
    // The slot follows the index around the ring (no division per entry); the body's length
    // is summed on the way (every entry of a peer's buffer passes here, for every message).
    let slot = first % cap;
    let length = 0;
    for (let i = first; i < this.end; i++, slot = slot + 1 === cap ? 0 : slot + 1) {
      const at = slot * M;
      if (meta[at + VIA] === via || meta[at + ORIGIN] === origin || (meta[at + KNOWN]! & skipKnown) !== 0) continue;
      if (keep !== null && !keep(i)) continue;
      picked.push(slot);
      length += meta[at + LENGTH]!;
    }
    this.list.length = varintLength(picked.length) + length;
    return { body: this.list, count: picked.length };
  }

  /** Is entry `slot` left out of a peer's list: it came via the peer, is the peer's own update, or the peer holds it. */
  private skipped(slot: number, via: number, origin: number, known: number): boolean {
    const meta = this.meta;
    return meta[slot * M + VIA] === via || meta[slot * M + ORIGIN] === origin || (meta[slot * M + KNOWN]! & known) !== 0;
  }

  /**
   * Like {@link encodeList} from the start of the log, keeping the updates a peer whose version
   * vector is `theirs` lacks (seq above its entry; relayed states: any dot above it). `lacking`
   * is how many of our dots it lacks in all: the walk goes from the newest entry back and stops
   * once it found that many, since what a peer lacks is almost always recent.
   */
  encodeMissing(skipVia: number, skipOrigin: number, theirs: { get(origin: number): number }, lacking: number, skipKnown = 0): { body: PickedList; count: number } {
    const picked = this.picked;
    picked.length = 0;
    const cap = this.capacity;
    const meta = this.meta;
    const via = asSkip(skipVia);
    const skipOwn = asSkip(skipOrigin);
    let found = 0;
    for (let i = this.end - 1; i >= this.start && found < lacking; i--) {
      const slot = i % cap;
      const origin = meta[slot * M + ORIGIN]!;
      if (origin >= 0) {
        if (meta[slot * M + SEQ]! <= theirs.get(origin)) continue;
        found++;
      } else {
        let lacks = 0;
        for (const r of this.dotsOf[slot] ?? []) lacks += Math.max(0, r.to - Math.max(r.from - 1, theirs.get(originIndex(r.replica))));
        if (lacks === 0) continue;
        found += lacks;
      }
      if (this.skipped(slot, via, skipOwn, skipKnown)) continue;
      picked.push(slot);
    }
    picked.reverse();
    return this.encodePicked();
  }

  /** The picked entries as a list body, written when the message is (see PickedList). */
  private encodePicked(): { body: PickedList; count: number } {
    const picked = this.picked;
    let length = varintLength(picked.length);
    for (let k = 0; k < picked.length; k++) length += this.meta[(picked[k]!) * M + LENGTH]!;
    this.list.length = length;
    return { body: this.list, count: picked.length };
  }

  /** Writes the list body of the entries last picked: frames adjacent in the ring go in one copy. */
  private writePicked(w: Writer): void {
    const picked = this.picked;
    const meta = this.meta;
    w.varint(picked.length);
    let runFrom = -1;
    let runEnd = -1;
    for (let k = 0; k < picked.length; k++) {
      const slot = picked[k]!;
      const at = meta[slot * M + OFFSET]!;
      if (at !== runEnd) {
        if (runFrom >= 0) w.bytesFrom(this.buf, runFrom, runEnd - runFrom);
        runFrom = at;
      }
      runEnd = at + meta[slot * M + LENGTH]!;
    }
    if (runFrom >= 0) w.bytesFrom(this.buf, runFrom, runEnd - runFrom);
  }

  private readonly picked: number[] = [];
  private readonly list = new PickedList((w) => this.writePicked(w));

  /** A copy of the frame of entry i. */
  frame(i: number): Uint8Array {
    const slot = this.slot(i);
    return this.buf.slice(this.meta[slot * M + OFFSET]!, this.meta[slot * M + OFFSET]! + this.meta[slot * M + LENGTH]!);
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
  reset(context: SeqCeiling = new SeqCeiling()): void {
    this.clear();
    this.start = 0;
    this.end = 0;
    this.base = context;
  }

  private slot(i: number): number {
    if (i < this.start || i >= this.end) throw new RangeError(`log index ${i} outside [${this.start}, ${this.end})`);
    return i % this.capacity;
  }

  private clear(): void {
    while (this.size > 0) this.dropOldest(false);
    this.tail = 0;
    this.used = 0;
  }

  /** Finds room for n contiguous bytes in the ring, evicting the oldest entries as needed. */
  private allocate(n: number): number {
    while (this.size > 0 && this.used + n > this.maxBytes) this.evictOldest();
    if (n > this.buf.length) this.grow(n);
    for (;;) {
      if (this.size === 0) {
        this.tail = 0;
        this.used = 0;
      }
      const head = this.size === 0 ? this.tail : this.meta[(this.start % this.capacity) * M + OFFSET]!;
      const full = this.size > 0 && head === this.tail;
      if (!full) {
        if (this.tail >= head) {
          if (this.buf.length - this.tail >= n) return this.take(this.tail, n);
          if (head >= n && this.size > 0) return this.take(0, n); // wrap; the tail end stays unused
          if (this.size === 0) return this.take(0, n);
        } else if (head - this.tail >= n) {
          return this.take(this.tail, n);
        }
      }
      if (this.used + n <= this.maxBytes && this.buf.length < this.maxBytes) {
        this.grow(this.buf.length * 2);
        continue;
      }
      this.evictOldest();
    }
  }

  private take(at: number, n: number): number {
    this.tail = at + n;
    return at;
  }

  /** Doubles the ring (at least to `min` bytes), compacting the live frames to its start. */
  private grow(min: number): void {
    let size = this.buf.length;
    while (size < min) size *= 2;
    size = Math.max(size, min);
    const next = new Uint8Array(size);
    let at = 0;
    // Frames lie in runs of adjacent bytes (at most two, around the wrap): one copy per run.
    let runFrom = -1;
    let runEnd = -1;
    let runAt = 0;
    for (let i = this.start; i < this.end; i++) {
      const slot = i % this.capacity;
      const off = this.meta[slot * M + OFFSET]!;
      const len = this.meta[slot * M + LENGTH]!;
      if (off !== runEnd) {
        if (runFrom >= 0) next.set(this.buf.subarray(runFrom, runEnd), runAt);
        runFrom = off;
        runAt = at;
      }
      runEnd = off + len;
      this.meta[slot * M + OFFSET] = at;
      at += len;
    }
    if (runFrom >= 0) next.set(this.buf.subarray(runFrom, runEnd), runAt);
    this.buf = next;
    this.tail = at;
  }

  private evictOldest(): void {
    this.dropOldest(true);
  }

  private dropOldest(intoBase: boolean): void {
    const slot = this.start % this.capacity;
    const base = this.base;
    if (intoBase && base !== null) {
      const origin = this.meta[slot * M + ORIGIN]!;
      if (origin >= 0) base.add(origin, this.meta[slot * M + SEQ]!);
      else for (const r of this.dotsOf[slot] ?? []) base.add(originIndex(r.replica), r.to);
    }
    if (this.meta[slot * M + ORIGIN]! < 0) this.dotsOf[slot] = null; // only relayed states hold dots
    this.used -= this.meta[slot * M + LENGTH]!;
    this.start++;
  }
}

/** −1 marks local updates and relayed states in the log: as a peer or origin to skip, it skips nothing. */
function asSkip(n: number): number {
  return n < 0 ? -2 : n;
}

/**
 * A list body of log entries, written straight into the message that carries it (the frames
 * are copied once, from the log's ring into the message). Valid until the log's next list or
 * append; `bytes()` makes a copy that stays.
 */
export class PickedList implements BodyWriter {
  length = 0;

  constructor(private readonly write: (w: Writer) => void) {}

  writeTo(w: Writer): void {
    this.write(w);
  }

  bytes(): Uint8Array {
    const w = new Writer(this.length);
    this.write(w);
    return w.finish();
  }
}

/** Numbers per entry in DeltaLog.meta, and where each sits. */
const M = 6;
const SEQ = 0;
const ORIGIN = 1;
const VIA = 2;
const KNOWN = 3;
const OFFSET = 4;
const LENGTH = 5;
