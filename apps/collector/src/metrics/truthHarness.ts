// Ground truth for the engine's tests: gossip clusters in virtual time (packages/gossip)
// whose true issue and inclusion times are recorded from their events, each reported to
// an engine by a simulated agent the way a real one does (coalesced sparse VV changes
// every tick, whole vectors after hello, cumulative counters, incarnations).
// eslint-disable-next-line driftscope/import-arrows -- ground truth: a real gossip cluster in virtual time, whose inclusion times the engine must reproduce
import type { Cluster } from "@driftscope/gossip";
import type { ReplicaReport } from "@driftscope/protocol";
import type { MetricsEngine } from "./MetricsEngine.js";
import { entry } from "./testEntries.js";
import type { EngineFrame } from "./types.js";

export const TICK_MS = 50;

type AnyCluster = Cluster<unknown, unknown, unknown>;

/** True issue times and inclusion times (dot → replica → time) of everything simulated. */
export class Truth {
  readonly issuedAt = new Map<string, number>();
  readonly includedAt = new Map<string, Map<string, number>>();

  include(replica: string, origin: string, seq: number, atMs: number): void {
    const key = `${origin}:${seq}`;
    let m = this.includedAt.get(key);
    if (m === undefined) this.includedAt.set(key, (m = new Map()));
    m.set(replica, atMs);
  }

  /** True convergence time of every dot that all of `replicas` include (last inclusion − issue). */
  convergence(replicas: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, byReplica] of this.includedAt) {
      if (!replicas.every((r) => byReplica.has(r))) continue;
      out.set(key, Math.max(...replicas.map((r) => byReplica.get(r)!)) - this.issuedAt.get(key)!);
    }
    return out;
  }
}

/** One simulated agent hosting every replica of one cluster. */
export class SimAgent {
  private readonly reported = new Map<string, Map<string, number>>();
  private readonly newIssued = new Map<string, Array<[number, number]>>();
  private readonly newIncluded = new Map<string, Array<[string, number, number]>>();
  private readonly full = new Set<string>();
  /** Said hello and not bye: its replicas are members. */
  joined = false;
  gone = false;

  constructor(
    public engine: MetricsEngine,
    readonly cluster: AnyCluster,
    readonly agentId: string,
    readonly truth: Truth,
    private readonly withInclusionTimes = false,
  ) {
    for (const id of cluster.ids()) {
      this.newIssued.set(id, []);
      this.newIncluded.set(id, []);
    }
    cluster.events.on("update", (e) => {
      truth.issuedAt.set(`${e.dot.replica}:${e.dot.seq}`, e.atMs);
      // An agent reports issue times of the replica's own id only (after an empty restore it issues as `id:k`).
      if (e.dot.replica === e.replica) this.newIssued.get(e.replica)?.push([e.dot.seq, e.atMs]);
      truth.include(e.replica, e.dot.replica, e.dot.seq, e.atMs);
    });
    cluster.events.on("merge", (e) => {
      for (const range of e.newlyIncluded) {
        for (let s = range.from; s <= range.to; s++) {
          truth.include(e.replica, range.replica, s, e.atMs);
          if (range.replica !== e.replica) this.newIncluded.get(e.replica)?.push([range.replica, s, e.atMs]);
        }
      }
    });
  }

  /** Hello: registers every replica (with its incarnation); whole vectors follow. */
  hello(t: number): void {
    this.joined = true;
    this.engine.registerAgent(this.agentId, TICK_MS, t);
    for (const r of this.cluster.replicas()) {
      this.engine.addReplica(r.id, this.agentId, "gcounter", t, r.incarnation);
      this.reported.set(r.id, new Map());
      this.full.add(r.id);
    }
  }

  /** Runs the cluster to `t` and sends one report tick. */
  report(t: number): void {
    const entries = this.nextReport(t);
    if (entries !== undefined) this.engine.ingestReport(this.agentId, t, entries, t);
  }

  /** Runs the cluster to `t` and builds one report tick's entries (undefined: not joined). */
  nextReport(t: number): ReplicaReport[] | undefined {
    this.cluster.runUntil(t);
    if (!this.joined || this.gone) return undefined;
    return this.cluster.replicas().map((r) => {
      const id = r.id;
      const vv = r.versionVector();
      const last = this.reported.get(id)!;
      const full = this.full.delete(id);
      const changes: Array<[string, number]> = [];
      for (const [origin, seq] of vv) if (full || last.get(origin) !== seq) changes.push([origin, seq]);
      if (full) last.clear();
      for (const [origin, seq] of changes) last.set(origin, seq);
      const d = r.digest();
      const traffic = r.traffic();
      const inc = this.newIncluded.get(id)!.splice(0);
      return entry({
        replica: id,
        full,
        vv: changes,
        hash: d.hash,
        bytes: d.bytes,
        summary: "",
        seq: r.origin === r.id ? r.state.seq : 0,
        issued: this.newIssued.get(id)!.splice(0),
        status: r.isRunning ? "up" : "crashed",
        ...(r.incarnation > 0 ? { incarnation: r.incarnation } : {}),
        sync: { sentMessages: traffic.sentMessages, sentBytes: traffic.sentBytes, receivedMessages: traffic.receivedMessages, receivedBytes: traffic.receivedBytes, merges: traffic.merges, changedMerges: traffic.changedMerges },
        ...(this.withInclusionTimes ? { included: inc } : {}),
      });
    });
  }

  /** The agent says bye: its replicas leave the membership. */
  bye(t: number): void {
    for (const id of this.cluster.ids()) this.engine.removeReplica(id, t, "bye");
    this.engine.forgetAgent(this.agentId);
    this.gone = true;
  }

  /** Crash-restarts `id` without its state: a new incarnation, announced in hello. */
  restartEmpty(id: string, t: number): void {
    this.cluster.restore(id, { keepState: false });
    this.engine.addReplica(id, this.agentId, "gcounter", t, this.cluster.replica(id).incarnation);
    this.full.add(id);
  }
}

/** Σ_r (F[r] − VV_i[r]) per replica id, F[r] the highest VV[r] among the member replicas (DESIGN §2). */
export function missingTruth(agents: readonly SimAgent[]): Map<string, number> {
  const members = agents.filter((a) => a.joined && !a.gone).flatMap((a) => a.cluster.replicas());
  const frontier = new Map<string, number>();
  for (const r of members) for (const [origin, seq] of r.versionVector()) frontier.set(origin, Math.max(seq, frontier.get(origin) ?? 0));
  const out = new Map<string, number>();
  for (const r of members) {
    const vv = r.versionVector();
    let m = 0;
    for (const [origin, f] of frontier) m += f - (vv.get(origin) ?? 0);
    out.set(r.id, m);
  }
  return out;
}

/** A frame's missing-update column keyed by replica id. */
export function missingOf(frame: EngineFrame): Map<string, number> {
  return new Map(frame.replicaIds.map((id, i) => [id, frame.missingUpdates[i]!]));
}
