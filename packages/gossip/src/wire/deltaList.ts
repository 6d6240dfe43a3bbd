// The body of a delta-payload state message: a list of log entries, each travelling as a
// self-contained frame, so a replica relays what it received by copying bytes (no re-encoding)
// and skips what it already has by reading a dot (no decoding).
//
//   list   = count (varint), frame*
//   frame  = 0, origin (string), seq (varint), length (varint), encodeDelta bytes   — one update
//          | 1, hash (string), length (varint), encodeDelta bytes                  — a full state relayed after a gap

import { Reader, WireError, Writer } from "./codec.js";
import { originIndexOfBytes } from "./origins.js";

const KIND_UPDATE = 0;
const KIND_STATE = 1;

/** The frame of one update: its dot, then the crdt's encoding of its delta. */
export function updateFrame(origin: string, seq: number, delta: Uint8Array): Uint8Array {
  const w = new Writer(delta.length + origin.length + 12);
  w.u8(KIND_UPDATE);
  w.string(origin);
  w.varint(seq);
  w.varint(delta.length);
  w.bytes(delta);
  return w.finish();
}

/** The frame of a full state (received after a gap) relayed like an update; `hash` identifies it. */
export function stateFrame(hash: string, state: Uint8Array): Uint8Array {
  const w = new Writer(state.length + hash.length + 12);
  w.u8(KIND_STATE);
  w.string(hash);
  w.varint(state.length);
  w.bytes(state);
  return w.finish();
}

/** Concatenates frames into a list body. */
export function encodeList(frames: readonly Uint8Array[]): Uint8Array {
  let size = 0;
  for (const f of frames) size += f.length;
  const w = new Writer(size + 5);
  w.varint(frames.length);
  for (const f of frames) w.bytes(f);
  return w.finish();
}

/**
 * Receives one frame: an update of origin number `origin` (wire/origins.ts) with `seq`, or a
 * relayed state (origin −1, seq −1) identified by `hash`. The frame spans list[start, end) and
 * its crdt bytes list[bodyAt, end).
 */
export type FrameVisitor = (origin: number, seq: number, hash: string | null, start: number, bodyAt: number, end: number) => void;

/** Walks a list body without copying or building strings; throws WireError when it is malformed. */
export function forEachFrame(list: Uint8Array, visit: FrameVisitor): void {
  const frames = new FrameReader().reset(list);
  while (frames.next()) visit(frames.origin, frames.seq, frames.hash, frames.start, frames.bodyAt, frames.end);
}

/**
 * A cursor over a list body's frames, for the receive path (every relayed update of every
 * message passes here): `next()` reads one frame into the fields — what `forEachFrame` hands
 * its visitor — with no call or allocation per frame. Throws WireError at a malformed frame,
 * before it is returned, so the frames before it are read as usual.
 */
export class FrameReader {
  /** Origin number (wire/origins.ts) and seq of an update; −1 for a relayed state. */
  origin = -1;
  seq = -1;
  /** A relayed state's hash (null for an update). */
  hash: string | null = null;
  /** The frame is list[start, end), its crdt bytes list[bodyAt, end). */
  start = 0;
  bodyAt = 0;
  end = 0;
  private list: Uint8Array = EMPTY;
  private pos = 0;
  private left = 0;

  /** Starts on a list body (reads its frame count). */
  reset(list: Uint8Array): this {
    this.list = list;
    this.pos = 0;
    this.left = this.varint();
    return this;
  }

  /** Reads the next frame; false at the end of the list (WireError when bytes trail it). */
  next(): boolean {
    const list = this.list;
    if (this.left === 0) {
      if (this.pos !== list.length) throw new WireError("trailing bytes after the delta list");
      return false;
    }
    this.left--;
    const start = this.pos;
    if (start >= list.length) throw new WireError("truncated message");
    const kind = list[start]!;
    this.pos = start + 1;
    this.start = start;
    if (kind === KIND_UPDATE) {
      const n = this.varint();
      const at = this.pos;
      if (n > list.length - at) throw new WireError("truncated message");
      this.pos = at + n;
      this.origin = originIndexOfBytes(list, at, n);
      this.seq = this.varint();
      this.hash = null;
    } else if (kind === KIND_STATE) {
      const r = this.reader.reset(list);
      r.pos = this.pos;
      this.hash = r.string();
      this.pos = r.pos;
      this.origin = -1;
      this.seq = -1;
    } else {
      throw new WireError(`unknown frame kind ${kind}`);
    }
    const length = this.varint();
    if (length > list.length - this.pos) throw new WireError("truncated delta list");
    this.bodyAt = this.pos;
    this.pos += length;
    this.end = this.pos;
    return true;
  }

  /** The varint at `pos` (LEB128, at most 8 bytes, a safe integer: what Reader.varint reads), read in place. */
  private varint(): number {
    const list = this.list;
    let pos = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (pos >= list.length) throw new WireError("truncated message");
      const b = list[pos++]!;
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw new WireError("varint out of range");
        this.pos = pos;
        return result;
      }
      scale *= 0x80;
    }
    throw new WireError("varint too long");
  }

  private readonly reader = new Reader(EMPTY);
}

const EMPTY = new Uint8Array(0);

/** The body of a fallback after a gap: `snapshot length (varint), snapshot, list`. */
export function joinFallback(snapshot: Uint8Array, list: Uint8Array): Uint8Array {
  const w = new Writer(snapshot.length + list.length + 5);
  w.varint(snapshot.length);
  w.bytes(snapshot);
  w.bytes(list);
  return w.finish();
}

/** Splits what joinFallback joined (views into `body`). */
export function splitFallback(body: Uint8Array): { snapshot: Uint8Array; list: Uint8Array } {
  const r = new Reader(body);
  const length = r.varint();
  const snapshot = r.bytes(length);
  return { snapshot, list: body.subarray(r.pos) };
}
