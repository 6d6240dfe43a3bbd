import * as A from "@automerge/automerge";
import type { DotRun, ReplicaObserver } from "@driftscope/agent";
import { describe, expect, it } from "vitest";
import { actorFor, change, generateSyncMessage, observeAutomerge, receiveSyncMessage, type AutomergeSource } from "./index.js";

interface Doc {
  n?: number;
}

const replica = (id: string) => observeAutomerge(A.init<Doc>({ actor: actorFor(id) }), { id });

function recorder() {
  const merged: Array<{ changed: boolean; included: readonly DotRun[] | undefined; peer: string | undefined }> = [];
  const updated: number[] = [];
  const observer: ReplicaObserver = {
    updated: (seq) => void updated.push(seq),
    sent: () => {},
    received: () => {},
    merged: (changed, included, peer) => void merged.push({ changed, included, peer }),
    changed: () => {},
    status: () => {},
  };
  return { observer, merged, updated };
}

/** Runs the sync protocol between `a` and `b` until neither has anything to say; returns the bytes sent each way. */
function dialogue(a: AutomergeSource<Doc>, b: AutomergeSource<Doc>, states: { ab: A.SyncState; ba: A.SyncState }): number[] {
  const bytes = [0, 0];
  for (let round = 0; round < 10; round++) {
    let message: A.SyncMessage | null;
    [states.ab, message] = generateSyncMessage(a, states.ab, { peer: b.id });
    if (message !== null) {
      bytes[0]! += message.byteLength;
      states.ba = receiveSyncMessage(b, states.ba, message, { peer: a.id });
    }
    let reply: A.SyncMessage | null;
    [states.ba, reply] = generateSyncMessage(b, states.ba, { peer: a.id });
    if (reply !== null) {
      bytes[1]! += reply.byteLength;
      states.ab = receiveSyncMessage(a, states.ab, reply, { peer: b.id });
    }
    if (message === null && reply === null) break;
  }
  return bytes;
}

describe("the Automerge sync protocol, counted", () => {
  it("own changes are the replica's dots; a message with changes is one merge naming the dots it included; bytes are counted both ways", () => {
    const a = replica("am-a");
    const b = replica("am-b");
    const seenA = recorder();
    const seenB = recorder();
    a.observe(seenA.observer);
    b.observe(seenB.observer);
    change(a, (d) => void (d.n = 1));
    change(a, (d) => void (d.n = 2));
    expect(seenA.updated).toEqual([1, 2]);
    const states = { ab: A.initSyncState(), ba: A.initSyncState() };
    const [ab, ba] = dialogue(a, b, states);
    expect(b.doc.n).toBe(2);
    expect(Object.fromEntries(b.digest().versionVector)).toEqual({ "am-a": 2 });
    expect(b.digest().hash).toBe(a.digest().hash);
    const cb = b.syncCounters();
    const ca = a.syncCounters();
    expect([cb.merges, cb.changedMerges, ca.merges]).toEqual([1, 1, 0]);
    expect(seenB.merged).toEqual([{ changed: true, included: [{ replica: "am-a", from: 1, to: 2 }], peer: "am-a" }]);
    expect([ca.sentBytes, ca.receivedBytes, cb.sentBytes, cb.receivedBytes]).toEqual([ab, ba, ba, ab]);
    expect(ca.byKind?.delta?.messages).toBe(1);
    expect(cb.byKind?.delta).toBeUndefined(); // b had no changes to send: digests only

    // Once in sync there is nothing to say; a reconnect (fresh sync states) exchanges digests
    // and a no-op at most: no changing merge anywhere.
    expect(dialogue(a, b, states)).toEqual([0, 0]);
    dialogue(a, b, { ab: A.initSyncState(), ba: A.initSyncState() });
    expect([a.syncCounters().changedMerges, b.syncCounters().changedMerges]).toEqual([0, 1]);
    expect(seenB.merged.filter((m) => m.changed)).toHaveLength(1);
  });
});
