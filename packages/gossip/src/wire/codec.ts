// Minimal binary writer/reader for gossip message headers: varints and short strings.

const encoder = new TextEncoder();
const decoder = new TextDecoder("utf-8", { fatal: true });

/** Thrown when bytes are not a well-formed gossip message. */
export class WireError extends Error {
  override name = "WireError";
}

/**
 * Outgoing messages are carved from shared slabs rather than allocated one by one: a typed array
 * of more than a few dozen bytes gets its own backing store, which costs more than encoding the
 * message. A slab is only ever appended to, never reused, and is freed once no message in it is
 * referenced any more.
 */
const SLAB_BYTES = 256 * 1024;
let slab = new Uint8Array(SLAB_BYTES);
let slabPos = 0;
const NO_BYTES = new Uint8Array(0);

/** Appends to a growable buffer; `finish()` returns the bytes written. */
export class Writer {
  private buf: Uint8Array;
  private pos = 0;
  /** This writer's region of `buf` is [base, limit): a whole buffer of its own, or a slab region. */
  private base = 0;
  private limit: number;
  /** Whether the region is carved from the current slab (see inSlab). */
  private slabbed = false;

  constructor(capacity = 64) {
    this.buf = capacity === 0 ? NO_BYTES : new Uint8Array(capacity);
    this.limit = capacity;
  }

  /** A writer whose bytes live in the shared slab (for messages: see SLAB_BYTES). */
  static inSlab(capacity: number): Writer {
    if (capacity > SLAB_BYTES / 4) return new Writer(capacity);
    if (slabPos + capacity > slab.length) {
      slab = new Uint8Array(SLAB_BYTES);
      slabPos = 0;
    }
    // Written in place in the slab: no view of its own until finish().
    const w = new Writer(0);
    w.buf = slab;
    w.base = slabPos;
    w.pos = slabPos;
    w.limit = slabPos + capacity;
    w.slabbed = true;
    slabPos += capacity;
    return w;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.limit) return;
    const used = this.pos - this.base;
    let size = Math.max(1, (this.limit - this.base) * 2);
    while (size < used + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(this.base, this.pos));
    this.buf = next;
    this.base = 0;
    this.pos = used;
    this.limit = size;
    this.slabbed = false;
  }

  u8(value: number): void {
    this.ensure(1);
    this.buf[this.pos++] = value;
  }

  /** Four bytes, little-endian. */
  u32(value: number): void {
    this.ensure(4);
    const buf = this.buf;
    buf[this.pos++] = value & 0xff;
    buf[this.pos++] = (value >>> 8) & 0xff;
    buf[this.pos++] = (value >>> 16) & 0xff;
    buf[this.pos++] = (value >>> 24) & 0xff;
  }

  /** Unsigned varint (LEB128) of a safe integer ≥ 0. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`varint needs a safe integer >= 0, got ${value}`);
    this.ensure(8);
    while (value >= 0x80) {
      this.buf[this.pos++] = (value % 0x80) | 0x80;
      value = Math.floor(value / 0x80);
    }
    this.buf[this.pos++] = value;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.pos);
    this.pos += data.length;
  }

  /** Copies `length` bytes of `source` from `offset` (no view allocated for short runs). */
  bytesFrom(source: Uint8Array, offset: number, length: number): void {
    this.ensure(length);
    const buf = this.buf;
    let pos = this.pos;
    if (length <= 64) {
      for (let i = 0; i < length; i++) buf[pos++] = source[offset + i]!;
    } else {
      buf.set(source.subarray(offset, offset + length), pos);
      pos += length;
    }
    this.pos = pos;
  }

  /** Length-prefixed UTF-8 string (ASCII fast path: replica ids are usually ASCII). */
  string(value: string): void {
    const n = value.length;
    let ascii = n < 128;
    for (let i = 0; ascii && i < n; i++) if (value.charCodeAt(i) > 0x7f) ascii = false;
    if (ascii) {
      this.ensure(n + 1);
      this.buf[this.pos++] = n;
      for (let i = 0; i < n; i++) this.buf[this.pos++] = value.charCodeAt(i);
      return;
    }
    const data = encoder.encode(value);
    this.varint(data.length);
    this.bytes(data);
  }

  finish(): Uint8Array {
    // The unused end of a slab region goes back when no later region was carved since.
    if (this.slabbed && this.buf === slab && slabPos === this.limit) slabPos = this.pos;
    this.slabbed = false;
    return this.buf.subarray(this.base, this.pos);
  }
}

/** Reads what a Writer wrote; throws WireError on truncated or malformed input. */
/** Bytes of the varint (LEB128) of n ≥ 0. */
export function varintLength(n: number): number {
  let length = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 0x80);
    length++;
  }
  return length;
}

export class Reader {
  pos = 0;

  constructor(private buf: Uint8Array) {}

  /** Starts reading other bytes (one Reader is reused per hot path: no allocation per message). */
  reset(buf: Uint8Array): this {
    this.buf = buf;
    this.pos = 0;
    return this;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  u8(): number {
    if (this.pos >= this.buf.length) throw new WireError("truncated message");
    return this.buf[this.pos++]!;
  }

  varint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw new WireError("varint out of range");
        return result;
      }
      scale *= 0x80;
    }
    throw new WireError("varint too long");
  }

  bytes(n: number): Uint8Array {
    if (n > this.remaining) throw new WireError("truncated message");
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Skips a string, returning where its bytes start (length at `pos - start`). */
  skipString(): number {
    const n = this.varint();
    if (n > this.remaining) throw new WireError("truncated message");
    const start = this.pos;
    this.pos += n;
    return start;
  }

  string(): string {
    const n = this.varint();
    // Short ASCII (replica ids): build it directly, no TextDecoder, no apply.
    if (n <= 8 && n <= this.remaining) {
      const b = this.buf;
      const p = this.pos;
      let ascii = true;
      for (let i = 0; i < n; i++) if (b[p + i]! > 0x7f) ascii = false;
      if (ascii) {
        this.pos += n;
        switch (n) {
          case 0: return "";
          case 1: return String.fromCharCode(b[p]!);
          case 2: return String.fromCharCode(b[p]!, b[p + 1]!);
          case 3: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!);
          case 4: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
          case 5: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!);
          case 6: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!);
          case 7: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!);
          default: return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!, b[p + 4]!, b[p + 5]!, b[p + 6]!, b[p + 7]!);
        }
      }
    }
    const data = this.bytes(n);
    let ascii = true;
    for (let i = 0; i < n; i++) if (data[i]! > 0x7f) { ascii = false; break; }
    if (ascii && n <= 1024) return String.fromCharCode.apply(null, data as unknown as number[]);
    try {
      return decoder.decode(data);
    } catch {
      throw new WireError("invalid UTF-8 in string");
    }
  }

  rest(): Uint8Array {
    return this.bytes(this.remaining);
  }
}
