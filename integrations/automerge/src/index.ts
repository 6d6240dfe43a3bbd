// @driftscope/automerge: observe Automerge documents with Driftscope.
//   const source = observeAutomerge(A.init({ actor: actorFor("editor-a") }), { id: "editor-a" });
//   agent.attach(source);
// then change and sync through the counted calls (change, generateSyncMessage,
// receiveSyncMessage, applyChanges, merge) and read the document from `source.doc`.
// See README.md for what is measured and what is not.
import type * as A from "@automerge/automerge";
import { AutomergeSource, type ObserveAutomergeOptions } from "./AutomergeSource.js";

/** Observes `doc` as replica `options.id`: `agent.attach(observeAutomerge(doc, { id }))`. */
export function observeAutomerge<T>(doc: A.Doc<T>, options: ObserveAutomergeOptions<T>): AutomergeSource<T> {
  return new AutomergeSource(doc, options);
}

export { AutomergeSource, type ObserveAutomergeOptions, type Step, type SyncKind } from "./AutomergeSource.js";
export { actorFor, originOfActor } from "./actorNames.js";
export { applyChanges, change, generateSyncMessage, merge, receiveSyncMessage, type PeerOptions } from "./syncPaths.js";
