// Canonical binary building blocks: unsigned LEB128 varints, zigzag integers,
// little-endian float64 and length-prefixed UTF-8 strings. Browser-safe (no Buffer).

/** Thrown when bytes handed to a decoder are not a valid canonical encoding. */
export class DecodeError extends Error {
  override readonly name = "DecodeError";
}

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder("utf-8", { fatal: true });
const scratch = new DataView(new ArrayBuffer(8));
const scratchBytes = new Uint8Array(scratch.buffer);

/** Direct-mapped cache of recently decoded short ASCII strings (a miss just replaces the slot). */
const INTERN_MASK = 4095;
const internTable: Array<string | undefined> = new Array<string | undefined>(INTERN_MASK + 1).fill(undefined);

/** Largest integer written with the zigzag integer form (beyond it numbers are float64). */
export const MAX_ZIGZAG_INT = 2 ** 52 - 1;

/** Growable byte buffer with canonical varint, zigzag, float64 and UTF-8 string writers. */
export class Writer {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(Math.max(16, initialBytes));
  }

  /** Bytes written so far. */
  get length(): number {
    return this.pos;
  }

  /** Forgets what was written, keeping the buffer for reuse. */
  reset(): void {
    this.pos = 0;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  /** One raw byte (0..255). */
  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** Unsigned LEB128 of a non-negative safe integer; the shortest form, so it is canonical. */
  varint(n: number): void {
    this.ensure(8);
    const buf = this.buf;
    let pos = this.pos;
    if (n >>> 0 === n) {
      // Fast path: fits in 32 bits, bit operations are exact.
      while (n >= 0x80) {
        buf[pos++] = (n & 0x7f) | 0x80;
        n >>>= 7;
      }
      buf[pos++] = n;
    } else {
      if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`varint: not a non-negative safe integer: ${n}`);
      // Above 2^32 bit operations would truncate; division by 128 is exact on doubles.
      while (n >= 0x80) {
        buf[pos++] = (n % 128) | 0x80;
        n = Math.floor(n / 128);
      }
      buf[pos++] = n;
    }
    this.pos = pos;
  }

  /** Signed integer in zigzag form (|n| ≤ MAX_ZIGZAG_INT): 0,-1,1,-2… → 0,1,2,3… */
  zigzag(n: number): void {
    this.varint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  /** IEEE-754 double, little-endian. */
  float64(x: number): void {
    scratch.setFloat64(0, x, true);
    this.raw(scratchBytes);
  }

  /** Raw bytes, no length prefix. */
  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Length-prefixed UTF-8 (the string must be well-formed UTF-16: no lone surrogates). */
  string(s: string): void {
    const n = s.length;
    if (n < 43) {
      // Short strings (all element names and replica ids in practice): encode by hand into
      // a 1-byte length slot — 3 bytes per UTF-16 unit at most, so the length stays < 128.
      this.ensure(1 + 3 * n);
      const buf = this.buf;
      const start = this.pos;
      let pos = start + 1;
      for (let i = 0; i < n; i++) {
        let c = s.charCodeAt(i);
        if (c < 0x80) {
          buf[pos++] = c;
        } else if (c < 0x800) {
          buf[pos++] = 0xc0 | (c >> 6);
          buf[pos++] = 0x80 | (c & 0x3f);
        } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
          c = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(++i) - 0xdc00);
          buf[pos++] = 0xf0 | (c >> 18);
          buf[pos++] = 0x80 | ((c >> 12) & 0x3f);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
        } else {
          if (c >= 0xd800 && c <= 0xdfff) c = 0xfffd; // lone surrogate, as TextEncoder does
          buf[pos++] = 0xe0 | (c >> 12);
          buf[pos++] = 0x80 | ((c >> 6) & 0x3f);
          buf[pos++] = 0x80 | (c & 0x3f);
        }
      }
      buf[start] = pos - start - 1;
      this.pos = pos;
      return;
    }
    const bytes = textEncoder.encode(s);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  /** A copy of the bytes written. */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  /** The bytes written so far, without a copy: valid until the writer's next write or reset. */
  view(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

/** Cursor over bytes with the readers matching {@link Writer}; throws {@link DecodeError} on bad input. */
export class Reader {
  private pos = 0;

  constructor(private buf: Uint8Array) {}

  /** Starts reading other bytes (a reader reused on a hot path allocates nothing per input). */
  reset(buf: Uint8Array): this {
    this.buf = buf;
    this.pos = 0;
    return this;
  }

  /** Bytes not read yet. */
  get remaining(): number {
    return this.buf.length - this.pos;
  }

  /** One raw byte. */
  byte(): number {
    if (this.pos >= this.buf.length) throw new DecodeError("unexpected end of input");
    return this.buf[this.pos++]!;
  }

  /** Unsigned LEB128; rejects overlong (non-canonical) forms and values above 2^53 − 1. */
  varint(): number {
    const buf = this.buf;
    const end = buf.length;
    if (this.pos >= end) throw new DecodeError("unexpected end of input");
    let b = buf[this.pos++]!;
    if (b < 0x80) return b;
    let result = b & 0x7f;
    let mul = 128;
    for (let i = 1; ; i++) {
      if (this.pos >= end) throw new DecodeError("unexpected end of input in varint");
      b = buf[this.pos++]!;
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (b === 0) throw new DecodeError("overlong varint");
        break;
      }
      if (i >= 7) throw new DecodeError("varint too long");
      mul *= 128;
    }
    if (result > Number.MAX_SAFE_INTEGER) throw new DecodeError("varint above 2^53 - 1");
    return result;
  }

  /** A count of items that each take at least one byte: bounded by the bytes left. */
  count(): number {
    const n = this.varint();
    if (n > this.remaining) throw new DecodeError(`count ${n} exceeds the ${this.remaining} bytes left`);
    return n;
  }

  /** Zigzag signed integer. */
  zigzag(): number {
    const z = this.varint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** Little-endian IEEE-754 double. */
  float64(): number {
    if (this.remaining < 8) throw new DecodeError("unexpected end of input in float64");
    for (let i = 0; i < 8; i++) scratchBytes[i] = this.buf[this.pos + i]!;
    this.pos += 8;
    return scratch.getFloat64(0, true);
  }

  /** Length-prefixed UTF-8; rejects invalid UTF-8. */
  string(): string {
    const len = this.varint();
    if (len > this.remaining) throw new DecodeError("string runs past the end of input");
    const buf = this.buf;
    const start = this.pos;
    this.pos += len;
    if (len < 32) {
      // Short ASCII (replica ids, keys): one decoded string per distinct content, so Map
      // lookups keyed by decoded ids compare by identity and decoding allocates nothing.
      let h = len;
      let i = start;
      for (; i < start + len; i++) {
        const c = buf[i]!;
        if (c >= 0x80) break;
        h = Math.imul(h ^ c, 0x01000193);
      }
      if (i === start + len) {
        const slot = (h ^ (h >>> 15)) & INTERN_MASK;
        const cached = internTable[slot];
        if (cached !== undefined && cached.length === len) {
          let k = 0;
          while (k < len && cached.charCodeAt(k) === buf[start + k]) k++;
          if (k === len) return cached;
        }
        let s = "";
        for (let j = start; j < start + len; j++) s += String.fromCharCode(buf[j]!);
        internTable[slot] = s;
        return s;
      }
    }
    try {
      return textDecoder.decode(buf.subarray(start, start + len));
    } catch {
      throw new DecodeError("invalid UTF-8 in string");
    }
  }

  /** Throws unless every byte has been consumed. */
  done(): void {
    if (this.pos !== this.buf.length) throw new DecodeError(`${this.buf.length - this.pos} trailing bytes`);
  }
}

/** Replica id → position in an encoding's replica table (ids sorted by UTF-16 code units; iteration is in table order). */
export type ReplicaIndex = Map<string, number>;

/** Tables of at least this many ids are cached (small ones are cheaper to rebuild than to check). */
const TABLE_CACHE_MIN = 16;

/**
 * The last large table written: its index and bytes. Replicas of one cluster converge to the
 * same set of ids, so most encodings of full states and snapshots reuse it. Never mutated.
 */
let cachedTable: { index: ReplicaIndex; bytes: Uint8Array } | undefined;

/** Sorts the ids, writes them as the encoding's replica table and returns their positions (do not mutate them). */
export function writeReplicaTable(w: Writer, replicas: Iterable<string>): ReplicaIndex {
  if (replicas instanceof Set && replicas.size >= TABLE_CACHE_MIN) {
    // A Set has distinct ids: same size and every id in the cached table ⇒ the same table.
    const cached = cachedTable;
    if (cached !== undefined && cached.index.size === replicas.size && everyIn(replicas, cached.index)) {
      w.raw(cached.bytes);
      return cached.index;
    }
    const tw = new Writer(replicas.size * 8);
    const index = writeSortedTable(tw, replicas);
    const bytes = tw.finish();
    cachedTable = { index, bytes };
    w.raw(bytes);
    return index;
  }
  return writeSortedTable(w, replicas);
}

function everyIn(ids: Set<string>, index: ReplicaIndex): boolean {
  for (const id of ids) if (!index.has(id)) return false;
  return true;
}

function writeSortedTable(w: Writer, replicas: Iterable<string>): ReplicaIndex {
  const ids = [...replicas].sort(); // default sort: UTF-16 code unit order
  const index: ReplicaIndex = new Map();
  w.varint(ids.length);
  for (let i = 0; i < ids.length; i++) {
    w.string(ids[i]!);
    index.set(ids[i]!, i);
  }
  return index;
}

/** Reads a replica table; ids must be strictly ascending (the canonical order). */
export function readReplicaTable(r: Reader): string[] {
  const n = r.count();
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = r.string();
    if (i > 0 && !(ids[i - 1]! < id)) throw new DecodeError("replica table not strictly ascending");
    ids.push(id);
  }
  return ids;
}

/** The replica id at table position `i`, or a DecodeError. */
export function replicaAt(table: readonly string[], i: number): string {
  const id = table[i];
  if (id === undefined) throw new DecodeError(`replica index ${i} outside the table of ${table.length}`);
  return id;
}
