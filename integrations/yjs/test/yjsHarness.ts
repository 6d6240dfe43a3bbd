// Replicas of one Y.Text for the contract suite: local inserts (several dots each) and
// deletes (no dot), synced by y-protocols' step 1 / step 2 messages through the counted calls.
import type { ReplicaSourceHarness } from "@driftscope/agent/testing";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { observeYDoc, type ObserveYDocOptions, type YDocSource } from "../src/index.js";
import { readSyncMessage, writeSyncStep1 } from "../src/yProtocols.js";
import { yjsTruth } from "./yjsTruth.js";

/** One exchange `from → to`: `to` asks with its state vector, `from` answers with what `to` lacks. */
export function syncPair(from: YDocSource, to: YDocSource): void {
  const ask = encoding.createEncoder();
  writeSyncStep1(to, ask, { peer: from.id });
  const answer = encoding.createEncoder();
  readSyncMessage(from, decoding.createDecoder(encoding.toUint8Array(ask)), answer, { peer: to.id });
  readSyncMessage(to, decoding.createDecoder(encoding.toUint8Array(answer)), encoding.createEncoder(), { peer: from.id });
}

export function yjsHarness(origins: ObserveYDocOptions["origins"] = "named"): ReplicaSourceHarness {
  return {
    name: `Y.Doc (origins: ${origins})`,
    create(replicas) {
      const docs = Array.from({ length: replicas }, () => new Y.Doc());
      const sources = docs.map((doc, i) => observeYDoc(doc, { id: `y${i}`, origins }));
      const text = (i: number) => docs[i]!.getText("t");
      return {
        sources,
        update(i, random) {
          const t = text(i);
          const n = 1 + Math.floor(random() * 4);
          t.insert(Math.floor(random() * (t.length + 1)), "abcdefgh".slice(0, n));
        },
        remove(i, random) {
          const t = text(i);
          if (t.length === 0) return false;
          const at = Math.floor(random() * t.length);
          t.delete(at, Math.min(t.length - at, 1 + Math.floor(random() * 3)));
          return true;
        },
        sync: (from, to) => syncPair(sources[from]!, sources[to]!),
        stateKey: (i) => yjsTruth(docs[i]!),
        close: () => docs.forEach((d) => d.destroy()),
      };
    },
  };
}
