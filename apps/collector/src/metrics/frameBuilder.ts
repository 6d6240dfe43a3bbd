// Builds a frame's per-replica columns and cluster KPIs from the current state. It reads
// and changes nothing of that state (a frame, a snapshot and the cluster API, built from the
// same state, agree); it only remembers what staleness was computed from, to reuse it.
import type { ConvergenceTracker } from "./ConvergenceTracker.js";
import type { IssueTimes } from "./issueTimes.js";
import { inFlight } from "./inFlight.js";
import { RATE_BYTES, RATE_MESSAGES, RATE_SEQ, type RateHistory } from "./RateHistory.js";
import { statusOf, type ReplicaRecord } from "./replicaRecord.js";
import { STATUS_CRASHED, STATUS_UNREACHABLE, type CensoredStats, type Kpis, type ReplicaColumns } from "./types.js";

/** What a frame is built from. */
export interface FrameInputs {
  members: readonly ReplicaRecord[];
  liveCount: number;
  tracker: ConvergenceTracker;
  rates: RateHistory;
  convergence: CensoredStats;
  nowMs: number;
}

const EMPTY_RING = new Float64Array(1);
/**
 * Distances behind an origin's frontier whose terms are tabled: a table read is cheaper than
 * finding the origin's ring, and an origin at 20 updates/s with replicas 2–3 s behind puts
 * them 40–60 behind. Row `d` holds every origin's term for distance d (0: nothing missing,
 * Infinity) up to NEAR: a replica's walk over the origins reads a few rows in order.
 */
const NEAR = 64;
const ROW = NEAR + 1;

/** Flat per-origin views of frontier and issue-time rings for the staleness loop. */
interface IssueView {
  frontier: Float64Array;
  rings: Float64Array[];
  lows: Float64Array;
  /** `near[d × stride + o]`: the term of origin `o` for a replica `d` updates behind its frontier. */
  near: Float64Array;
  stride: number;
  count: number;
  /** Origins whose frontier or issue times changed since the previous frame (1), listed in `changedList`. */
  changed: Uint8Array;
  changedList: Int32Array;
  changedCount: number;
}

/**
 * What the previous frame's staleness was computed from. Staleness costs replicas × origins
 * per frame; between two frames only the origins that reported moved, so a replica whose
 * own vector did not change needs only those origins looked at again (exactly: the other
 * terms of its minimum are the same numbers as before).
 */
interface StalenessMemo {
  call: number;
  issues: Array<IssueTimes | undefined>;
  versions: Float64Array;
  frontier: Float64Array;
  /** IssueView's `near` table, kept between frames (rows of unchanged origins stay valid). */
  near: Float64Array;
  /** Origins a row of `near` has room for. */
  nearStride: number;
  replicas: WeakMap<ReplicaRecord, ReplicaMemo>;
}

/** One replica's oldest missing issue time, the origin it came from, and what its vector was. */
interface ReplicaMemo {
  call: number;
  vv: Float64Array;
  sumVV: number;
  fingerprint: number;
  lastReportMs: number | undefined;
  oldest: number;
  from: number;
}

const memos = new WeakMap<ConvergenceTracker, StalenessMemo>();

