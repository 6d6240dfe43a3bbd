// Frontier, version vectors and convergence of every update (DESIGN §2–§3).
//
// Cost model (R origins, N member replicas):
// - one VV entry change is O(1) (O(log d) for a value far from the others): it moves the
//   replica between two counts of the origin's LiveSeqIndex and adjusts the replica's
//   running Σ VV, so missing updates (Σ F − Σ VV_i) never needs a Σ over origins;
// - a frontier raise is O(1) (+ the issue times it records, + claims it settles);
// - a dot converges when the origin's live minimum passes it, O(1) amortised per dot;
// - a replica leaving or restarting empty costs O(N) per origin whose frontier it held.
import type { ReplicaReport } from "@driftscope/protocol";
import type { IdTable } from "./idTable.js";
import type { Lifecycle } from "./Lifecycle.js";
import { entryHash, grow, newOriginState, NumberSet, type OriginState } from "./originState.js";
import { packedOf } from "./packedVv.js";
import { LogHistogram, SlidingWindow } from "./quantiles.js";
import type { ReplicaRecord } from "./replicaRecord.js";
import type { ConvergenceSample } from "./types.js";
import type { VisibilityCurve } from "./visibilityCurve.js";

/** Something the figures had to correct or refuse, for the timeline. */
export type TrackerNotice =
  | { kind: "lost"; timeMs: number; count: number; origins: string[]; why: string }
  | { kind: "capped"; timeMs: number; replica: string; origin: string; claimed: number; cappedAt: number }
  | { kind: "dot-reuse"; timeMs: number; replica: string; fromSeq: number; toSeq: number; holders: number; incarnation: number };

const MAX_PENDING_SAMPLES = 200_000;
const MAX_TRACED_PENDING = 16_384;
/** Most an origin nobody live hosts can be raised above what exists, per entry (DESIGN §2 bounds). */
export const UNHOSTED_RAISE_CAP = 100_000;

export interface TrackerOptions {
  windowMs: number;
  maxWindowMs: number;
  windowCapacity: number;
  percentileRecomputeMs: number;
  issueWindow: number;
  tracingEveryK: number;
}

export class ConvergenceTracker {
  private readonly origins: Array<OriginState | undefined> = [];
  private frontierArr: Float64Array<ArrayBuffer> = new Float64Array(64);
  private total = 0;
  /** Dot inclusions at non-origin replicas, after each replica's first report (the baseline). */
  deliveredTotal = 0;
  /** Updates lost since the run started, and since the collector started. */
  lostInRun = 0;
  lostEver = 0;
  readonly window: SlidingWindow;
  run = new LogHistogram();
  private pendingSamples: ConvergenceSample[] = [];
  samplesDropped = 0;
  convergedByExclusion = 0;
  convergedWithoutIssueTime = 0;
  everyK: number;
  private notices: TrackerNotice[] = [];
  /** Origins some replica claims more of than they reported issuing (their `claims` not empty). */
  private readonly claimed = new NumberSet();
  /** The replica whose departure is being processed (no longer a host for claims). */
  private leavingIdx = -1;

  constructor(
    private readonly ids: IdTable,
    private readonly life: Lifecycle,
    private readonly opts: TrackerOptions,
    /** Fed with traced issues, inclusions and convergences (the live visibility curve). */
    private readonly visibility?: VisibilityCurve,
  ) {
    this.window = new SlidingWindow(Math.max(opts.maxWindowMs, opts.windowMs), opts.windowCapacity, opts.percentileRecomputeMs);
    this.everyK = Math.max(1, Math.floor(opts.tracingEveryK));
  }

  /** Σ_r F[r]. */
  get totalFrontier(): number {
    return this.total;
  }

  frontier(o: number): number {
    return o < this.frontierArr.length ? this.frontierArr[o]! : 0;
  }

  /** Origins known so far (numbers below this may have state). */
  get originCount(): number {
    return Math.min(this.origins.length, this.frontierArr.length);
  }

  origin(o: number): OriginState | undefined {
    return this.origins[o];
  }

  // ---- ingest ---------------------------------------------------------------------

  /** Pass 1 of a report: what the replica issued itself (before peers' entries, so dots have issue times). */
  issued(rep: ReplicaRecord, entry: ReplicaReport, t: number, oldest: number): void {
    if (rep.earlierIssued > 0 && entry.seq > 0 && rep.dotReuse === undefined && entry.seq > rep.seq) this.checkReuse(rep, t);
    const times = entry.issued?.map(([seq, at]) => [seq, Math.min(Math.max(at, oldest), t)] as const);
    if (this.visibility !== undefined && times !== undefined) {
      for (const [seq, at] of times) if (seq % this.everyK === 0) this.visibility.issued(rep.idx, seq, at, this.life.liveCount);
    }
    this.raiseFrontier(rep.idx, Math.max(entry.seq, this.frontier(rep.idx)), t, times);
    if (entry.seq > rep.seq) rep.seq = entry.seq;
  }

