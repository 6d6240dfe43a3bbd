/** Highest contiguous seq per origin (structurally the crdt VersionVector). */
type VersionVector = Map<string, number>;
import { Reader, WireError, Writer } from "./codec.js";
import { PROCESS_TAG, originCount, originFollows, originIndexOfBytes, originName } from "./origins.js";

/**
 * A version vector already in its wire form: a replica encodes its own once per state change and
 * sends the same bytes to every peer. Two forms: by name, `count, (id, seq)*` (self-describing),
 * and by number, `process tag (u32), k, byte length, seq*` — the seqs of origins 0..k−1 of this process's
 * origin table (wire/origins.ts), 0 for none: about 2 bytes an entry instead of 7, and read
 * without looking names up. The numbered form is only for transports whose peers all share
 * the process (Transport.inProcess).
 */
export interface EncodedVector {
  readonly encoded: Uint8Array;
  /** Number of entries with a seq > 0. */
  readonly size: number;
  /** The numbered form (else by name). */
  readonly numbered?: boolean;
  /**
   * A partial vector, the answer to a delta digest: only the origins where the sender is behind
   * that digest, with its own seqs (0 included). At every origin not listed it holds at least
   * what the digest listed. Numbered, it is `tag (u32), count, byte length, (origin, seq)*`.
   */
  readonly partial?: boolean;
}

/** What a message carries on the wire. */
export type MessageKind = "state" | "pull" | "ack" | "digest";
/** How state travels: whole states, acknowledged delta-groups, or version-vector-first. */
export type PayloadKind = "full" | "delta" | "digest";

/** One gossip message, decoded. Bytes on the wire: see `encodeMessage`. */
export interface GossipMessage {
  kind: MessageKind;
  /** The payload setting of the exchange (the initiator's); answers follow it. */
  payload: PayloadKind;
  /** `state`: carries a full snapshot rather than a delta-group. */
  full: boolean;
  /** The receiver should answer with its state (push-pull). */
  reply: boolean;
  /** The receiver should acknowledge (a delta push). */
  ackWanted: boolean;
  /** Sender's incarnation (bumped when it is restored empty). */
  incarnation: number;
  /** How far the sender has received the receiver's delta log (an acknowledgement). */
  ack: number;
  /** The receiver incarnation that `ack` refers to. */
  ackIncarnation: number;
  /** `state`: the sender's delta-log index range [logFrom, logTo) this state covers. */
  logFrom: number;
  logTo: number;
  /** Sender's state hash (full states, digests). */
  hash: string | null;
  /** Sender's version vector (digests, and pulls that answer one), as a map or pre-encoded. */
  versionVector: VersionVector | EncodedVector | null;
  /** `state`: the crdt's canonical encoding of the delta or snapshot (bytes, or written in place). */
  body: Uint8Array | BodyWriter | null;
}

/** A body written straight into the message being encoded (no copy of its own first). */
export interface BodyWriter {
  /** Its exact size in bytes. */
  readonly length: number;
  writeTo(w: Writer): void;
}

const VERSION = 1;
const KINDS: readonly MessageKind[] = ["state", "pull", "ack", "digest"];
const PAYLOADS: readonly PayloadKind[] = ["full", "delta", "digest"];
const F_FULL = 1;
const F_REPLY = 2;
const F_HASH = 4;
const F_VV = 8;
const F_BODY = 16;
const F_ACK = 32;
/** The vector is in the numbered form (see EncodedVector). */
const F_VNUM = 64;
/** The vector is partial (see EncodedVector.partial). */
const F_PART = 128;

/**
 * `[version u8][kind u8][flags u8][payload u8][incarnation][ack][ackIncarnation][logFrom][logTo]`
 * (varints) `[hash string]? [vv: count, (id, seq)* | tag, k, seq*]? [body: rest]?` — a few bytes of header
 * around the crdt's canonical encoding.
 */
