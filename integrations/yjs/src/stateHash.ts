// The canonical state of a Yjs document and its hash.
//
// A Yjs document's CRDT state is the set of items it integrated plus which of them are
// deleted. Items of one client are integrated in clock order, so the state vector names the
// first set exactly; the delete set (built from the struct store, in maximal runs) names the
// second. `Y.encodeSnapshot(Y.snapshot(doc))` writes both sorted by client, so equal states
// give equal bytes however the items happen to be split in memory and whether or not deleted
// content was garbage-collected. `Y.encodeStateAsUpdate` is not canonical: its bytes differ
// between a document that collected deleted content and one that keeps it (`gc: false`), and
// it also carries pending updates (received, not integrated until what they depend on comes).
import * as Y from "yjs";

/** Hash, size and the counts behind the default summary. */
export interface YStateDigest {
  hash: string;
  bytes: number;
  /** Clock units (dots) deleted, from the delete set. */
  deleted: number;
  /** Clock units (dots) integrated, from the state vector. */
  dots: number;
  clients: number;
}

/** Digests the state: hash of (state vector, delete set), size of the whole encoded state. */
export function digestYDoc(doc: Y.Doc): YStateDigest {
  const snapshot = Y.snapshot(doc);
  let deleted = 0;
  for (const items of snapshot.ds.clients.values()) for (const item of items) deleted += item.len;
  let dots = 0;
  for (const clock of snapshot.sv.values()) dots += clock;
  return {
    hash: hashBytes(Y.encodeSnapshot(snapshot)),
    bytes: Y.encodeStateAsUpdate(doc).byteLength,
    deleted,
    dots,
    clients: snapshot.sv.size,
  };
}

/**
 * 64-bit FNV-1a over the bytes, as 16 hex digits. Plain JavaScript so it runs wherever Yjs
 * does (Node, browsers, workers); the hash is compared for equality only.
 */
export function hashBytes(bytes: Uint8Array): string {
  // Two 32-bit lanes: the low and high halves of the 64-bit FNV state.
  let lo = 0x84222325;
  let hi = 0xcbf29ce4;
  for (let i = 0; i < bytes.length; i++) {
    lo = (lo ^ bytes[i]!) >>> 0;
    // Multiply (hi, lo) by the 64-bit FNV prime 0x100000001b3 = 2^40 + 0x1b3.
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newHi = (Math.imul(hi, 0x1b3) + carry + (lo << 8)) >>> 0;
    lo = loMul >>> 0;
    hi = newHi;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}