  /** Pass 2 of a report: the replica's version vector and traced inclusions. */
  included(rep: ReplicaRecord, entry: ReplicaReport, t: number, oldest: number, nowMs: number): void {
    if (entry.included !== undefined) {
      for (const [origin, seq, at] of entry.included) {
        const o = this.ids.intern(origin);
        const atMs = Math.min(Math.max(at, oldest), nowMs);
        this.visibility?.included(o, seq, atMs);
        this.noteInclusion(o, seq, atMs);
      }
    }
    const packed = packedOf(entry);
    if (entry.full === true) {
      const given = new Set<number>();
      if (packed !== undefined) {
        for (let i = packed.from; i < packed.to; i++) {
          given.add(packed.ids[i]!);
          this.claim(rep, packed.ids[i]!, packed.seqs[i]!, t);
        }
      } else {
        for (const [origin, seq] of entry.vv) {
          const o = this.ids.intern(origin);
          given.add(o);
          this.claim(rep, o, seq, t);
        }
      }
      for (let o = 0; o < rep.vv.length; o++) if (rep.vv[o]! > 0 && !given.has(o)) this.setEntry(rep, o, 0, t);
      for (const o of [...this.claimed]) if (!given.has(o)) this.dropClaim(o, rep.idx);
    } else if (packed !== undefined) {
      // Numbered by the socket decoder already (ingest/reportScan.ts).
      const { ids, seqs } = packed;
      for (let i = packed.from; i < packed.to; i++) this.claim(rep, ids[i]!, seqs[i]!, t);
    } else {
      for (const [origin, seq] of entry.vv) this.claim(rep, this.ids.intern(origin), seq, t);
    }
    // A replica always includes its own contiguous updates.
    if (entry.seq > (rep.vv[rep.idx] ?? 0)) this.setEntry(rep, rep.idx, entry.seq, t);
  }

  /**
   * VV_rep[o] = seq, within what exists: an origin hosted by a reachable agent has issued
   * only what it reported (a peer ahead of it waits as a claim until it reports more);
   * an origin nobody reachable hosts may be raised, by at most UNHOSTED_RAISE_CAP.
   */
  private claim(rep: ReplicaRecord, o: number, seq: number, t: number): void {
    const f = this.frontier(o);
    if (seq > f) {
      const owner = this.life.byNumber(o);
      if (owner === rep) {
        seq = f; // its own entry: pass 1 raised F to what it says it issued
      } else if (owner !== undefined && owner.reachable && o !== this.leavingIdx) {
        const origin = this.originState(o);
        (origin.claims ??= new Map()).set(rep.idx, seq);
        this.claimed.add(o);
        seq = f;
      } else {
        const cap = f + UNHOSTED_RAISE_CAP;
        if (seq > cap) {
          this.notices.push({ kind: "capped", timeMs: t, replica: rep.id, origin: this.ids.name(o), claimed: seq, cappedAt: cap });
          seq = cap;
        }
        // An origin that reported before (its agent now unreachable) keeps its times and
        // interpolates from its last report; one never heard from gets no invented times.
        const issue = this.originState(o).issue;
        this.raiseFrontier(o, seq, t, undefined, issue.lowest <= issue.highest);
      }
    } else if (this.claimed.has(o)) {
      this.dropClaim(o, rep.idx);
    }
    this.setEntry(rep, o, seq, t);
  }

  private dropClaim(o: number, repIdx: number): void {
    const claims = this.origins[o]?.claims;
    if (claims === undefined) return;
    claims.delete(repIdx);
    if (claims.size === 0) this.claimed.delete(o);
  }

  /** The origin's own report moved its frontier: settle the claims it now covers. */
  private settleClaims(o: number, t: number): void {
    const origin = this.origins[o]!;
    const f = this.frontier(o);
    for (const [repIdx, seq] of origin.claims!) {
      const rep = this.life.byNumber(repIdx);
      if (rep === undefined) {
        origin.claims!.delete(repIdx);
        continue;
      }
      if (seq <= f) origin.claims!.delete(repIdx);
      this.setEntry(rep, o, Math.min(seq, f), t);
    }
    if (origin.claims!.size === 0) this.claimed.delete(o);
  }

  /** The origin's host is unreachable or gone: claims on it become ordinary (capped) raises. */
  releaseClaims(o: number, t: number): void {
    const claims = this.origins[o]?.claims;
    if (claims === undefined || claims.size === 0) return;
    const pending = [...claims];
    claims.clear();
    this.claimed.delete(o);
    for (const [repIdx, seq] of pending) {
      const rep = this.life.byNumber(repIdx);
      if (rep !== undefined) this.claim(rep, o, seq, t);
    }
  }

