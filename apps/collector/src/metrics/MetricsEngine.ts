// The metrics engine: DESIGN.md §3 computed incrementally from report ticks.
//
// Cost model (R origins, N replicas):
// - one VV entry change is O(log d): it moves the replica between two counts of the
//   origin's LiveSeqIndex and adjusts the replica's running Σ VV by the delta, so
//   missing updates (Σ F − Σ VV_i) never needs a Σ over origins;
// - a frontier raise is O(1) (+ the issue times it records);
// - convergence of a dot is detected when the origin's live minimum passes it, O(1)
//   amortised per dot; only traced seqs produce samples;
// - per frame: O(N) for the columns, plus O(N·R) typed-array reads for staleness of
//   the replicas that miss something (no allocation, no lookups).
// Live-set changes (a replica becomes unreachable, crashes, returns) cost O(R).
//
// Pure: no timers, no I/O; every call carries the time it happens at.

import { IssueTimes } from "./issueTimes.js";
import { LiveSeqIndex } from "./liveSeqIndex.js";
import { LogHistogram, SlidingWindow } from "./quantiles.js";
import {
  STATUS_CRASHED,
  STATUS_LIVE,
  STATUS_UNREACHABLE,
  type ConvergenceSample,
  type ConvergenceStats,
  type EngineFrame,
  type Kpis,
  type ReplicaDigestInput,
  type ReplicaStatusCode,
  type SamplingInfo,
  type SyncTotals,
} from "./types.js";

export interface MetricsEngineOptions {
  /** Sliding window of the convergence percentiles (ms). Default 60 s. */
  windowMs?: number;
  /** Longest window anyone may ask percentiles for (ms). Default 1 h. */
  maxWindowMs?: number;
  /** Most samples the sliding window holds (the newest are kept). Default 100,000. */
  windowCapacity?: number;
  /** Window percentiles are re-sorted at most this often (ms); 0: whenever samples arrive. Default 0. */
  percentileRecomputeMs?: number;
  /** Window over which rates are measured (ms). Default 1 s. */
  rateWindowMs?: number;
  /** A replica whose agent sent nothing for this many report intervals is unreachable. Default 3. */
  unreachableAfterIntervals?: number;
  /** Report interval assumed for agents that did not state one (ms). Default 100. */
  defaultReportIntervalMs?: number;
  /** Recent seqs per origin that keep an issue time (power of two). Default 4096. */
  issueWindow?: number;
  /** Convergence samples per second the engine aims not to exceed (it raises k). Default 1,000. */
  sampleBudgetPerSec?: number;
  /** Tracing stride of the agents: only seq % k === 0 may yield samples. Default 1. */
  tracingEveryK?: number;
}

interface AgentState {
  id: string;
  reportIntervalMs: number;
  lastSeenMs: number;
  /** Said bye or its connection closed for good: its replicas are unreachable at once. */
  gone: boolean;
  /** Some replica of this agent is unreachable (lets agentSeen skip its loop otherwise). */
  someUnreachable: boolean;
  replicas: Set<ReplicaState>;
}

const RING = 64; // rate history slots (one per frame)
const HIST_FIELDS = 3; // seq, sent messages, sent bytes

interface ReplicaState {
  idx: number;
  id: string;
  agent: AgentState;
  crdtType: string;
  vv: Float64Array<ArrayBuffer>;
  sumVV: number;
  fingerprint: number;
  hash: string;
  bytes: number;
  summary: string;
  seq: number;
  crashed: boolean;
  reachable: boolean;
  live: boolean;
  configVersion: number | null;
  totals: SyncTotals;
  rawSync: SyncTotals | undefined;
  hist: Float64Array | undefined;
  lastReportMs: number | undefined;
  registeredAtMs: number;
}

interface OriginState {
  issue: IssueTimes;
  live: LiveSeqIndex;
  convergedUpTo: number;
  /** Latest exact inclusion time reported for traced, not yet converged seqs. */
  tracedInclusion: Map<number, number>;
}

/** Membership/status change of one replica (for the run timeline). */
export interface StatusTransition {
  replica: string;
  agentId: string;
  from: ReplicaStatusCode;
  to: ReplicaStatusCode;
  timeMs: number;
}

/** Figures of one replica for snapshots and the cluster API. */
export interface ReplicaFigures {
  id: string;
  agentId: string;
  crdtType: string;
  status: ReplicaStatusCode;
  missingUpdates: number;
  stalenessMs: number;
  seq: number;
  hash: string;
  bytes: number;
  summary: string;
  configVersion: number | null;
  updatesPerSec: number;
  messagesPerSec: number;
  bytesPerSec: number;
  sync: SyncTotals;
  lastReportMs: number | null;
}

