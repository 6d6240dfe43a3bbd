// What a late-joining dashboard needs to draw from scratch: recent frames of the current
// membership, who those replicas are, a KPI point a second, recent samples.
import {
  LIMITS,
  REPLICA_STATUSES,
  type ConvergenceSample,
  type Frame,
  type KpiPoint,
  type ReplicaHistoryColumn,
  type ReplicaInfo,
} from "@driftscope/protocol";
import { ReplicaHistory } from "./ReplicaHistory.js";
import { Ring } from "./Timeline.js";

/** Who a frame column is. */
export interface MemberInfo {
  id: string;
  agentId: string;
  node: string;
  crdtType: string;
  incarnation: number;
  dotReuse: ReplicaInfo["dotReuse"];
  applies: NonNullable<ReplicaInfo["applies"]>;
  gossip: ReplicaInfo["gossip"];
}

/** Replica × frame cells a snapshot carries at most (beyond MIN_SNAPSHOT_FRAMES). */
const SNAPSHOT_CELLS = 20_000;
const MIN_SNAPSHOT_FRAMES = 50;

export class FrameHistory {
  private readonly frames: Ring<Frame>;
  readonly history = new Ring<KpiPoint>(LIMITS.snapshotHistory);
  readonly samples = new Ring<ConvergenceSample>(LIMITS.snapshotSamples);
  private readonly perReplica = new ReplicaHistory();
  private members: MemberInfo[] = [];
  private lastMembership = -1;
  private lastHistoryMs = -Infinity;
  last: Frame | null = null;

  constructor(snapshotFrames: number) {
    this.frames = new Ring<Frame>(snapshotFrames);
  }

  /** Whether the membership differs from the last frame's (then the frame carries ids). */
  membershipChanged(version: number): boolean {
    return version !== this.lastMembership;
  }

  /** Keeps a frame; `members` describes its columns when the membership changed. */
  add(frame: Frame, members: (() => MemberInfo[]) | null): void {
    if (members !== null) {
      this.frames.clear();
      this.members = members();
    }
    this.lastMembership = frame.membershipVersion;
    this.last = frame;
    this.frames.push(frame);
    this.samples.push(...frame.samples);
    this.perReplica.add(frame.timeMs, frame.membershipVersion, () => this.members.map((m) => m.id), frame.columns);
  }

  /** Per-replica seconds before `beforeMs` (where the snapshot's frames begin), in the order of `ids`. */
  replicaHistory(ids: readonly string[], beforeMs: number): ReplicaHistoryColumn[] {
    return this.perReplica.columns(ids, beforeMs);
  }

  /** Whether a KPI point is due (one a second); records it if so. */
  historyPoint(frame: Frame): boolean {
    if (frame.timeMs - this.lastHistoryMs < 1000) return false;
    this.lastHistoryMs = frame.timeMs;
    this.history.push({ timeMs: frame.timeMs, kpis: frame.kpis });
    return true;
  }

  /** Replicas in the column order of the frames kept (status as of the last frame; `current` refreshes what changes in place). */
  replicas(current: (id: string) => MemberInfo): ReplicaInfo[] {
    const last = this.last;
    if (last === null) return [];
    return this.members.map((info, i) => {
      const now = current(info.id);
      return replicaInfo({ ...info, incarnation: now.incarnation, dotReuse: now.dotReuse, applies: now.applies, gossip: now.gossip }, last.columns.status[i] ?? 0, last.columns.configVersion[i] ?? 0);
    });
  }

  /** Recent frames for a snapshot: up to a minute, fewer for large clusters (≈ SNAPSHOT_CELLS cells). */
  recentFrames(replicas: number): Frame[] {
    const keep = Math.max(MIN_SNAPSHOT_FRAMES, Math.floor(SNAPSHOT_CELLS / Math.max(1, replicas)));
    return this.frames.toArray().slice(-keep);
  }
}

export function replicaInfo(info: MemberInfo, status: number, configVersion: number): ReplicaInfo {
  return {
    id: info.id as ReplicaInfo["id"],
    agentId: info.agentId as ReplicaInfo["agentId"],
    node: info.node,
    crdtType: info.crdtType,
    status: REPLICA_STATUSES[status] ?? "live",
    configVersion,
    ...(info.incarnation > 0 ? { incarnation: info.incarnation } : {}),
    ...(info.dotReuse !== undefined ? { dotReuse: info.dotReuse } : {}),
    ...(info.applies.length > 0 ? { applies: info.applies } : {}),
    ...(info.gossip !== undefined ? { gossip: info.gossip } : {}),
  };
}