  private noteInclusion(o: number, seq: number, atMs: number): void {
    const origin = this.originState(o);
    if (seq <= origin.convergedUpTo) return;
    const prev = origin.tracedInclusion.get(seq);
    if (prev === undefined) {
      if (origin.tracedInclusion.size >= MAX_TRACED_PENDING) {
        const oldest = origin.tracedInclusion.keys().next().value;
        if (oldest !== undefined) origin.tracedInclusion.delete(oldest);
      }
      origin.tracedInclusion.set(seq, atMs);
    } else if (atMs > prev) {
      origin.tracedInclusion.set(seq, atMs);
    }
  }

  private raiseFrontier(o: number, seq: number, t: number, issued: ReadonlyArray<readonly [number, number]> | undefined, byOrigin = true): void {
    const origin = this.originState(o);
    const before = this.frontier(o);
    // Only the origin's own report says when its dots were issued.
    if (byOrigin) origin.issue.advance(seq, t, issued);
    else origin.issue.skipTo(seq, t);
    if (seq <= before) return;
    if (o >= this.frontierArr.length) this.frontierArr = grow(this.frontierArr, o + 1);
    this.frontierArr[o] = seq;
    this.total += seq - before;
    if (origin.claims !== undefined && origin.claims.size > 0) this.settleClaims(o, t);
  }

  private setEntry(rep: ReplicaRecord, o: number, seq: number, t: number): void {
    if (o >= rep.vv.length) {
      if (seq === 0) return;
      rep.vv = grow(rep.vv, o + 1);
    }
    const old = rep.vv[o]!;
    if (old === seq) return;
    rep.vv[o] = seq;
    rep.sumVV += seq - old;
    rep.fingerprint = (rep.fingerprint ^ entryHash(o, old) ^ entryHash(o, seq)) >>> 0;
    // The first report is a baseline: a whole vector is history, not deliveries.
    if (seq > old && o !== rep.idx && rep.hist !== undefined) this.deliveredTotal += seq - old;
    if (!rep.live) return;
    const origin = this.originState(o);
    origin.live.remove(old);
    origin.live.add(seq);
    if (seq > old) this.checkConvergence(o, origin, t, false);
  }

  // ---- lifecycle hooks --------------------------------------------------------------

  liveChanged(rep: ReplicaRecord, live: boolean, t: number): void {
    const vv = rep.vv;
    if (live) {
      for (let o = 0; o < vv.length; o++) if (vv[o]! > 0) this.originState(o).live.add(vv[o]!);
      return;
    }
    for (let o = 0; o < vv.length; o++) if (vv[o]! > 0) this.originState(o).live.remove(vv[o]!);
    if (!rep.reachable) this.releaseClaims(rep.idx, t);
    // Without this replica, the live minimum of any origin may rise.
    for (let o = 0; o < this.origins.length; o++) {
      const origin = this.origins[o];
      if (origin !== undefined) this.checkConvergence(o, origin, t, true);
    }
  }

  /** `rep` leaves the membership (still listed): what only it held is lost. */
  leaving(rep: ReplicaRecord, t: number): void {
    this.leavingIdx = rep.idx;
    for (const o of [...this.claimed]) this.dropClaim(o, rep.idx);
    this.forgetState(rep, t, `their last holder ${rep.id} left`);
    this.releaseClaims(rep.idx, t);
    this.leavingIdx = -1;
  }

  /** `rep` came back as a new incarnation without its state. */
  restarted(rep: ReplicaRecord, t: number): void {
    for (const o of [...this.claimed]) this.dropClaim(o, rep.idx);
    this.forgetState(rep, t, `their last holder ${rep.id} restarted empty (incarnation ${rep.incarnation})`);
    rep.seq = 0;
  }