function issueView(tracker: ConvergenceTracker, memo: StalenessMemo): IssueView {
  const count = tracker.originCount;
  const rings: Float64Array[] = new Array<Float64Array>(count);
  const lows = new Float64Array(count);
  const frontier = new Float64Array(count);
  const changed = new Uint8Array(count);
  const changedList = new Int32Array(count);
  let changedCount = 0;
  const previous = memo.versions.length;
  const issues = new Array<IssueTimes | undefined>(count);
  const versions = new Float64Array(count);
  for (let o = 0; o < count; o++) {
    const origin = tracker.origin(o);
    const issue = origin?.issue;
    issues[o] = issue;
    versions[o] = issue?.version ?? -1;
    if (origin !== undefined && issue !== undefined) {
      frontier[o] = tracker.frontier(o);
      // Dots known without issue times: their discovery bounds the age (a one-slot ring read at seq & 0).
      const untimed = issue.untimed;
      rings[o] = untimed ? Float64Array.of(issue.skippedAtMs ?? 0) : issue.ring;
      lows[o] = untimed ? 0 : issue.lowest;
    } else rings[o] = EMPTY_RING;
    if (o >= previous || issue !== memo.issues[o] || versions[o] !== memo.versions[o] || frontier[o] !== memo.frontier[o]) {
      changed[o] = 1;
      changedList[changedCount++] = o;
    }
  }
  memo.issues = issues;
  memo.versions = versions;
  memo.frontier = frontier;
  // Rows of origins that did not change hold the same terms as last frame: only the others are written.
  if (memo.nearStride < count) {
    const stride = Math.max(count, 2 * memo.nearStride);
    const grown = new Float64Array(stride * ROW);
    for (let d = 0; d <= NEAR; d++) grown.set(memo.near.subarray(d * memo.nearStride, (d + 1) * memo.nearStride), d * stride);
    memo.near = grown;
    memo.nearStride = stride;
  }
  const { near, nearStride: stride } = memo;
  for (let k = 0; k < changedCount; k++) {
    const o = changedList[k]!;
    const f = frontier[o]!;
    near[o] = Infinity;
    for (let d = 1; d <= NEAR; d++) near[d * stride + o] = d <= f ? ringTerm(rings[o]!, lows[o]!, f - d) : Infinity;
  }
  return { frontier, rings, lows, near, stride, count, changed, changedList, changedCount };
}

/** Issue time of the first dot after `have` in a ring valid from `lo` (older dots are forgotten: the oldest kept bounds them). */
function ringTerm(ring: Float64Array, lo: number, have: number): number {
  const s = have + 1 < lo ? lo : have + 1;
  return ring[s & (ring.length - 1)]!;
}

/** Issue time of the first dot of origin `o` that a replica holding `have` of it misses. */
function termOf(view: IssueView, o: number, have: number): number {
  return ringTerm(view.rings[o]!, view.lows[o]!, have);
}

/** The term of origin `o` for a replica holding `have` of it: Infinity when it misses nothing. */
function farTerm(view: IssueView, o: number, have: number): number {
  return have >= view.frontier[o]! ? Infinity : termOf(view, o, have);
}

/** Issue time of the oldest update `rep` is missing (Infinity if none), reusing the previous frame's where it can. */
function oldestMissing(rep: ReplicaRecord, view: IssueView, memo: StalenessMemo): number {
  const vv = rep.vv;
  const { frontier, count, changed } = view;
  const n = Math.min(count, vv.length);
  const last = memo.replicas.get(rep);
  let oldest = Infinity;
  let from = -1;
  const sameVector =
    last !== undefined && last.call === memo.call - 1 && last.vv === vv && last.sumVV === rep.sumVV && last.fingerprint === rep.fingerprint && last.lastReportMs === rep.lastReportMs;
  if (sameVector && (last.from < 0 || changed[last.from] === 0)) {
    // Only the changed origins' terms can differ from last time.
    oldest = last.oldest;
    from = last.from;
    const { changedList, changedCount } = view;
    for (let k = 0; k < changedCount; k++) {
      const o = changedList[k]!;
      const have = o < n ? vv[o]! : 0;
      if (have >= frontier[o]!) continue;
      const t = termOf(view, o, have);
      if (t < oldest) {
        oldest = t;
        from = o;
      }
    }
  } else {
    const { near, stride } = view;
    // Typed arrays only, and no branch on whether the replica misses anything (a coin toss
    // the CPU mispredicts): this loop runs N × origins times per frame.
    for (let o = 0; o < count; o++) {
      const have = o < n ? vv[o]! : 0;
      const behind = frontier[o]! - have;
      const d = behind >>> 0; // a negative or huge distance leaves the table
      const t = d <= NEAR && d === behind ? near[d * stride + o]! : farTerm(view, o, have);
      if (t < oldest) {
        oldest = t;
        from = o;
      }
    }
  }
  if (last === undefined) memo.replicas.set(rep, { call: memo.call, vv, sumVV: rep.sumVV, fingerprint: rep.fingerprint, lastReportMs: rep.lastReportMs, oldest, from });
  else {
    last.call = memo.call;
    last.vv = vv;
    last.sumVV = rep.sumVV;
    last.fingerprint = rep.fingerprint;
    last.lastReportMs = rep.lastReportMs;
    last.oldest = oldest;
    last.from = from;
  }
  return oldest;
}