export function encodeMessage(m: GossipMessage): Uint8Array {
  const vv = m.versionVector;
  const w = Writer.inSlab(32 + (m.hash?.length ?? 0) + (m.body?.length ?? 0) + (vv === null ? 0 : "encoded" in vv ? vv.encoded.length : vv.size * 12));
  let flags = 0;
  if (m.full) flags |= F_FULL;
  if (m.reply) flags |= F_REPLY;
  if (m.ackWanted) flags |= F_ACK;
  if (m.hash !== null) flags |= F_HASH;
  if (m.versionVector !== null) flags |= F_VV;
  if (vv !== null && "encoded" in vv && vv.numbered === true) flags |= F_VNUM;
  if (vv !== null && "encoded" in vv && vv.partial === true) flags |= F_PART;
  if (m.body !== null) flags |= F_BODY;
  w.u8(VERSION);
  w.u8(KINDS.indexOf(m.kind));
  w.u8(flags);
  w.u8(PAYLOADS.indexOf(m.payload));
  w.varint(m.incarnation);
  w.varint(m.ack);
  w.varint(m.ackIncarnation);
  w.varint(m.logFrom);
  w.varint(m.logTo);
  if (m.hash !== null) w.string(m.hash);
  if (vv !== null) {
    if ("encoded" in vv) {
      w.bytes(vv.encoded);
    } else {
      w.varint(vv.size);
      for (const [id, seq] of vv) {
        w.string(id);
        w.varint(seq);
      }
    }
  }
  if (m.body instanceof Uint8Array) w.bytes(m.body);
  else if (m.body !== null) m.body.writeTo(w);
  return w.finish();
}

/** A decoded message: header fields, with hash and body left in the received bytes until needed. */
export interface ReceivedMessage extends Omit<GossipMessage, "hash" | "body" | "versionVector"> {
  readonly raw: Uint8Array;
  /**
   * Offset of the version vector's first entry in `raw` (−1: none) and its entry count (the
   * numbered form: its k slots, zeros included); read it with {@link forEachVectorEntry}.
   */
  readonly vectorAt: number;
  /** The numbered form: where its seqs end in `raw`. */
  readonly vectorEnd: number;
  readonly vectorSize: number;
  /** The vector is in the numbered form (origin numbers of this process). */
  readonly vectorNumbered: boolean;
  /** The vector is partial (EncodedVector.partial): `vectorSize` is then its count of listed origins. */
  readonly vectorPartial: boolean;
  /** Offset and length of the hash string in `raw` (hashAt −1: none). */
  readonly hashAt: number;
  readonly hashLength: number;
  /** Offset of the body in `raw` (−1: none). */
  readonly bodyAt: number;
}

const reader = new Reader(new Uint8Array(0));