  /**
   * Drops `rep`'s state. Frontiers that only it held fall to the highest value another
   * member holds; the difference is lost. Its own origin counts as gone when it leaves or
   * restarts (what it issued and nobody else holds no longer exists).
   */
  private forgetState(rep: ReplicaRecord, t: number, why: string): void {
    const touched: number[] = [];
    for (let o = 0; o < this.originCount; o++) {
      const held = o < rep.vv.length ? rep.vv[o]! : 0;
      const f = this.frontier(o);
      if (f === 0) continue;
      const own = o === rep.idx;
      if (!own && (held < f || this.life.byNumber(o) !== undefined)) continue;
      touched.push(o);
    }
    // A live replica that restarted holds nothing now and still counts as live (setEntry keeps the index).
    for (let o = 0; o < rep.vv.length; o++) if (rep.vv[o]! > 0) this.setEntry(rep, o, 0, t);
    let lost = 0;
    const lostOrigins: string[] = [];
    for (const o of touched) {
      const f = this.frontier(o);
      // Stops at the first member holding it all (the usual case): a bye of a converged
      // cluster would otherwise scan every member for every origin of every leaver.
      let held = 0;
      for (const other of this.life.members) {
        if (other === rep || o >= other.vv.length || other.vv[o]! <= held) continue;
        held = other.vv[o]!;
        if (held >= f) break;
      }
      if (held >= f) continue;
      this.frontierArr[o] = held;
      this.total -= f - held;
      lost += f - held;
      lostOrigins.push(this.ids.name(o));
      const origin = this.origins[o]!;
      for (const seq of origin.tracedInclusion.keys()) if (seq > held) origin.tracedInclusion.delete(seq);
    }
    if (lost > 0) {
      this.lostInRun += lost;
      this.lostEver += lost;
      this.notices.push({ kind: "lost", timeMs: t, count: lost, origins: lostOrigins, why });
    }
  }

  private checkReuse(rep: ReplicaRecord, t: number): void {
    let holders = 0;
    for (const other of this.life.members) if (other !== rep && rep.idx < other.vv.length && other.vv[rep.idx]! > 0) holders++;
    rep.dotReuse = { fromSeq: 1, toSeq: rep.earlierIssued, holders };
    this.life.touch();
    this.notices.push({ kind: "dot-reuse", timeMs: t, replica: rep.id, fromSeq: 1, toSeq: rep.earlierIssued, holders, incarnation: rep.incarnation });
  }

  // ---- convergence --------------------------------------------------------------------

  private checkConvergence(o: number, origin: OriginState, t: number, byExclusion: boolean): void {
    const liveCount = this.life.liveCount;
    if (liveCount === 0) return;
    const min = Math.min(origin.live.min(liveCount), this.frontier(o));
    if (min <= origin.convergedUpTo) return;
    const from = origin.convergedUpTo;
    origin.convergedUpTo = min;
    if (byExclusion) {
      this.convergedByExclusion += min - from;
      this.dropTracedUpTo(origin, min);
      return;
    }
    const k = this.everyK;
    const issueLo = origin.issue.lowest;
    let s = Math.ceil((from + 1) / k) * k;
    if (s < issueLo) {
      const firstKept = Math.ceil(issueLo / k) * k;
      const end = Math.min(min, firstKept - k);
      if (end >= s) this.convergedWithoutIssueTime += Math.floor((end - s) / k) + 1;
      s = firstKept;
    }
    const origId = this.ids.name(o);
    for (; s <= min; s += k) {
      const issuedAt = origin.issue.get(s);
      if (issuedAt === undefined) {
        this.convergedWithoutIssueTime++;
        continue;
      }
      const exact = origin.tracedInclusion.get(s);
      const convergedAt = Math.max(issuedAt, exact ?? t);
      this.visibility?.converged(o, s, convergedAt);
      const sample: ConvergenceSample = { origin: origId, seq: s, issuedAtMs: issuedAt, convergenceMs: convergedAt - issuedAt };
      this.window.add(convergedAt, sample.convergenceMs, issuedAt);
      this.run.add(sample.convergenceMs);
      if (this.pendingSamples.length < MAX_PENDING_SAMPLES) this.pendingSamples.push(sample);
      else this.samplesDropped++;
    }
    this.dropTracedUpTo(origin, min);
  }

  private dropTracedUpTo(origin: OriginState, seq: number): void {
    if (origin.tracedInclusion.size === 0) return;
    for (const key of origin.tracedInclusion.keys()) {
      if (key <= seq) origin.tracedInclusion.delete(key);
      else break; // inserted roughly in seq order; stragglers are bounded by MAX_TRACED_PENDING
    }
  }

  /** Samples converged since the previous call (handed out once). */
  drainSamples(): ConvergenceSample[] {
    const out = this.pendingSamples;
    this.pendingSamples = [];
    return out;
  }

  /** Corrections and refusals since the previous call (handed out once). */
  drainNotices(): TrackerNotice[] {
    const out = this.notices;
    this.notices = [];
    return out;
  }

  /** Starts per-run figures afresh (a new recorded run). */
  resetRun(): void {
    this.run = new LogHistogram();
    this.lostInRun = 0;
  }

  private originState(o: number): OriginState {
    let origin = this.origins[o];
    if (origin === undefined) {
      while (this.origins.length <= o) this.origins.push(undefined);
      origin = newOriginState(this.opts.issueWindow);
      this.origins[o] = origin;
    }
    return origin;
  }
}
