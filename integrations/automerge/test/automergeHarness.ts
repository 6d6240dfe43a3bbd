// Replicas of one Automerge document for the contract suite: local changes pushing to a list
// (one change, one dot each), removals (deleting an element is a change too), and syncs that
// hand one replica's changes to another through the counted applyChanges.
import type { ReplicaSourceHarness } from "@driftscope/agent/testing";
import * as A from "@automerge/automerge";
import { actorFor, applyChanges, change, observeAutomerge } from "../src/index.js";
import { automergeTruth } from "./automergeTruth.js";

export interface Board {
  items?: string[];
}

export const automergeHarness: ReplicaSourceHarness = {
  name: "Automerge documents (applyChanges)",
  create(replicas) {
    const sources = Array.from({ length: replicas }, (_, i) => observeAutomerge(A.init<Board>({ actor: actorFor(`am${i}`) }), { id: `am${i}` }));
    return {
      sources,
      update(i, random) {
        change(sources[i]!, (d) => {
          d.items ??= [];
          d.items.push(`x${Math.floor(random() * 1000)}`);
        });
      },
      remove(i, random) {
        const items = sources[i]!.doc.items ?? [];
        if (items.length === 0) return false;
        change(sources[i]!, (d) => void d.items!.splice(Math.floor(random() * items.length), 1));
        return true;
      },
      sync: (from, to) => void applyChanges(sources[to]!, A.getAllChanges(sources[from]!.doc), { peer: sources[from]!.id }),
      stateKey: (i) => automergeTruth(sources[i]!.doc),
    };
  },
};
