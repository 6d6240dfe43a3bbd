// y-protocols' sync messages, counted (entry `@driftscope/yjs/y-protocols`, so that
// y-protocols stays an optional peer): the same calls as `y-protocols/sync`, with the
// observed source (and the peer at the other end) first. Step 1 carries a state vector (a
// digest), step 2 and updates carry items (deltas); a received step 2 or update is one merge.
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as sync from "y-protocols/sync";
import type { SyncKind, YDocSource } from "./YDocSource.js";
import type { PeerOptions } from "./syncPaths.js";

const KIND: Record<number, SyncKind> = { [sync.messageYjsSyncStep1]: "digest", [sync.messageYjsSyncStep2]: "delta", [sync.messageYjsUpdate]: "delta" };

/** sync.writeSyncStep1, counted as sent. */
export function writeSyncStep1(source: YDocSource, encoder: encoding.Encoder, options: PeerOptions = {}): void {
  counted(source, encoder, options.peer, () => sync.writeSyncStep1(encoder, source.doc));
}

/** sync.writeSyncStep2, counted as sent. */
export function writeSyncStep2(source: YDocSource, encoder: encoding.Encoder, encodedStateVector?: Uint8Array, options: PeerOptions = {}): void {
  counted(source, encoder, options.peer, () => sync.writeSyncStep2(encoder, source.doc, encodedStateVector));
}

/** sync.writeUpdate (an update from `doc.on("update")`), counted as sent. */
export function writeUpdate(source: YDocSource, encoder: encoding.Encoder, update: Uint8Array, options: PeerOptions = {}): void {
  counted(source, encoder, options.peer, () => sync.writeUpdate(encoder, update));
}

/**
 * sync.readSyncMessage, counted: the message as received from `peer` (its bytes from the
 * decoder's position on), its merge attributed to `peer`, and a reply written into
 * `encoder` (step 2 answering a step 1) as sent.
 */
export function readSyncMessage(
  source: YDocSource,
  decoder: decoding.Decoder,
  encoder: encoding.Encoder,
  options: PeerOptions & { origin?: unknown; onError?: (error: Error) => void } = {},
): number {
  const bytes = decoder.arr.byteLength - decoder.pos;
  const type = decoding.peekVarUint(decoder);
  source.countReceived(KIND[type] ?? "delta", bytes, options.peer);
  const replyFrom = encoding.length(encoder);
  const read = source.mergeFrom(options.peer, () => sync.readSyncMessage(decoder, encoder, source.doc, options.origin ?? source, options.onError));
  const reply = encoding.length(encoder) - replyFrom;
  if (reply > 0) source.countSent("delta", reply, options.peer);
  return read;
}

function counted(source: YDocSource, encoder: encoding.Encoder, peer: string | undefined, write: () => void): void {
  const from = encoding.length(encoder);
  write();
  const bytes = encoding.length(encoder) - from;
  const type = decoding.readVarUint(decoding.createDecoder(encoding.toUint8Array(encoder).subarray(from)));
  source.countSent(KIND[type] ?? "delta", bytes, peer);
}
