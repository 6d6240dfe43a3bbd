// The replica-source contract (SPEC.md §1) run against our own gossip replicas, observed
// through fromGossipReplica: grow-only counters gossiping push-pull deltas in virtual time.
import { Cluster } from "@driftscope/gossip";
import { describe, expect, it } from "vitest";
import { fromGossipReplica } from "./ReplicaSource.js";
import { replicaSourceContract, type ReplicaSourceHarness } from "./testing/index.js";

const INTERVAL_MS = 100;

const gossipHarness: ReplicaSourceHarness = {
  name: "gossip replicas (fromGossipReplica)",
  create(replicas, seed) {
    const ids = Array.from({ length: replicas }, (_, i) => `g${i}`);
    const cluster = new Cluster({ type: "gcounter", replicas: ids, seed, config: { intervalMs: INTERVAL_MS, fanout: 1, mode: "push-pull", payload: "delta" } });
    const replicaAt = (i: number) => cluster.replica(ids[i]!);
    return {
      sources: ids.map((id) => fromGossipReplica(cluster.replica(id))),
      update: (i) => void cluster.update(ids[i]!),
      gossip: () => cluster.runFor(INTERVAL_MS),
      // A grow-only counter's state is its per-origin counts, which its vector names exactly.
      stateKey: (i) => JSON.stringify([...replicaAt(i).versionVector()].sort(([a], [b]) => (a < b ? -1 : 1))),
      close: () => cluster.close(),
    };
  },
};

replicaSourceContract(gossipHarness, { describe, it, expect });
