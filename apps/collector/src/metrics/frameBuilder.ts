// Builds a frame's per-replica columns and cluster KPIs from the current state. Pure:
// it reads and changes nothing, so a frame, a snapshot and the cluster API, built from
// the same state, agree.
import type { ConvergenceTracker } from "./ConvergenceTracker.js";
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

/** Flat per-origin views of frontier and issue-time rings for the staleness loop. */
interface IssueView {
  frontier: Float64Array;
  rings: Float64Array[];
  lows: Float64Array;
  count: number;
}

function issueView(tracker: ConvergenceTracker): IssueView {
  const count = tracker.originCount;
  const rings: Float64Array[] = new Array<Float64Array>(count);
  const lows = new Float64Array(count);
  const frontier = new Float64Array(count);
  for (let o = 0; o < count; o++) {
    const origin = tracker.origin(o);
    if (origin === undefined) {
      rings[o] = EMPTY_RING;
      continue;
    }
    frontier[o] = tracker.frontier(o);
    // Dots known without issue times: their discovery bounds the age (a one-slot ring read at seq & 0).
    const untimed = origin.issue.untimed;
    rings[o] = untimed ? Float64Array.of(origin.issue.skippedAtMs ?? 0) : origin.issue.ring;
    lows[o] = untimed ? 0 : origin.issue.lowest;
  }
  return { frontier, rings, lows, count };
}

/** Age of the oldest update `rep` is missing (0 if none), in ms. */
function stalenessOf(rep: ReplicaRecord, nowMs: number, view: IssueView): number {
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
  const view = issueView(tracker);
  const totalFrontier = tracker.totalFrontier;
  for (let i = 0; i < n; i++) {
    const rep = members[i]!;
    const m = Math.max(0, totalFrontier - rep.sumVV);
    const st = m > 0 ? stalenessOf(rep, nowMs, view) : 0;
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
