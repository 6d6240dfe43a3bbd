// @driftscope/yjs: observe Yjs documents with Driftscope.
//   const source = observeYDoc(doc, { id: "editor-a" });
//   agent.attach(source);
// then sync through the counted calls (applyUpdate, encodeStateAsUpdate…, or the
// y-protocols messages of `@driftscope/yjs/y-protocols`). See README.md for what is
// measured and what is not.
import type * as Y from "yjs";
import { YDocSource, type ObserveYDocOptions } from "./YDocSource.js";

/** Observes `doc` as replica `options.id`: `agent.attach(observeYDoc(doc, { id }))`. */
export function observeYDoc(doc: Y.Doc, options: ObserveYDocOptions): YDocSource {
  return new YDocSource(doc, options);
}

export { YDocSource, type ObserveYDocOptions, type SyncKind } from "./YDocSource.js";
export { applyUpdate, encodeStateAsUpdate, encodeStateVector, type PeerOptions } from "./syncPaths.js";
export { ORIGINS_MAP } from "./originNames.js";
export { digestYDoc, type YStateDigest } from "./stateHash.js";
