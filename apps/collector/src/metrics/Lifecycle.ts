// One model of a replica's life (DESIGN §2–§3), read by ingest, metrics and frames:
//
//   announced ─▶ live ⇄ unreachable (silent: liveness.ts) ─▶ left (bye, or unreachable
//                  ⇅                                          longer than the retention)
//               crashed (its agent says so; still a member: it may come back with its state)
//   a hello with a higher incarnation: restarted empty (the tracker forgets its state)
//
// Pure: every call carries the time it happens at.
import type { Issue, ReplicaReport } from "@driftscope/protocol";
import type { IdTable } from "./idTable.js";
import { DEFAULT_LIVENESS, isOverdue, type LivenessRule } from "./liveness.js";
import { newReplicaRecord, statusOf, type AgentRecord, type ReplicaRecord } from "./replicaRecord.js";
import type { ReplicaStatusCode } from "./types.js";

/** What the measuring side does when a replica's life changes. */
export interface LifecycleHooks {
  /** The replica entered (true) or left (false) the live set. */
  liveChanged(rep: ReplicaRecord, live: boolean, t: number): void;
  /** The replica leaves the membership; called while it is still listed. */
  leaving(rep: ReplicaRecord, t: number): void;
  /** The replica came back as a new incarnation, without its state. */
  restarted(rep: ReplicaRecord, t: number): void;
}

/** A status change of one replica (for the timeline). */
export interface StatusTransition {
  replica: string;
  agentId: string;
  from: ReplicaStatusCode;
  to: ReplicaStatusCode;
  timeMs: number;
}

/** Why a replica left the membership. */
export type LeaveReason = "bye" | "not hosted any more" | "expired" | "evicted";

/** A replica that left the membership. */
export interface Departure {
  replica: string;
  agentId: string;
  reason: LeaveReason;
  timeMs: number;
}

export interface LifecycleOptions {
  defaultReportIntervalMs: number;
  liveness: LivenessRule;
  /** Unreachable longer than this: the replica leaves the membership. */
  retentionMs: number;
}

export class Lifecycle {
  private readonly agents = new Map<string, AgentRecord>();
  private readonly byIdx: Array<ReplicaRecord | undefined> = [];
  private readonly list: ReplicaRecord[] = [];
  private live = 0;
  private version = 0;
  private transitions: StatusTransition[] = [];
  private departures: Departure[] = [];
  private lastTickMs: number | undefined;

  constructor(
    private readonly ids: IdTable,
    private readonly hooks: LifecycleHooks,
    private readonly opts: LifecycleOptions = { defaultReportIntervalMs: 100, liveness: DEFAULT_LIVENESS, retentionMs: 600_000 },
  ) {}

  /** Member replicas in frame order. */
  get members(): readonly ReplicaRecord[] {
    return this.list;
  }

  get liveCount(): number {
    return this.live;
  }

  /** Bumped whenever the member list changes (frames resend their ids). */
  get membershipVersion(): number {
    return this.version;
  }

  /** Something a replica's listing shows changed in place (dot reuse): frames resend the member list. */
  touch(): void {
    this.version++;
  }

  get(id: string): ReplicaRecord | undefined {
    const idx = this.ids.lookup(id);
    return idx === undefined ? undefined : this.byIdx[idx];
  }

  /** The member replica numbered `o`, if `o` is one. */
  byNumber(o: number): ReplicaRecord | undefined {
    return this.byIdx[o];
  }

  agent(agentId: string): AgentRecord | undefined {
    return this.agents.get(agentId);
  }

  /** An agent introduced itself: it is reachable again and states its report interval. */
  registerAgent(agentId: string, reportIntervalMs: number | undefined, nowMs: number): AgentRecord {
    let agent = this.agents.get(agentId);
    if (agent === undefined) {
      agent = { id: agentId, reportIntervalMs: this.opts.defaultReportIntervalMs, lastSeenMs: nowMs, gone: false, replicas: new Set(), unreachable: 0 };
      this.agents.set(agentId, agent);
    }
    if (reportIntervalMs !== undefined && reportIntervalMs > 0) agent.reportIntervalMs = reportIntervalMs;
    this.agentSeen(agentId, nowMs);
    return agent;
  }

