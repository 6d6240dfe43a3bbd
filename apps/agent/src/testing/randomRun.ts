// Generated cases: a seeded random mix of local changes and syncs over one observed
// cluster, then syncing until every replica holds the same state.
import { seeded } from "../random.js";
import type { ContractOptions, ReplicaSourceHarness } from "./harness.js";
import { ObservedCluster, type Step } from "./observedCluster.js";

export interface Run {
  cluster: ObservedCluster;
  ids: string[];
  /** The random steps, then the steps that brought every replica to one state. */
  steps: Step[];
  /** Steps of one more full round after convergence: every exchange a no-op. */
  idle: Step[];
  /** Whether each source keeps a journal of inclusions (`drainIncluded`). */
  journals: boolean[];
}

const MAX_SETTLE_ROUNDS = 20;

/** Runs `steps` random steps from `seed`, then settles; the cluster is closed afterwards. */
export async function randomRun(harness: ReplicaSourceHarness, seed: number, options: ContractOptions): Promise<Run> {
  const n = options.replicas ?? 4;
  const random = seeded(seed);
  const cluster = await ObservedCluster.open(harness, n, seed);
  const c = cluster.cluster;
  if (c.sync === undefined && c.gossip === undefined) throw new TypeError(`${harness.name}: a cluster needs sync(from, to) or gossip()`);
  const ids = cluster.sources.map((s) => s.id);
  const steps: Step[] = [];
  const pick = () => Math.floor(random() * n);
  try {
    for (let k = 0; k < (options.steps ?? 80); k++) {
      const roll = random();
      const at = pick();
      if (roll < 0.4) steps.push(await cluster.step("update", () => c.update(at, random), { at }));
      else if (roll < 0.55 && c.remove !== undefined) steps.push(await cluster.step("remove", () => c.remove!(at, random), { at }));
      else steps.push(await syncStep(cluster, at, (at + 1 + Math.floor(random() * (n - 1))) % n));
    }
    for (let round = 0; !converged(cluster) && round < MAX_SETTLE_ROUNDS; round++) steps.push(...(await fullRound(cluster)));
    const idle = await fullRound(cluster);
    return { cluster, ids, steps, idle, journals: cluster.sources.map((s) => s.drainIncluded !== undefined) };
  } finally {
    await cluster.close();
  }
}

/** One sync `from → to` where the harness can aim it, else one gossip round. */
function syncStep(cluster: ObservedCluster, to: number, from: number): Promise<Step> {
  const c = cluster.cluster;
  if (c.sync !== undefined) return cluster.step("sync", () => c.sync!(from, to), { at: to, from });
  return cluster.step("gossip", () => c.gossip!());
}

/** Every ordered pair once (or one gossip round). */
async function fullRound(cluster: ObservedCluster): Promise<Step[]> {
  const n = cluster.sources.length;
  if (cluster.cluster.sync === undefined) return [await syncStep(cluster, 0, 0)];
  const out: Step[] = [];
  for (let from = 0; from < n; from++) for (let to = 0; to < n; to++) if (from !== to) out.push(await syncStep(cluster, to, from));
  return out;
}

export function converged(cluster: ObservedCluster): boolean {
  const views = cluster.read();
  return views.every((v) => v.stateKey === views[0]!.stateKey);
}
