import type { Rng } from "../time/Rng.js";

/** Who a replica may gossip with. */
export interface PeerView {
  /** Current members (may include the asking replica itself; it is skipped when sampling). */
  members(): readonly string[];
  /** Is `id` a member? */
  has(id: string): boolean;
}

/**
 * The full view shared by the replicas of a cluster: every member sees every other.
 * Join and leave change it for everyone at once. A crashed replica stays a member (peers keep
 * picking it and their messages are lost), as without a failure detector.
 */
export class Membership implements PeerView {
  private list: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.join(id);
  }

  members(): readonly string[] {
    return this.list;
  }

  get size(): number {
    return this.list.length;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Adds a member; returns false when it was one already. */
  join(id: string): boolean {
    if (this.index.has(id)) return false;
    this.index.set(id, this.list.length);
    this.list.push(id);
    return true;
  }

  /** Removes a member (order of the others is kept, so runs stay deterministic). */
  leave(id: string): boolean {
    const at = this.index.get(id);
    if (at === undefined) return false;
    this.list.splice(at, 1);
    this.index.delete(id);
    for (let i = at; i < this.list.length; i++) this.index.set(this.list[i]!, i);
    return true;
  }
}

/** A fixed view (e.g. the peers a launcher configured for one process). */
export class StaticView implements PeerView {
  private readonly list: readonly string[];
  private readonly set: ReadonlySet<string>;
  constructor(ids: Iterable<string>) {
    this.list = [...new Set(ids)];
    this.set = new Set(this.list);
  }
  members(): readonly string[] {
    return this.list;
  }
  has(id: string): boolean {
    return this.set.has(id);
  }
}

/**
 * Picks `fanout` distinct members other than `self`, uniformly without replacement, into `out`
 * (cleared first). Rejection sampling while the fanout is small against the view, a partial
 * Fisher–Yates shuffle otherwise. Returns `out`.
 */
export function samplePeers(view: PeerView, self: string, fanout: number, rng: Rng, out: string[]): string[] {
  out.length = 0;
  const members = view.members();
  const n = members.length;
  const others = n - (view.has(self) ? 1 : 0);
  if (others <= 0) return out;
  if (fanout >= others) {
    for (const m of members) if (m !== self) out.push(m);
    return out;
  }
  if (fanout * 4 <= others) {
    while (out.length < fanout) {
      const pick = members[rng.int(n)]!;
      if (pick === self || out.includes(pick)) continue;
      out.push(pick);
    }
    return out;
  }
  const pool = members.filter((m) => m !== self);
  for (let i = 0; i < fanout; i++) {
    const j = i + rng.int(pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
    out.push(pool[i]!);
  }
  return out;
}

/**
 * A partial view: a small random subset of the other members (as HyParView or Cyclon keep), for
 * large clusters where contacting everyone makes per-peer delta buffers useless (each peer would
 * be met once in N/fanout rounds). A Cluster with `viewSize` keeps them symmetric and topped up.
 */
export class PartialView implements PeerView {
  private list: string[] = [];
  private readonly set = new Set<string>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.add(id);
  }

  members(): readonly string[] {
    return this.list;
  }

  has(id: string): boolean {
    return this.set.has(id);
  }

  get size(): number {
    return this.list.length;
  }

  add(id: string): boolean {
    if (this.set.has(id)) return false;
    this.set.add(id);
    this.list.push(id);
    return true;
  }

  remove(id: string): boolean {
    if (!this.set.delete(id)) return false;
    this.list.splice(this.list.indexOf(id), 1);
    return true;
  }
}