/** Decodes a message; throws WireError when the bytes are not one. */
export function decodeMessage(bytes: Uint8Array): ReceivedMessage {
  const r = reader.reset(bytes);
  if (r.u8() !== VERSION) throw new WireError("unknown gossip message version");
  const kind = KINDS[r.u8()];
  const flags = r.u8();
  const payload = PAYLOADS[r.u8()];
  if (kind === undefined || payload === undefined) throw new WireError("unknown message kind or payload");
  const incarnation = r.varint();
  const ack = r.varint();
  const ackIncarnation = r.varint();
  const logFrom = r.varint();
  const logTo = r.varint();
  let hashAt = -1;
  let hashLength = 0;
  if (flags & F_HASH) {
    hashAt = r.skipString();
    hashLength = r.pos - hashAt;
  }
  let vectorAt = -1;
  let vectorEnd = -1;
  let vectorSize = 0;
  const vectorNumbered = (flags & F_VNUM) !== 0;
  const vectorPartial = (flags & F_PART) !== 0;
  if (flags & F_VV && vectorNumbered) {
    const tag = (r.u8() | (r.u8() << 8) | (r.u8() << 16) | (r.u8() << 24)) >>> 0;
    if (tag !== PROCESS_TAG) throw new WireError("version vector numbered by another process's origin table");
    vectorSize = r.varint();
    // Dense: one varint per origin 0..k−1. Partial: an (origin, seq) pair of varints per entry.
    const perEntry = vectorPartial ? 2 : 1;
    if (!vectorPartial && vectorSize > originCount()) throw new WireError("numbered version vector beyond the origin table");
    const length = r.varint();
    if (length > r.remaining || perEntry * vectorSize > length || length > 8 * perEntry * vectorSize) {
      throw new WireError("numbered version vector beyond the message");
    }
    // Its varints are checked as they are read (readNumberedVector), once, not here as well.
    vectorAt = r.pos;
    vectorEnd = r.pos + length;
    r.pos = vectorEnd;
  } else if (flags & F_VV) {
    // Checked here, read later without building strings (forEachVectorEntry).
    vectorSize = r.varint();
    if (vectorSize > r.remaining) throw new WireError("version vector longer than the message");
    vectorAt = r.pos;
    for (let i = 0; i < vectorSize; i++) {
      r.skipString();
      r.varint();
    }
  }
  const bodyAt = flags & F_BODY ? r.pos : -1;
  if (bodyAt < 0 && r.remaining !== 0) throw new WireError("trailing bytes");
  return {
    kind,
    payload,
    full: (flags & F_FULL) !== 0,
    reply: (flags & F_REPLY) !== 0,
    ackWanted: (flags & F_ACK) !== 0,
    incarnation,
    ack,
    ackIncarnation,
    logFrom,
    logTo,
    vectorAt,
    vectorEnd,
    vectorSize,
    vectorNumbered,
    vectorPartial,
    raw: bytes,
    hashAt,
    hashLength,
    bodyAt,
  };
}

/** Where varintBefore reads next (the vector readers below are not re-entrant). */
let cursor = 0;

/** The varint at `cursor` (at most 8 bytes, ending before `end`), moving the cursor past it; WireError (`what`) otherwise. */
function varintBefore(raw: Uint8Array, end: number, what: string): number {
  const start = cursor;
  let b = 0x80;
  let n = 0;
  let scale = 1;
  while (b >= 0x80) {
    if (cursor >= end || cursor - start >= 8) throw new WireError(what);
    b = raw[cursor++]!;
    n += (b & 0x7f) * scale;
    scale *= 0x80;
  }
  return n;
}

/**
 * Reads a numbered vector: calls `visit` with each origin whose seq is > 0, and the seq. Throws
 * WireError when its varints do not fill exactly the length the message gave them — visit into
 * scratch state, and act once the whole read succeeded.
 */
export function readNumberedVector(m: ReceivedMessage, visit: (origin: number, seq: number) => void): void {
  const raw = m.raw;
  const end = m.vectorEnd;
  cursor = m.vectorAt;
  for (let origin = 0; origin < m.vectorSize; origin++) {
    const seq = varintBefore(raw, end, "malformed numbered version vector");
    if (seq !== 0) visit(origin, seq);
  }
  if (cursor !== end) throw new WireError("malformed numbered version vector");
}

/**
 * Reads a numbered vector like {@link readNumberedVector}, but calls `visit` only for the
 * origins whose seq exceeds `floor[stride · origin]` (0 past its end): comparing a peer's
 * digest with one's own vector then costs a call per difference, not per entry.
 */
export function forEachNumberedAbove(m: ReceivedMessage, floor: Int32Array, stride: number, visit: (origin: number, seq: number) => void): void {
  const raw = m.raw;
  const end = m.vectorEnd;
  const k = m.vectorSize;
  const slots = Math.min(k, Math.floor(floor.length / stride));
  let pos = m.vectorAt;
  for (let origin = 0; origin < k; origin++) {
    if (pos >= end) throw new WireError("malformed numbered version vector");
    let b = raw[pos++]!;
    let seq = b;
    if (b >= 0x80) {
      seq = b & 0x7f;
      let scale = 0x80;
      let bytes = 1;
      do {
        if (pos >= end || ++bytes > 8) throw new WireError("malformed numbered version vector");
        b = raw[pos++]!;
        seq += (b & 0x7f) * scale;
        scale *= 0x80;
      } while (b >= 0x80);
    }
    if (seq > (origin < slots ? floor[stride * origin]! : 0)) visit(origin, seq);
  }
  if (pos !== end) throw new WireError("malformed numbered version vector");
}

