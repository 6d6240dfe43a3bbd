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
  const r = new Reader(list);
  const count = r.varint();
  for (let i = 0; i < count; i++) {
    const start = r.pos;
    const kind = r.u8();
    let origin = -1;
    let seq = -1;
    let hash: string | null = null;
    if (kind === KIND_UPDATE) {
      const at = r.skipString();
      origin = originIndexOfBytes(list, at, r.pos - at);
      seq = r.varint();
    } else if (kind === KIND_STATE) {
      hash = r.string();
    } else {
      throw new WireError(`unknown frame kind ${kind}`);
    }
    const length = r.varint();
    const bodyAt = r.pos;
    if (length > r.remaining) throw new WireError("truncated delta list");
    r.pos += length;
    visit(origin, seq, hash, start, bodyAt, r.pos);
  }
  if (r.remaining !== 0) throw new WireError("trailing bytes after the delta list");
}

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