const MAX_PENDING_SAMPLES = 200_000;
/** Oldest a report (and the times in it) may claim to be, relative to its arrival. */
export const MAX_REPORT_AGE_MS = 3_600_000;

const clamp = (x: number, lo: number, hi: number) => (x < lo ? lo : x > hi ? hi : x);
const EMPTY_RING = new Float64Array(1);

interface IssueView {
  frontier: Float64Array;
  rings: Float64Array[];
  lows: Float64Array;
  count: number;
}
const MAX_TRACED_PENDING = 16_384;

// The counters the engine keeps (reports may carry more, e.g. a per-kind breakdown).
const SYNC_KEYS: ReadonlyArray<keyof SyncTotals> = ["sentMessages", "sentBytes", "receivedMessages", "receivedBytes", "merges", "changedMerges"];

function zeroTotals(): SyncTotals {
  return { sentMessages: 0, sentBytes: 0, receivedMessages: 0, receivedBytes: 0, merges: 0, changedMerges: 0 };
}

/** 32-bit mix of one VV entry; the XOR of all entries fingerprints a version vector. */
function entryHash(origin: number, seq: number): number {
  if (seq === 0) return 0;
  let h = Math.imul(origin + 1, 0x9e3779b1) ^ Math.imul(seq >>> 0, 0x85ebca6b) ^ Math.imul(Math.floor(seq / 4294967296), 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  h = Math.imul(h, 0x846ca68b);
  h ^= h >>> 16;
  return h >>> 0;
}

export class MetricsEngine {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();
  private readonly replicaByIdx: Array<ReplicaState | undefined> = [];
  private readonly origins: Array<OriginState | undefined> = [];
  private frontier: Float64Array<ArrayBuffer> = new Float64Array(64);
  private totalFrontier = 0;
  private readonly members: ReplicaState[] = [];
  private readonly agents = new Map<string, AgentState>();
  private liveCount = 0;
  private membershipVersion = 0;
  private deliveredTotal = 0;

  private readonly window: SlidingWindow;
  private run = new LogHistogram();
  private pendingSamples: ConvergenceSample[] = [];
  private droppedSamples = 0;
  private transitions: StatusTransition[] = [];
  private convergedByExclusion = 0;
  private convergedWithoutIssueTime = 0;
  private everyK: number;
  private baseK: number;
  private lastKUpdateMs = -Infinity;

  private readonly ringTimes = new Float64Array(RING);
  private readonly ringDelivered = new Float64Array(RING);
  private ringHead = 0; // slot of the latest frame
  private ringCount = 0;

  private readonly opts: Required<MetricsEngineOptions>;

  constructor(options: MetricsEngineOptions = {}) {
    this.opts = {
      windowMs: 60_000,
      maxWindowMs: 3_600_000,
      windowCapacity: 100_000,
      percentileRecomputeMs: 0,
      rateWindowMs: 1_000,
      unreachableAfterIntervals: 3,
      defaultReportIntervalMs: 100,
      issueWindow: 4096,
      sampleBudgetPerSec: 1_000,
      tracingEveryK: 1,
      ...options,
    };
    this.window = new SlidingWindow(Math.max(this.opts.maxWindowMs, this.opts.windowMs), this.opts.windowCapacity, this.opts.percentileRecomputeMs);
    this.baseK = Math.max(1, Math.floor(this.opts.tracingEveryK));
    this.everyK = this.baseK;
  }

  // ---- membership -------------------------------------------------------------------

  /** An agent introduced itself (hello): it is reachable again and states its report interval. */
  registerAgent(agentId: string, reportIntervalMs: number | undefined, nowMs: number): void {
    let agent = this.agents.get(agentId);
    if (agent === undefined) {
      agent = { id: agentId, reportIntervalMs: this.opts.defaultReportIntervalMs, lastSeenMs: nowMs, gone: false, someUnreachable: false, replicas: new Set() };
      this.agents.set(agentId, agent);
    }
    if (reportIntervalMs !== undefined && reportIntervalMs > 0) agent.reportIntervalMs = reportIntervalMs;
    agent.gone = false;
    this.agentSeen(agentId, nowMs);
  }

  /** Adds a replica hosted by `agentId` (registers the agent if needed); idempotent. */
  addReplica(id: string, agentId: string, crdtType: string, nowMs: number): void {
    if (!this.agents.has(agentId)) this.registerAgent(agentId, undefined, nowMs);
    const agent = this.agents.get(agentId)!;
    const idx = this.intern(id);
    let rep = this.replicaByIdx[idx];
    if (rep === undefined) {
      rep = {
        idx,
        id,
        agent,
        crdtType,
        vv: new Float64Array(16), // grows with the origins this replica actually has entries for
        sumVV: 0,
        fingerprint: 0,
        hash: "",
        bytes: 0,
        summary: "",
        seq: 0,
        crashed: false,
        reachable: true,
        live: false,
        configVersion: null,
        totals: zeroTotals(),
        rawSync: undefined,
        hist: undefined,
        lastReportMs: undefined,
        registeredAtMs: nowMs,
      };
      this.replicaByIdx[idx] = rep;
      this.members.push(rep);
      this.membershipVersion++;
      agent.replicas.add(rep);
      this.setLive(rep, true, nowMs, STATUS_LIVE); // joining is not a status change
      return;
    }
    // Known replica: possibly moved to another agent (a restarted node).
    if (rep.agent !== agent) {
      rep.agent.replicas.delete(rep);
      rep.agent = agent;
      agent.replicas.add(rep);
    }
    rep.crdtType = crdtType;
    this.updateReachability(rep, !agent.gone, nowMs);
    if (!rep.reachable) agent.someUnreachable = true;
  }

  /** Whether `id` is a registered replica. */
  hasReplica(id: string): boolean {
    const idx = this.index.get(id);
    return idx !== undefined && this.replicaByIdx[idx] !== undefined;
  }

  /** The agent hosting replica `id`, if registered. */
  agentOf(id: string): string | undefined {
    const idx = this.index.get(id);
    return idx === undefined ? undefined : this.replicaByIdx[idx]?.agent.id;
  }

  /** Any message from the agent proves it (and its replicas) reachable. */
  agentSeen(agentId: string, nowMs: number): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return;
    if (nowMs > agent.lastSeenMs) agent.lastSeenMs = nowMs;
    agent.gone = false;
    if (!agent.someUnreachable) return; // the common case: O(1) per report
    for (const rep of agent.replicas) if (!rep.reachable) this.updateReachability(rep, true, nowMs);
    agent.someUnreachable = false;
  }

  /** Forgets an agent that hosts no replica any more (after bye). */
  forgetAgent(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (agent !== undefined && agent.replicas.size === 0) this.agents.delete(agentId);
  }

  /** The agent said bye (or its connection closed): its replicas leave the live set now. */
  agentGone(agentId: string, nowMs: number): void {
    const agent = this.agents.get(agentId);
    if (agent === undefined) return;
    agent.gone = true;
    for (const rep of agent.replicas) this.updateReachability(rep, false, nowMs);
  }

  /**
   * Removes a replica from the membership (its agent said bye, or no longer hosts it).
   * Its issued updates stay in the frontier: they exist, and others may still miss them.
   */
  removeReplica(id: string, nowMs: number): boolean {
    const idx = this.index.get(id);
    const rep = idx === undefined ? undefined : this.replicaByIdx[idx];
    if (rep === undefined) return false;
    if (rep.live) {
      rep.reachable = false;
      this.setLive(rep, false, nowMs, this.statusOf(rep));
    }
    this.transitions = this.transitions.filter((t) => t.replica !== id);
    rep.agent.replicas.delete(rep);
    this.replicaByIdx[rep.idx] = undefined;
    const at = this.members.indexOf(rep);
    if (at >= 0) this.members.splice(at, 1);
    this.membershipVersion++;
    return true;
  }

  /** Marks replicas unreachable whose agent has been silent for too long. Call before a frame. */
  tick(nowMs: number): void {
    for (const agent of this.agents.values()) {
      const limit = agent.reportIntervalMs * this.opts.unreachableAfterIntervals;
      if (!agent.gone && nowMs - agent.lastSeenMs <= limit) continue;
      for (const rep of agent.replicas) if (rep.reachable) this.updateReachability(rep, false, nowMs);
    }
  }

  /** Records the config version a replica acknowledged. */
  setConfigVersion(id: string, version: number): boolean {
    const idx = this.index.get(id);
    const rep = idx === undefined ? undefined : this.replicaByIdx[idx];
    if (rep === undefined) return false;
    rep.configVersion = version;
    return true;
  }

  // ---- ingest -----------------------------------------------------------------------

  /**
   * Applies one report tick of an agent. `timeMs` is the report's collector-clock time;
   * it is capped at `nowMs` (arrival) so a fast clock cannot date the future.
   * Digests of unknown replicas are skipped (the ingest layer rejects them before).
   * Returns the number of VV entries applied.
   */
  ingestReport(agentId: string, timeMs: number, digests: readonly ReplicaDigestInput[], nowMs: number): number {
    // Times are the agent's word: keep them within [now − MAX_REPORT_AGE_MS, now] so a wrong
    // clock (or a hostile sender) cannot make ages absurd.
    const oldest = nowMs - MAX_REPORT_AGE_MS;
    const t = clamp(timeMs, oldest, nowMs);
    this.agentSeen(agentId, nowMs);
    const reps: Array<ReplicaState | undefined> = [];
    // Pass 1: frontiers and issue times first, so that a dot included by a peer in this
    // same batch already has its issue time when it converges.
    for (const d of digests) {
      const idx = this.index.get(d.replica);
      const rep = idx === undefined ? undefined : this.replicaByIdx[idx];
      reps.push(rep);
      if (rep === undefined) continue;
      this.raiseFrontier(rep.idx, d.seq, t, d.issued === undefined ? undefined : d.issued.map(([seq, at]) => [seq, clamp(at, oldest, t)] as const));
      for (const [origin, seq] of d.vv) {
        const o = this.intern(origin);
        if (seq > this.frontierOf(o)) this.raiseFrontier(o, seq, t, undefined);
      }
    }
    let entries = 0;
    // Pass 2: state of each replica.
    for (let i = 0; i < digests.length; i++) {
      const d = digests[i]!;
      const rep = reps[i];
      if (rep === undefined) continue;
      if (d.included !== undefined) {
        for (const [origin, seq, at] of d.included) this.noteInclusion(this.intern(origin), seq, clamp(at, oldest, nowMs));
      }
      if (d.status !== undefined) this.updateCrashed(rep, d.status === "crashed", t);
      if (d.full) {
        const given = new Set<number>();
        for (const [origin, seq] of d.vv) {
          const o = this.intern(origin);
          given.add(o);
          this.setEntry(rep, o, seq, t);
        }
        for (let o = 0; o < rep.vv.length; o++) if (rep.vv[o]! > 0 && !given.has(o)) this.setEntry(rep, o, 0, t);
      } else {
        for (const [origin, seq] of d.vv) this.setEntry(rep, this.intern(origin), seq, t);
      }
      entries += d.vv.length;
      // A replica always includes its own contiguous updates.
      if (d.seq > (rep.vv[rep.idx] ?? 0)) this.setEntry(rep, rep.idx, d.seq, t);
      rep.seq = Math.max(rep.seq, d.seq);
      // Absent: unchanged since its previous entry (agents refresh them every few seconds at most).
      if (d.hash !== undefined) rep.hash = d.hash;
      if (d.bytes !== undefined) rep.bytes = d.bytes;
      if (d.summary !== undefined) rep.summary = d.summary;
      if (d.configVersion !== undefined) rep.configVersion = d.configVersion;
      if (d.sync !== undefined) this.applySync(rep, d.sync);
      rep.lastReportMs = t;
      if (rep.hist === undefined) this.initHist(rep);
    }
    return entries;
  }

  private applySync(rep: ReplicaState, raw: SyncTotals): void {
    const prev = rep.rawSync;
    for (const k of SYNC_KEYS) {
      const now = raw[k];
      const before = prev?.[k];
      // First report: counters before the collector knew the replica are its history, not a burst.
      if (before === undefined) {
        if (prev === undefined) rep.totals[k] = now;
        else rep.totals[k] += now;
      } else {
        rep.totals[k] += now >= before ? now - before : now; // a lower value: the replica restarted
      }
    }
    rep.rawSync = { sentMessages: raw.sentMessages, sentBytes: raw.sentBytes, receivedMessages: raw.receivedMessages, receivedBytes: raw.receivedBytes, merges: raw.merges, changedMerges: raw.changedMerges };
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

  private frontierOf(o: number): number {
    return o < this.frontier.length ? this.frontier[o]! : 0;
  }

  private raiseFrontier(o: number, seq: number, t: number, issued: ReadonlyArray<readonly [number, number]> | undefined): void {
    const origin = this.originState(o);
    const before = this.frontierOf(o);
    origin.issue.advance(seq, t, issued);
    if (seq <= before) return;
    if (o >= this.frontier.length) this.frontier = grow(this.frontier, o + 1);
    this.frontier[o] = seq;
    this.totalFrontier += seq - before;
  }

  private setEntry(rep: ReplicaState, o: number, seq: number, t: number): void {
    if (o >= rep.vv.length) {
      if (seq === 0) return;
      rep.vv = grow(rep.vv, o + 1);
    }
    const old = rep.vv[o]!;
    if (old === seq) return;
    rep.vv[o] = seq;
    rep.sumVV += seq - old;
    rep.fingerprint = (rep.fingerprint ^ entryHash(o, old) ^ entryHash(o, seq)) >>> 0;
    if (seq > old && o !== rep.idx) this.deliveredTotal += seq - old;
    if (!rep.live) return;
    const origin = this.originState(o);
    origin.live.remove(old);
    origin.live.add(seq);
    if (seq > old) this.checkConvergence(o, origin, t, false);
  }

  private checkConvergence(o: number, origin: OriginState, t: number, byExclusion: boolean): void {
    if (this.liveCount === 0) return;
    const min = origin.live.min(this.liveCount);
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
    // Traced seqs in (from, min]: multiples of k.
    let s = Math.ceil((from + 1) / k) * k;
    if (s < issueLo) {
      const firstKept = Math.ceil(issueLo / k) * k;
      const end = Math.min(min, firstKept - k);
      if (end >= s) this.convergedWithoutIssueTime += Math.floor((end - s) / k) + 1;
      s = firstKept;
    }
    const origId = this.ids[o]!;
    for (; s <= min; s += k) {
      const issuedAt = origin.issue.get(s);
      if (issuedAt === undefined) {
        this.convergedWithoutIssueTime++;
        continue;
      }
      const exact = origin.tracedInclusion.get(s);
      const convergedAt = Math.max(issuedAt, exact ?? t);
      const sample: ConvergenceSample = { origin: origId, seq: s, issuedAtMs: issuedAt, convergenceMs: convergedAt - issuedAt };
      this.window.add(convergedAt, sample.convergenceMs, issuedAt);
      this.run.add(sample.convergenceMs);
      if (this.pendingSamples.length < MAX_PENDING_SAMPLES) this.pendingSamples.push(sample);
      else this.droppedSamples++;
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

  // ---- live set -----------------------------------------------------------------------

  private statusOf(rep: ReplicaState): ReplicaStatusCode {
    if (rep.crashed) return STATUS_CRASHED;
    return rep.reachable ? STATUS_LIVE : STATUS_UNREACHABLE;
  }

  private updateReachability(rep: ReplicaState, reachable: boolean, t: number): void {
    if (rep.reachable === reachable) return;
    const before = this.statusOf(rep);
    rep.reachable = reachable;
    if (!reachable) rep.agent.someUnreachable = true;
    this.setLive(rep, reachable && !rep.crashed, t, before);
  }

  private updateCrashed(rep: ReplicaState, crashed: boolean, t: number): void {
    if (rep.crashed === crashed) return;
    const before = this.statusOf(rep);
    rep.crashed = crashed;
    this.setLive(rep, rep.reachable && !crashed, t, before);
  }

  private setLive(rep: ReplicaState, live: boolean, t: number, before: ReplicaStatusCode): void {
    const after = this.statusOf(rep);
    if (after !== before) this.transitions.push({ replica: rep.id, agentId: rep.agent.id, from: before, to: after, timeMs: t });
    if (rep.live === live) return;
    rep.live = live;
    const vv = rep.vv;
    if (live) {
      this.liveCount++;
      for (let o = 0; o < vv.length; o++) if (vv[o]! > 0) this.originState(o).live.add(vv[o]!);
      return;
    }
    this.liveCount--;
    for (let o = 0; o < vv.length; o++) if (vv[o]! > 0) this.originState(o).live.remove(vv[o]!);
    // Without this replica, the live minimum of any origin may rise.
    for (let o = 0; o < this.origins.length; o++) {
      const origin = this.origins[o];
      if (origin !== undefined) this.checkConvergence(o, origin, t, true);
    }
  }

  // ---- frames -----------------------------------------------------------------------

  /**
   * Computes one frame at `nowMs`: per-replica columns, KPIs, and the samples that
   * converged since the previous frame (they are handed out once).
   */
  frame(nowMs: number): EngineFrame {
    this.tick(nowMs);
    const base = this.recordRing(nowMs);
    const n = this.members.length;
    const missing = new Array<number>(n);
    const staleness = new Array<number>(n);
    const status = new Array<ReplicaStatusCode>(n);
    const ups = new Array<number>(n);
    const mps = new Array<number>(n);
    const bps = new Array<number>(n);
    const cfg = new Array<number | null>(n);
    const keys = new Array<string>(n);
    const states = new Map<string, number>();
    let caughtUp = 0;
    let unreachable = 0;
    let crashed = 0;
    let missingTotal = 0;
    let maxStaleness = 0;
    let sumUps = 0;
    let sumMps = 0;
    let sumBps = 0;
    const dt = base === undefined ? 0 : (nowMs - this.ringTimes[base]!) / 1000;
    const view = this.issueView();
    for (let i = 0; i < n; i++) {
      const rep = this.members[i]!;
      const m = this.totalFrontier - rep.sumVV;
      missing[i] = m;
      missingTotal += m;
      const st = m > 0 ? this.stalenessOf(rep, nowMs, view) : 0;
      staleness[i] = st;
      const code = this.statusOf(rep);
      status[i] = code;
      cfg[i] = rep.configVersion;
      if (code === STATUS_UNREACHABLE) unreachable++;
      else if (code === STATUS_CRASHED) crashed++;
      const key = `${rep.hash}|${rep.fingerprint}`;
      keys[i] = key;
      if (rep.live) {
        if (m === 0) caughtUp++;
        if (st > maxStaleness) maxStaleness = st;
        states.set(key, (states.get(key) ?? 0) + 1);
      }
      const u = this.rateOf(rep, base, dt, 0);
      const msg = this.rateOf(rep, base, dt, 1);
      const b = this.rateOf(rep, base, dt, 2);
      ups[i] = u;
      mps[i] = msg;
      bps[i] = b;
      sumUps += u;
      sumMps += msg;
      sumBps += b;
    }
    const deliveries = base !== undefined && dt > 0 ? Math.max(0, (this.deliveredTotal - this.ringDelivered[base]!) / dt) : 0;
    this.adaptSampling(sumUps, nowMs);
    const kpis: Kpis = {
      live: this.liveCount,
      total: n,
      unreachable,
      crashed,
      convergedShare: this.liveCount > 0 ? caughtUp / this.liveCount : 0,
      distinctStates: states.size,
      missingUpdatesTotal: missingTotal,
      maxStalenessMs: maxStaleness,
      convergence: this.window.stats(nowMs, this.opts.windowMs),
      updatesPerSec: sumUps,
      messagesPerSec: sumMps,
      bytesPerSec: sumBps,
      deliveriesPerSec: deliveries,
      bytesPerUpdate: deliveries > 0 ? sumBps / deliveries : null,
    };
    const samples = this.pendingSamples;
    this.pendingSamples = [];
    return {
      timeMs: nowMs,
      membershipVersion: this.membershipVersion,
      replicaIds: this.members.map((r) => r.id),
      missingUpdates: missing,
      stalenessMs: staleness,
      status,
      updatesPerSec: ups,
      messagesPerSec: mps,
      bytesPerSec: bps,
      configVersion: cfg,
      stateGroup: stateGroups(keys),
      kpis,
      samples,
      sampling: this.sampling(),
    };
  }

  /** Age of the oldest update `rep` is missing (0 if none), in ms. */
  private stalenessOf(rep: ReplicaState, nowMs: number, view: IssueView = this.issueView()): number {
    const vv = rep.vv;
    const { frontier, rings, lows, count } = view;
    const n = Math.min(count, vv.length);
    let oldest = Infinity;
    // Typed arrays only in this loop: it runs N × origins times per frame.
    for (let o = 0; o < count; o++) {
      const have = o < n ? vv[o]! : 0;
      if (have >= frontier[o]!) continue;
      const ring = rings[o]!;
      const lo = lows[o]!;
      const s = have + 1 < lo ? lo : have + 1;
      const t = ring[s & (ring.length - 1)]!;
      if (t < oldest) oldest = t;
    }
    return oldest === Infinity ? 0 : Math.max(0, nowMs - oldest);
  }

  /** Flat per-origin views of frontier and issue-time rings for the staleness loop. */
  private issueView(): IssueView {
    const count = Math.min(this.origins.length, this.frontier.length);
    const rings: Float64Array[] = new Array<Float64Array>(count);
    const lows = new Float64Array(count);
    const frontier = new Float64Array(count);
    for (let o = 0; o < count; o++) {
      const origin = this.origins[o];
      frontier[o] = this.frontier[o]!;
      if (origin === undefined) {
        rings[o] = EMPTY_RING;
        frontier[o] = 0;
        continue;
      }
      rings[o] = origin.issue.ring;
      lows[o] = origin.issue.lowest;
    }
    return { frontier, rings, lows, count };
  }


  /** Stores this frame's counters in the rate ring; returns the slot to measure rates against. */
  private recordRing(nowMs: number): number | undefined {
    if (this.ringCount > 0 && nowMs <= this.ringTimes[this.ringHead]!) {
      // Same instant as the previous frame (virtual time): refresh the slot in place.
    } else {
      this.ringHead = (this.ringHead + 1) % RING;
      if (this.ringCount < RING) this.ringCount++;
    }
    const head = this.ringHead;
    this.ringTimes[head] = nowMs;
    this.ringDelivered[head] = this.deliveredTotal;
    for (const rep of this.members) {
      const h = rep.hist;
      if (h === undefined) continue;
      h[head * HIST_FIELDS] = rep.seq;
      h[head * HIST_FIELDS + 1] = rep.totals.sentMessages;
      h[head * HIST_FIELDS + 2] = rep.totals.sentBytes;
    }
    return this.baseSlot();
  }

  private initHist(rep: ReplicaState): void {
    const h = new Float64Array(RING * HIST_FIELDS);
    for (let s = 0; s < RING; s++) {
      h[s * HIST_FIELDS] = rep.seq;
      h[s * HIST_FIELDS + 1] = rep.totals.sentMessages;
      h[s * HIST_FIELDS + 2] = rep.totals.sentBytes;
    }
    rep.hist = h;
  }

  /** Raises or lowers k (powers of two over the agents' stride) to keep samples within budget. */
  private adaptSampling(updatesPerSec: number, nowMs: number): void {
    if (nowMs - this.lastKUpdateMs < 1000) return;
    this.lastKUpdateMs = nowMs;
    let k = this.baseK;
    while (updatesPerSec / k > this.opts.sampleBudgetPerSec && k < 2 ** 40) k *= 2;
    this.everyK = k;
  }

  private sampling(): SamplingInfo {
    return {
      traced: this.everyK > 1,
      everyK: this.everyK,
      convergedByExclusion: this.convergedByExclusion,
      convergedWithoutIssueTime: this.convergedWithoutIssueTime,
    };
  }

  // ---- read side --------------------------------------------------------------------

  /** Convergence-time percentiles over the whole run (histogram, ≤ 1 % relative error; exact max). */
  runConvergence(): ConvergenceStats {
    return this.run.stats();
  }

  /** Convergence-time percentiles over the last `windowMs` (default: the engine's window), as of `nowMs`. */
  windowConvergence(nowMs: number, windowMs?: number): ConvergenceStats {
    return this.window.stats(nowMs, windowMs ?? this.opts.windowMs);
  }

  /** Status changes since the previous call (handed out once). */
  drainTransitions(): StatusTransition[] {
    const out = this.transitions;
    this.transitions = [];
    return out;
  }

  /** Samples discarded because frames were not drained (should stay 0). */
  get samplesDropped(): number {
    return this.droppedSamples;
  }

  get currentMembershipVersion(): number {
    return this.membershipVersion;
  }

  /** Registered replicas. */
  get replicaCount(): number {
    return this.members.length;
  }

  /** Distinct ids the engine tracks (replicas and origins seen in version vectors). */
  get idCount(): number {
    return this.ids.length;
  }

  /** Whether `id` is already tracked (as a replica or an origin). */
  knowsId(id: string): boolean {
    return this.index.has(id);
  }

  get liveReplicas(): number {
    return this.liveCount;
  }

  /** Registered replica ids in frame order. */
  replicaIds(): string[] {
    return this.members.map((r) => r.id);
  }

  /** Frontier F[origin] as known to the collector. */
  frontierFor(origin: string): number {
    const o = this.index.get(origin);
    return o === undefined ? 0 : this.frontierOf(o);
  }

  /** Version vector of a replica as `[origin, seq]` pairs (seq > 0), or undefined. */
  versionVector(id: string): Array<[string, number]> | undefined {
    const idx = this.index.get(id);
    const rep = idx === undefined ? undefined : this.replicaByIdx[idx];
    if (rep === undefined) return undefined;
    const out: Array<[string, number]> = [];
    for (let o = 0; o < rep.vv.length; o++) if (rep.vv[o]! > 0) out.push([this.ids[o]!, rep.vv[o]!]);
    return out;
  }

  /** Missing updates of one replica (Σ_r F[r] − VV_i[r]). */
  missingUpdates(id: string): number | undefined {
    const idx = this.index.get(id);
    const rep = idx === undefined ? undefined : this.replicaByIdx[idx];
    return rep === undefined ? undefined : this.totalFrontier - rep.sumVV;
  }

  /** Per-replica figures (rates as of the last frame). */
  replicaFigures(nowMs: number): ReplicaFigures[] {
    const base = this.baseSlot();
    const dt = base === undefined ? 0 : (this.ringTimes[this.ringHead]! - this.ringTimes[base]!) / 1000;
    return this.members.map((rep) => {
      const m = this.totalFrontier - rep.sumVV;
      return {
        id: rep.id,
        agentId: rep.agent.id,
        crdtType: rep.crdtType,
        status: this.statusOf(rep),
        missingUpdates: m,
        stalenessMs: m > 0 ? this.stalenessOf(rep, nowMs) : 0,
        seq: rep.seq,
        hash: rep.hash,
        bytes: rep.bytes,
        summary: rep.summary,
        configVersion: rep.configVersion,
        updatesPerSec: this.rateOf(rep, base, dt, 0),
        messagesPerSec: this.rateOf(rep, base, dt, 1),
        bytesPerSec: this.rateOf(rep, base, dt, 2),
        sync: { ...rep.totals },
        lastReportMs: rep.lastReportMs ?? null,
      };
    });
  }

  /** The newest ring slot at least rateWindowMs older than the latest frame, else the oldest one. */
  private baseSlot(): number | undefined {
    if (this.ringCount < 2) return undefined;
    const head = this.ringHead;
    const target = this.ringTimes[head]! - this.opts.rateWindowMs;
    let chosen: number | undefined;
    for (let back = 1; back < this.ringCount; back++) {
      const slot = (head - back + RING) % RING;
      chosen = slot;
      if (this.ringTimes[slot]! <= target) break;
    }
    return chosen;
  }

  /** Rate per second of history field `field` (0 seq, 1 sent messages, 2 sent bytes) since slot `base`. */
  private rateOf(rep: ReplicaState, base: number | undefined, dtSec: number, field: number): number {
    const h = rep.hist;
    if (base === undefined || dtSec <= 0 || h === undefined) return 0;
    return Math.max(0, (h[this.ringHead * HIST_FIELDS + field]! - h[base * HIST_FIELDS + field]!) / dtSec);
  }

  /** The default sliding window of the percentiles (ms). */
  get windowMs(): number {
    return this.opts.windowMs;
  }

  /** The agents' tracing stride changed (config `telemetry.traceEveryK`). */
  setTracingEveryK(k: number): void {
    this.baseK = Math.max(1, Math.floor(k));
    this.lastKUpdateMs = -Infinity; // re-adapt at the next frame
    if (this.everyK < this.baseK || this.everyK % this.baseK !== 0) this.everyK = this.baseK;
  }

  /** A new config took effect: window percentiles turn to updates issued from now on. */
  startConfigEpoch(nowMs: number): void {
    this.window.startEpoch(nowMs);
  }

  /** Starts per-run statistics afresh (a new recorded run). */
  resetRunStats(): void {
    this.run = new LogHistogram();
  }

  // ---- ids ----------------------------------------------------------------------------

  private intern(id: string): number {
    let idx = this.index.get(id);
    if (idx === undefined) {
      idx = this.ids.length;
      this.ids.push(id);
      this.index.set(id, idx);
    }
    return idx;
  }

  private originState(o: number): OriginState {
    let origin = this.origins[o];
    if (origin === undefined) {
      while (this.origins.length <= o) this.origins.push(undefined);
      origin = { issue: new IssueTimes(this.opts.issueWindow), live: new LiveSeqIndex(), convergedUpTo: 0, tracedInclusion: new Map() };
      this.origins[o] = origin;
    }
    return origin;
  }
}

/** Group number per replica: equal keys share a group; 0 is the largest group (ties: first seen). */
function stateGroups(keys: readonly string[]): number[] {
  const sizes = new Map<string, { size: number; first: number }>();
  keys.forEach((k, i) => {
    const g = sizes.get(k);
    if (g === undefined) sizes.set(k, { size: 1, first: i });
    else g.size++;
  });
  const order = [...sizes.entries()].sort((a, b) => b[1].size - a[1].size || a[1].first - b[1].first);
  const number = new Map<string, number>();
  order.forEach(([k], i) => number.set(k, i));
  return keys.map((k) => number.get(k)!);
}

function grow(arr: Float64Array, min: number): Float64Array<ArrayBuffer> {
  let cap = Math.max(16, arr.length);
  while (cap < min) cap *= 2;
  const out = new Float64Array(cap);
  out.set(arr);
  return out;
}