  /**
   * Adds (or re-announces) a replica hosted by `agentId`. A higher `incarnation` than the
   * known one means it restarted without its state. Returns the record.
   */
  addReplica(id: string, agentId: string, crdtType: string, incarnation: number | undefined, nowMs: number): ReplicaRecord {
    const agent = this.agents.get(agentId) ?? this.registerAgent(agentId, undefined, nowMs);
    const idx = this.ids.intern(id);
    let rep = this.byIdx[idx];
    if (rep === undefined) {
      rep = newReplicaRecord(idx, id, agent, crdtType, incarnation ?? 0);
      this.byIdx[idx] = rep;
      this.list.push(rep);
      this.version++;
      agent.replicas.add(rep);
      this.setLive(rep, true, nowMs); // joining is not a status change
      return rep;
    }
    if (rep.agent !== agent) {
      if (!rep.reachable) rep.agent.unreachable--;
      rep.agent.replicas.delete(rep);
      rep.agent = agent;
      agent.replicas.add(rep);
      if (!rep.reachable) agent.unreachable++;
    }
    rep.crdtType = crdtType;
    if (incarnation !== undefined && incarnation > rep.incarnation) {
      rep.incarnation = incarnation;
      rep.earlierIssued = Math.max(rep.earlierIssued, rep.seq);
      rep.dotReuse = undefined;
      this.version++; // frames resend the member list, so dashboards see the new incarnation
      this.hooks.restarted(rep, nowMs);
    }
    this.setReachable(rep, !agent.gone, nowMs);
    return rep;
  }

