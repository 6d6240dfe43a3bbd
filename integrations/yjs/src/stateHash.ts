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
import { hashBytes } from "@driftscope/agent";
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
