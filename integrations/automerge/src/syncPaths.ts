// Automerge's own calls, counted: the same names and arguments as @automerge/automerge
// with the observed source first (and the peer at the other end in the options). Each
// returns what Automerge returns, except the document, which moves on in `source.doc`.
import * as A from "@automerge/automerge";
import type { AutomergeSource, SyncKind } from "./AutomergeSource.js";

export interface PeerOptions {
  /** The replica at the other end (shown in the topology view). */
  peer?: string;
}

/** A.change: the replica's own change (its dots). */
export function change<T>(source: AutomergeSource<T>, fn: A.ChangeFn<T>, options?: A.ChangeOptions<T>): A.Doc<T> {
  return source.moveTo(options === undefined ? A.change(source.doc, fn) : A.change(source.doc, options, fn), { local: true });
}

/** A.generateSyncMessage for `peer`, counted as sent (`delta` when it carries changes, else `digest`). */
export function generateSyncMessage<T>(source: AutomergeSource<T>, syncState: A.SyncState, options: PeerOptions = {}): [A.SyncState, A.SyncMessage | null] {
  const [next, message] = A.generateSyncMessage(source.doc, syncState);
  if (message !== null) source.countSent(kindOf(message), message.byteLength, options.peer);
  return [next, message];
}

/**
 * A.receiveSyncMessage from `peer`, counted as received; a message that carries changes is
 * one merge (changing exactly when some of them were new and could be applied).
 */
export function receiveSyncMessage<T>(source: AutomergeSource<T>, syncState: A.SyncState, message: A.SyncMessage, options: PeerOptions = {}): A.SyncState {
  const kind = kindOf(message);
  source.countReceived(kind, message.byteLength, options.peer);
  const [next, state] = A.receiveSyncMessage(source.doc, syncState, message);
  if (kind === "delta") source.moveTo(next, { local: false, peer: options.peer });
  else source.moveTo(next, { local: true }); // heads and bloom filters only: no merge, and no change
  return state;
}

/** A.applyChanges of changes received from `peer`: one message of their total size, one merge. */
export function applyChanges<T>(source: AutomergeSource<T>, changes: A.Change[], options: PeerOptions = {}): A.Doc<T> {
  source.countReceived("delta", changes.reduce((n, c) => n + c.byteLength, 0), options.peer);
  const [next] = A.applyChanges(source.doc, changes);
  return source.moveTo(next, { local: false, peer: options.peer });
}

/** A.merge of another document held in this process (no message to count): one merge. */
export function merge<T>(source: AutomergeSource<T>, remote: A.Doc<T>, options: PeerOptions = {}): A.Doc<T> {
  return source.moveTo(A.merge(source.doc, remote), { local: false, peer: options.peer });
}

function kindOf(message: A.SyncMessage): SyncKind {
  return A.decodeSyncMessage(message).changes.length > 0 ? "delta" : "digest";
}