/**
 * Reads a numbered partial vector: calls `visit` with each listed origin (below the origin
 * table's size) and its seq. Throws WireError when the entries do not fill exactly the length
 * the message gave them — visit into scratch state, and act once the whole read succeeded.
 */
export function readNumberedPartial(m: ReceivedMessage, visit: (origin: number, seq: number) => void): void {
  const raw = m.raw;
  const end = m.vectorEnd;
  const origins = originCount();
  cursor = m.vectorAt;
  for (let i = 0; i < m.vectorSize; i++) {
    const origin = varintBefore(raw, end, "malformed partial version vector");
    const seq = varintBefore(raw, end, "malformed partial version vector");
    if (origin >= origins) throw new WireError("partial version vector beyond the origin table");
    visit(origin, seq);
  }
  if (cursor !== end) throw new WireError("malformed partial version vector");
}

/** The sender's hash carried by a message, or null. */
export function messageHash(m: ReceivedMessage): string | null {
  if (m.hashAt < 0) return null;
  let s = "";
  for (let i = 0; i < m.hashLength; i++) s += String.fromCharCode(m.raw[m.hashAt + i]!);
  return s;
}

/** Does the message carry exactly this (ASCII) hash? Compares bytes: no string is built. */
export function hashEquals(m: ReceivedMessage, hash: string): boolean {
  if (m.hashAt < 0 || m.hashLength !== hash.length) return false;
  const raw = m.raw;
  for (let i = 0; i < hash.length; i++) if (raw[m.hashAt + i] !== hash.charCodeAt(i)) return false;
  return true;
}

/**
 * Calls `visit` with each entry of the message's version vector: origin number (wire/origins.ts)
 * and seq (a partial vector: each listed origin, seq 0 included).
 */
export function forEachVectorEntry(m: ReceivedMessage, visit: (origin: number, seq: number) => void): void {
  if (m.vectorAt < 0) return;
  const r = vectorReader.reset(m.raw);
  r.pos = m.vectorAt;
  if (m.vectorNumbered && m.vectorPartial) {
    readNumberedPartial(m, visit);
    return;
  }
  if (m.vectorNumbered) {
    readNumberedVector(m, visit);
    return;
  }
  let origin = -1;
  for (let i = 0; i < m.vectorSize; i++) {
    const at = r.skipString();
    // Vectors list origins in the sender's numbering order: within one process (and often
    // across), the next entry is the next number, checked by its bytes before any hashing.
    origin = originFollows(origin + 1, m.raw, at, r.pos - at) ? origin + 1 : originIndexOfBytes(m.raw, at, r.pos - at);
    visit(origin, r.varint());
  }
}

const vectorReader = new Reader(new Uint8Array(0));

/** The message's version vector as a map (null when it has none). */
export function messageVersionVector(m: ReceivedMessage): VersionVector | null {
  if (m.vectorAt < 0) return null;
  const out: VersionVector = new Map();
  if (m.vectorNumbered) {
    forEachVectorEntry(m, (origin, seq) => out.set(originName(origin), seq));
    return out;
  }
  const r = vectorReader.reset(m.raw);
  r.pos = m.vectorAt;
  for (let i = 0; i < m.vectorSize; i++) {
    const id = r.string();
    out.set(id, r.varint());
  }
  return out;
}

/** The encoded state a message carries, or null. */
export function messageBody(m: ReceivedMessage): Uint8Array | null {
  return m.bodyAt < 0 ? null : m.raw.subarray(m.bodyAt);
}
