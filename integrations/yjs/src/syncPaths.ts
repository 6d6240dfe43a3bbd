// Yjs's own sync calls, counted: drop-in replacements for Y.applyUpdate,
// Y.encodeStateAsUpdate and Y.encodeStateVector that take the observed source (and the peer
// at the other end) first. A provider that sends what `doc.on("update")` gives it counts
// each message with `source.countSent("delta", update.byteLength, peer)`.
import * as Y from "yjs";
import type { YDocSource } from "./YDocSource.js";

export interface PeerOptions {
  /** The replica at the other end (shown in the topology view). */
  peer?: string;
}

/** Y.applyUpdate, counted: one message received from `peer`, merged once (changing or not). */
export function applyUpdate(source: YDocSource, update: Uint8Array, options: PeerOptions & { origin?: unknown } = {}): void {
  source.countReceived("delta", update.byteLength, options.peer);
  source.mergeFrom(options.peer, () => Y.applyUpdate(source.doc, update, options.origin ?? source));
}

/**
 * Y.encodeStateAsUpdate, counted as a message sent to `peer`: the whole state (`full`), or
 * what the peer's encoded state vector lacks (`delta`).
 */
export function encodeStateAsUpdate(source: YDocSource, options: PeerOptions & { stateVector?: Uint8Array } = {}): Uint8Array {
  const update = Y.encodeStateAsUpdate(source.doc, options.stateVector);
  source.countSent(options.stateVector === undefined ? "full" : "delta", update.byteLength, options.peer);
  return update;
}

/** Y.encodeStateVector, counted as a message sent to `peer` (a digest: "this is what I have"). */
export function encodeStateVector(source: YDocSource, options: PeerOptions = {}): Uint8Array {
  const vector = Y.encodeStateVector(source.doc);
  source.countSent("digest", vector.byteLength, options.peer);
  return vector;
}