/** Per-replica columns and the cluster KPIs of one instant. */
export function buildFrame(input: FrameInputs): { columns: ReplicaColumns; kpis: Kpis } {
  const { members, tracker, rates, nowMs } = input;
  const n = members.length;
  const columns: ReplicaColumns = {
    missingUpdates: new Array<number>(n),
    stalenessMs: new Array<number>(n),
    status: new Array(n),
    updatesPerSec: new Array<number>(n),
    messagesPerSec: new Array<number>(n),
    bytesPerSec: new Array<number>(n),
    configVersion: new Array<number | null>(n),
    stateGroup: [],
  };
  const keys = new Array<string>(n);
  const states = new Set<string>();
  let caughtUp = 0;
  let unreachable = 0;
  let crashed = 0;
  let missingTotal = 0;
  let missingLive = 0;
  let maxStaleness = 0;
  let sumUps = 0;
  let sumMps = 0;
  let sumBps = 0;
  let memo = memos.get(tracker);
  if (memo === undefined) {
    memo = { call: 0, issues: [], versions: new Float64Array(0), frontier: new Float64Array(0), near: new Float64Array(0), nearStride: 0, replicas: new WeakMap() };
    memos.set(tracker, memo);
  }
  memo.call++;
  const view = issueView(tracker, memo);
  const totalFrontier = tracker.totalFrontier;
  for (let i = 0; i < n; i++) {
    const rep = members[i]!;
    const m = Math.max(0, totalFrontier - rep.sumVV);
    const oldest = m > 0 ? oldestMissing(rep, view, memo) : Infinity;
    const st = oldest === Infinity ? 0 : Math.max(0, nowMs - oldest);
    const code = statusOf(rep);
    columns.missingUpdates[i] = m;
    columns.stalenessMs[i] = st;
    columns.status[i] = code;
    columns.configVersion[i] = rep.configVersion;
    missingTotal += m;
    if (code === STATUS_UNREACHABLE) unreachable++;
    else if (code === STATUS_CRASHED) crashed++;
    const key = `${rep.hash}|${rep.fingerprint}`;
    keys[i] = key;
    if (rep.live) {
      if (m === 0) caughtUp++;
      missingLive += m;
      if (st > maxStaleness) maxStaleness = st;
      states.add(key);
    }
    const u = rates.rate(rep, RATE_SEQ);
    const msg = rates.rate(rep, RATE_MESSAGES);
    const b = rates.rate(rep, RATE_BYTES);
    columns.updatesPerSec[i] = u;
    columns.messagesPerSec[i] = msg;
    columns.bytesPerSec[i] = b;
    sumUps += u;
    sumMps += msg;
    sumBps += b;
  }
  columns.stateGroup = stateGroups(keys);
  const live = input.liveCount;
  const deliveries = rates.deliveriesPerSec();
  const flight = inFlight(tracker, live, nowMs);
  const kpis: Kpis = {
    live,
    total: n,
    unreachable,
    crashed,
    convergedShare: live > 0 ? caughtUp / live : 0,
    distinctStates: states.size,
    missingUpdatesTotal: missingTotal,
    meanMissingUpdates: live > 0 ? missingLive / live : 0,
    inFlight: flight.count,
    oldestInFlightMs: flight.oldestMs,
    lostUpdates: tracker.lostInRun,
    maxStalenessMs: maxStaleness,
    convergence: input.convergence,
    updatesPerSec: sumUps,
    messagesPerSec: sumMps,
    bytesPerSec: sumBps,
    deliveriesPerSec: deliveries,
    bytesPerUpdate: deliveries > 0 ? sumBps / deliveries : null,
  };
  return { columns, kpis };
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
