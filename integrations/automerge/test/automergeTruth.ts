// The tests' own account of an Automerge document's state: the hashes of every change it
// holds (its history; equal histories are equal states), read with decodeChange rather than
// from heads as the adapter's hash is.
import * as A from "@automerge/automerge";

export function automergeTruth(doc: A.Doc<unknown>): string {
  return JSON.stringify(A.getAllChanges(doc).map((c) => A.decodeChange(c).hash).sort());
}