  /** Any message from the agent proves it (and its replicas) reachable. */
  agentSeen(agentId: string, nowMs: number): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return;
    if (nowMs > agent.lastSeenMs) agent.lastSeenMs = nowMs;
    agent.gone = false;
    if (agent.unreachable === 0) return; // the common case: O(1) per report
    for (const rep of agent.replicas) if (!rep.reachable) this.setReachable(rep, true, nowMs);
  }

  /** The agent is gone for good (its connection closed): its replicas are unreachable now. */
  agentGone(agentId: string, nowMs: number): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return;
    agent.gone = true;
    for (const rep of agent.replicas) this.setReachable(rep, false, nowMs);
  }

  /** Forgets an agent that hosts no replica any more. */
  forgetAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent !== undefined && agent.replicas.size === 0) this.agents.delete(agentId);
  }

  /** Whether the agent is heard from within the liveness rule (and not gone). */
  agentAlive(agentId: string, nowMs: number): boolean {
    const agent = this.agents.get(agentId);
    return agent !== undefined && !agent.gone && !isOverdue(agent.lastSeenMs, agent.reportIntervalMs, nowMs, this.opts.liveness);
  }

  setCrashed(rep: ReplicaRecord, crashed: boolean, t: number): void {
    if (rep.crashed === crashed) return;
    const before = statusOf(rep);
    rep.crashed = crashed;
    this.noteStatus(rep, before, t);
    this.setLive(rep, rep.reachable && !crashed, t);
  }

  /** Removes a replica from the membership. */
  removeReplica(id: string, nowMs: number, reason: LeaveReason): boolean {
    const rep = this.get(id);
    if (rep === undefined) return false;
    if (rep.live) this.setLive(rep, false, nowMs);
    this.hooks.leaving(rep, nowMs);
    this.transitions = this.transitions.filter((t) => t.replica !== id);
    this.departures.push({ replica: id, agentId: rep.agent.id, reason, timeMs: nowMs });
    if (!rep.reachable) rep.agent.unreachable--;
    rep.agent.replicas.delete(rep);
    this.byIdx[rep.idx] = undefined;
    const at = this.list.indexOf(rep);
    if (at >= 0) this.list.splice(at, 1);
    this.version++;
    return true;
  }

  /** Applies the liveness rule and the retention time; call before each frame. */
  tick(nowMs: number): void {
    // After a pause of the collector itself (a long GC, a starved process), reports that
    // queued meanwhile are read before anyone is judged silent: this tick judges nobody.
    const paused = this.lastTickMs !== undefined && nowMs - this.lastTickMs > this.opts.liveness.minMs / 2;
    this.lastTickMs = nowMs;
    if (paused) return;
    const expired: string[] = [];
    for (const agent of this.agents.values()) {
      const overdue = agent.gone || isOverdue(agent.lastSeenMs, agent.reportIntervalMs, nowMs, this.opts.liveness);
      if (!overdue) continue;
      for (const rep of agent.replicas) {
        if (rep.reachable) this.setReachable(rep, false, nowMs);
        else if (rep.unreachableSinceMs !== null && nowMs - rep.unreachableSinceMs > this.opts.retentionMs) expired.push(rep.id);
      }
    }
    for (const id of expired) this.removeReplica(id, nowMs, "expired");
  }

  /**
   * Entries that would reuse update ids (a replica's own seq going backwards within one
   * incarnation) or name an incarnation hello did not announce; checked before ingest.
   */
  entryConflicts(replicas: readonly ReplicaReport[]): Issue[] {
    const issues: Issue[] = [];
    replicas.forEach((entry, i) => {
      const rep = this.get(entry.replica);
      if (rep === undefined) return;
      const inc = entry.incarnation ?? rep.incarnation;
      if (inc > rep.incarnation) {
        issues.push({ path: `replicas[${i}].incarnation`, reason: `replica "${rep.id}" reports incarnation ${inc}, but hello announced ${rep.incarnation}: announce a restart in hello first` });
        return;
      }
      if (inc < rep.incarnation || entry.seq >= rep.seq) return;
      issues.push({
        path: `replicas[${i}].seq`,
        reason:
          `replica "${rep.id}" reported seq ${entry.seq} after ${rep.seq} in incarnation ${rep.incarnation}: update ids may not be reused. ` +
          `A node restarted without its state must continue its seqs after ${rep.seq}, take a new replica id, ` +
          `or announce incarnation ${rep.incarnation + 1} in hello (docs/protocol.md §3.7)`,
      });
    });
    return issues;
  }

  /** Unreachable replicas, longest silent first (to make room for a live one). */
  unreachableOldestFirst(): ReplicaRecord[] {
    return this.list.filter((r) => !r.reachable).sort((a, b) => a.unreachableSinceMs! - b.unreachableSinceMs!);
  }

  /** Status changes since the previous call (handed out once). */
  drainTransitions(): StatusTransition[] {
    const out = this.transitions;
    this.transitions = [];
    return out;
  }

  /** Departures since the previous call (handed out once). */
  drainDepartures(): Departure[] {
    const out = this.departures;
    this.departures = [];
    return out;
  }

  private setReachable(rep: ReplicaRecord, reachable: boolean, t: number): void {
    if (rep.reachable === reachable) return;
    const before = statusOf(rep);
    rep.reachable = reachable;
    rep.unreachableSinceMs = reachable ? null : t;
    rep.agent.unreachable += reachable ? -1 : 1;
    this.noteStatus(rep, before, t);
    this.setLive(rep, reachable && !rep.crashed, t);
  }

  private noteStatus(rep: ReplicaRecord, before: ReplicaStatusCode, t: number): void {
    const after = statusOf(rep);
    if (after !== before) this.transitions.push({ replica: rep.id, agentId: rep.agent.id, from: before, to: after, timeMs: t });
  }

  private setLive(rep: ReplicaRecord, live: boolean, t: number): void {
    if (rep.live === live) return;
    rep.live = live;
    this.live += live ? 1 : -1;
    this.hooks.liveChanged(rep, live, t);
  }
}
