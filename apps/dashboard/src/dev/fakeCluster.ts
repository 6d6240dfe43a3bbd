// DEV AID, not part of the product: a small in-process gossip simulation that produces
// protocol-shaped snapshots and frames, so the dashboard can be developed, screenshotted
// and benchmarked without the collector and agents. It keeps real version vectors
// (N × N), runs periodic anti-entropy rounds (push / pull / push-pull, fanout f, loss,
// latency, partitions, one-way cuts, crashes), and derives every figure the way DESIGN §3
// defines it — so the sawtooth and the partition spikes look like the real thing.
// The app never imports this file; scripts/fake-collector.ts and tests do.

import {
  applyConfigPatch,
  DEFAULT_CLUSTER_CONFIG,
  type ClusterConfig,
  type ControlResult,
  type ConvergenceSample,
  type Frame,
  type KpiPoint,
  type Kpis,
  type ReplicaId,
  type ReplicaInfo,
  type RunId,
  type Snapshot,
  type Theory,
  type TimelineEvent,
} from "@driftscope/protocol";
import { seeded } from "../testRandom.js";
import { censoredPercentiles } from "./censoredPercentiles.js";

const ISSUE_RING = 256; // issue times remembered per origin (for staleness)
const RATE_ALPHA = 0.2; // EWMA weight of a new 100 ms tick in per-replica rates
const PERCENTILE_WINDOW_MS = 30_000;
const MAX_CENSORED = 20_000; // traced updates in flight that take part in the percentiles (a stride beyond)

/** Options of the simulation. */
export interface FakeClusterOptions {
  replicas: number;
  startMs: number;
  seed?: number;
  config?: Partial<Pick<ClusterConfig, "gossip" | "workload" | "network">>;
  replicasPerAgent?: number;
  runId?: string;
}

/** Expected rounds and lower bound of DESIGN §3 (the collector computes these for real). */
export function theoryFor(n: number, config: ClusterConfig): Theory {
  const { fanout: f, mode, intervalMs } = config.gossip;
  const loss = config.network.lossRate;
  const push = mode !== "pull";
  const pull = mode !== "push";
  let informed = 1;
  let rounds = 0;
  for (let r = 0; r < 10_000; r++) {
    const term = 1 - Math.exp(-(n - informed));
    if (term < 1e-9) break;
    rounds += term;
    const pushStay = push ? (1 - (f * (1 - loss)) / Math.max(1, n - 1)) ** informed : 1;
    const pullStay = pull ? (1 - ((1 - loss) * informed) / Math.max(1, n - 1)) ** f : 1;
    informed += (n - informed) * (1 - Math.max(0, pushStay) * Math.max(0, pullStay));
  }
  const latency = config.network.latencyMs;
  const lowerBoundRounds = mode === "push" ? Math.ceil(Math.log(n) / Math.log(1 + f)) : null;
  return {
    n,
    intervalMs,
    fanout: f,
    mode,
    lossRate: loss,
    expectedRounds: rounds,
    expectedMs: rounds * (intervalMs + latency),
    lowerBoundRounds,
    lowerBoundMs: lowerBoundRounds === null ? null : lowerBoundRounds * (intervalMs + latency),
    // The asynchronous model is the collector's (gossip/theory); this dev aid takes real time's typical share of E·T.
    asyncExpectedMs: 0.65 * rounds * (intervalMs + latency),
  };
}

interface Delivery {
  at: number;
  from: number;
  to: number;
}

/** The simulated cluster. */
export class FakeCluster {
  readonly n: number;
  readonly ids: ReplicaId[];
  config: ClusterConfig;
  nowMs: number;
  readonly startMs: number;
  private readonly rand: () => number;
  private readonly vv: Int32Array;
  private readonly frontier: Int32Array;
  private readonly issueTimes: Float64Array;
  private readonly convergedUpTo: Int32Array;
  private readonly nextRound: Float64Array;
  private readonly updateCredit: Float64Array;
  private readonly rateUpdates: Float64Array;
  private readonly rateMessages: Float64Array;
  private readonly rateBytes: Float64Array;
  private readonly tickUpdates: Float64Array;
  private readonly tickMessages: Float64Array;
  private readonly tickBytes: Float64Array;
  private readonly acked: Int32Array;
  private readonly ackAt: Float64Array;
  private readonly group: Int32Array;
  private readonly crashed: Uint8Array;
  private cuts = new Set<string>();
  private deliveries: Delivery[] = [];
  private pendingSamples: ConvergenceSample[] = [];
  private pendingExchanges: [number, number][] = [];
  private pendingEvents: TimelineEvent[] = [];
  private readonly recentSamples: { t: number; ms: number }[] = [];
  private readonly history: Frame[] = [];
  private readonly kpiHistory: KpiPoint[] = [];
  private readonly allEvents: TimelineEvent[] = [];
  private readonly allSamples: ConvergenceSample[] = [];
  private seq = 0;
  readonly runId: string;
  private readonly agents: string[];

  constructor(opts: FakeClusterOptions) {
    this.n = opts.replicas;
    this.rand = seeded(opts.seed ?? 1);
    const digits = String(Math.max(1, this.n - 1)).length;
    this.ids = Array.from({ length: this.n }, (_, i) => `r-${String(i).padStart(Math.max(2, digits), "0")}` as ReplicaId);
    const perAgent = opts.replicasPerAgent ?? 32;
    this.agents = this.ids.map((_, i) => `agent-${Math.floor(i / perAgent)}`);
    const base = DEFAULT_CLUSTER_CONFIG;
    this.config = {
      ...base,
      gossip: { ...base.gossip, ...opts.config?.gossip },
      workload: { ...base.workload, ...opts.config?.workload },
      network: { ...base.network, ...opts.config?.network },
    };
    this.startMs = opts.startMs;
    this.nowMs = opts.startMs;
    this.runId = opts.runId ?? "run-1";
    const n = this.n;
    this.vv = new Int32Array(n * n);
    this.frontier = new Int32Array(n);
    this.issueTimes = new Float64Array(n * ISSUE_RING);
    this.convergedUpTo = new Int32Array(n);
    this.nextRound = Float64Array.from({ length: n }, () => opts.startMs + this.rand() * this.config.gossip.intervalMs);
    this.updateCredit = Float64Array.from({ length: n }, () => this.rand());
    this.rateUpdates = new Float64Array(n);
    this.rateMessages = new Float64Array(n);
    this.rateBytes = new Float64Array(n);
    this.tickUpdates = new Float64Array(n);
    this.tickMessages = new Float64Array(n);
    this.tickBytes = new Float64Array(n);
    this.acked = new Int32Array(n).fill(this.config.version);
    this.ackAt = new Float64Array(n);
    this.group = new Int32Array(n);
    this.crashed = new Uint8Array(n);
    this.applyNetwork();
    this.pushEvent({ timeMs: opts.startMs, kind: "run", summary: `run ${this.runId} started with ${n} replicas` });
  }

  private pushEvent(e: TimelineEvent): void {
    this.pendingEvents.push(e);
    this.allEvents.push(e);
    if (this.allEvents.length > 1000) this.allEvents.shift();
  }

  private applyNetwork(): void {
    const index = new Map(this.ids.map((id, i) => [id as string, i]));
    this.group.fill(-1);
    this.config.network.partitions.forEach((g, k) => g.forEach((id) => this.group[index.get(id) ?? -1] = k));
    const rest = this.config.network.partitions.length;
    for (let i = 0; i < this.n; i++) if (this.group[i] === -1) this.group[i] = rest;
    this.crashed.fill(0);
    for (const id of this.config.network.crashed) {
      const i = index.get(id);
      if (i !== undefined) this.crashed[i] = 1;
    }
    this.cuts = new Set(this.config.network.cuts.map((c) => `${index.get(c.from)}>${index.get(c.to)}`));
  }

  private canSend(from: number, to: number): boolean {
    return !this.crashed[from] && !this.crashed[to] && this.group[from] === this.group[to] && !this.cuts.has(`${from}>${to}`);
  }

  private merge(into: number, from: number): void {
    const n = this.n;
    const a = into * n;
    const b = from * n;
    for (let r = 0; r < n; r++) if (this.vv[b + r]! > this.vv[a + r]!) this.vv[a + r] = this.vv[b + r]!;
  }

  private payloadBytes(from: number, to: number): number {
    const kind = this.config.gossip.payload;
    if (kind === "full") return 64 + this.n * 12 + this.frontierSum() * 0.5;
    let diff = 0;
    const n = this.n;
    for (let r = 0; r < n; r += Math.max(1, Math.floor(n / 64))) diff += Math.max(0, this.vv[from * n + r]! - this.vv[to * n + r]!);
    diff *= Math.max(1, Math.floor(n / 64));
    return kind === "delta" ? 48 + diff * 40 : 48 + n * 6 + diff * 40;
  }

  private frontierSum(): number {
    let s = 0;
    for (let r = 0; r < this.n; r++) s += this.frontier[r]!;
    return s;
  }

  /** Advances the simulation to `toMs` (in ≤ 100 ms steps) and returns the frame for then. */
  step(toMs: number): Frame {
    const dt = Math.max(0, toMs - this.nowMs);
    const { gossip, workload, network } = this.config;
    this.tickUpdates.fill(0);
    this.tickMessages.fill(0);
    this.tickBytes.fill(0);
    // Updates: each replica issues at its rate (credit carries fractions over).
    for (let i = 0; i < this.n; i++) {
      if (this.crashed[i]) continue;
      this.updateCredit[i]! += (workload.updatesPerSecPerReplica * dt) / 1000;
      while (this.updateCredit[i]! >= 1) {
        this.updateCredit[i]! -= 1;
        const seq = ++this.frontier[i]!;
        this.vv[i * this.n + i] = seq;
        const t = this.nowMs + this.rand() * dt;
        this.issueTimes[i * ISSUE_RING + (seq % ISSUE_RING)] = t;
        this.tickUpdates[i]!++;
      }
    }
    // Gossip rounds due in (now, toMs].
    for (let i = 0; i < this.n; i++) {
      while (this.nextRound[i]! <= toMs) {
        const at = this.nextRound[i]!;
        this.nextRound[i] = at + gossip.intervalMs;
        if (this.crashed[i]) continue;
        for (let k = 0; k < gossip.fanout; k++) {
          let peer = Math.floor(this.rand() * (this.n - 1));
          if (peer >= i) peer++;
          if (peer >= this.n) continue;
          const delay = network.latencyMs + this.rand() * network.jitterMs;
          if (gossip.mode !== "pull") this.send(i, peer, at + delay);
          if (gossip.mode !== "push") {
            this.send(i, peer, at + delay, 48); // the pull request
            this.send(peer, i, at + 2 * delay);
          }
        }
      }
    }
    // Deliver what has arrived.
    const due = this.deliveries.filter((d) => d.at <= toMs).sort((a, b) => a.at - b.at);
    this.deliveries = this.deliveries.filter((d) => d.at > toMs);
    for (const d of due) if (!this.crashed[d.to]) this.merge(d.to, d.from);
    this.nowMs = toMs;
    // Config acknowledgements arrive within one interval.
    for (let i = 0; i < this.n; i++) {
      if (this.acked[i] !== this.config.version && this.ackAt[i]! <= toMs && !this.crashed[i]) this.acked[i] = this.config.version;
    }
    const a = Math.min(1, RATE_ALPHA * (dt / 100));
    for (let i = 0; i < this.n; i++) {
      const perSec = 1000 / Math.max(1, dt);
      this.rateUpdates[i] = this.rateUpdates[i]! * (1 - a) + this.tickUpdates[i]! * perSec * a;
      this.rateMessages[i] = this.rateMessages[i]! * (1 - a) + this.tickMessages[i]! * perSec * a;
      this.rateBytes[i] = this.rateBytes[i]! * (1 - a) + this.tickBytes[i]! * perSec * a;
    }
    const frame = this.buildFrame();
    this.history.push(frame);
    if (this.history.length > 600) this.history.shift();
    if (frame.seq % 10 === 0) {
      this.kpiHistory.push({ timeMs: frame.timeMs, kpis: frame.kpis });
      if (this.kpiHistory.length > 3600) this.kpiHistory.shift();
    }
    return frame;
  }

  /** Issue time of `origin`'s update `seq`, or a later one's when the ring no longer holds it (so the age is a lower bound). */
  private issueTimeAtLeast(origin: number, seq: number): number {
    const s = Math.max(seq, this.frontier[origin]! - ISSUE_RING + 1);
    return this.issueTimes[origin * ISSUE_RING + (s % ISSUE_RING)]!;
  }

  /** Ages of the traced updates (every k-th seq) not yet at every live replica; `reachedAll[r]`: highest seq of r every live replica has. */
  private tracedInFlightAges(reachedAll: Int32Array, k: number): number[] {
    let count = 0;
    for (let r = 0; r < this.n; r++) count += Math.floor(this.frontier[r]! / k) - Math.floor(reachedAll[r]! / k);
    const stride = k * Math.max(1, Math.ceil(count / MAX_CENSORED));
    const ages: number[] = [];
    for (let r = 0; r < this.n; r++) {
      for (let s = Math.floor(reachedAll[r]! / k) * k + k; s <= this.frontier[r]!; s += stride) ages.push(Math.max(0, this.nowMs - this.issueTimeAtLeast(r, s)));
    }
    return ages;
  }

  private send(from: number, to: number, at: number, fixedBytes?: number): void {
    const bytes = fixedBytes ?? this.payloadBytes(from, to);
    this.tickMessages[from]!++;
    this.tickBytes[from]! += bytes;
    if (fixedBytes !== undefined) return;
    if (!this.canSend(from, to) || this.rand() < this.config.network.lossRate) return;
    // Only exchanges that get through are reported (the topology lights those).
    if (this.pendingExchanges.length < 2048) this.pendingExchanges.push([from, to]);
    this.deliveries.push({ at, from, to });
  }

  private buildFrame(): Frame {
    const n = this.n;
    const now = this.nowMs;
    const missing = new Array<number>(n);
    const staleness = new Array<number>(n);
    const status = new Array<number>(n);
    let live = 0;
    let caughtUp = 0;
    let missingTotal = 0;
    let liveMissing = 0;
    let maxStale = 0;
    for (let i = 0; i < n; i++) {
      status[i] = this.crashed[i] ? 2 : 0;
      let m = 0;
      let oldest = Infinity;
      for (let r = 0; r < n; r++) {
        const have = this.vv[i * n + r]!;
        const gap = this.frontier[r]! - have;
        if (gap > 0) {
          m += gap;
          const s = gap < ISSUE_RING ? have + 1 : this.frontier[r]! - ISSUE_RING + 1;
          const t = this.issueTimes[r * ISSUE_RING + (s % ISSUE_RING)]!;
          if (t < oldest) oldest = t;
        }
      }
      missing[i] = m;
      staleness[i] = m > 0 ? Math.max(0, Math.round(now - oldest)) : 0;
      missingTotal += m;
      if (!this.crashed[i]) {
        live++;
        liveMissing += m;
        if (m === 0) caughtUp++;
        maxStale = Math.max(maxStale, staleness[i]!);
      }
    }
    // Convergence: an update is converged when every live replica includes it; the rest are in flight.
    const k = this.config.telemetry.traceEveryK;
    const reachedAll = new Int32Array(n);
    let inFlight = 0;
    let oldestInFlightMs = 0;
    for (let r = 0; r < n; r++) {
      let min = Infinity;
      for (let i = 0; i < n; i++) if (!this.crashed[i]) min = Math.min(min, this.vv[i * n + r]!);
      if (!Number.isFinite(min)) continue;
      reachedAll[r] = min;
      if (min < this.frontier[r]!) {
        inFlight += this.frontier[r]! - min;
        oldestInFlightMs = Math.max(oldestInFlightMs, Math.round(now - this.issueTimeAtLeast(r, min + 1)));
      }
      for (let s = this.convergedUpTo[r]! + 1; s <= min; s++) {
        if (this.frontier[r]! - s >= ISSUE_RING) continue;
        if (s % k !== 0) continue;
        const issued = this.issueTimes[r * ISSUE_RING + (s % ISSUE_RING)]!;
        const sample: ConvergenceSample = [this.ids[r]!, s, Math.round(issued), Math.max(0, Math.round(now - issued - this.rand() * 100))];
        if (this.pendingSamples.length < 4096) this.pendingSamples.push(sample);
        this.recentSamples.push({ t: now, ms: sample[3] });
        this.allSamples.push(sample);
      }
      this.convergedUpTo[r] = Math.max(this.convergedUpTo[r]!, min);
    }
    if (this.allSamples.length > 10_000) this.allSamples.splice(0, this.allSamples.length - 10_000);
    while (this.recentSamples.length > 0 && this.recentSamples[0]!.t < now - PERCENTILE_WINDOW_MS) this.recentSamples.shift();
    const convergence = censoredPercentiles(
      this.recentSamples.map((s) => s.ms),
      live > 0 ? this.tracedInFlightAges(reachedAll, k) : [],
    );
    // Distinct states: replicas with equal version vectors.
    const groups = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      let h = 2166136261;
      for (let r = 0; r < n; r++) h = Math.imul(h ^ this.vv[i * n + r]!, 16777619);
      const key = String(h >>> 0);
      const g = groups.get(key);
      if (g) g.push(i);
      else groups.set(key, [i]);
    }
    const stateGroup = new Array<number>(n).fill(0);
    [...groups.values()].sort((x, y) => y.length - x.length).forEach((members, g) => members.forEach((i) => (stateGroup[i] = g)));
    let distinct = 0;
    for (const members of groups.values()) if (members.some((i) => !this.crashed[i])) distinct++;
    let ups = 0;
    let mps = 0;
    let bps = 0;
    for (let i = 0; i < n; i++) {
      ups += this.rateUpdates[i]!;
      mps += this.rateMessages[i]!;
      bps += this.rateBytes[i]!;
    }
    let acked = 0;
    for (let i = 0; i < n; i++) if (!this.crashed[i] && this.acked[i] === this.config.version) acked++;
    const kpis: Kpis = {
      live,
      unreachable: 0,
      crashed: n - live,
      total: n,
      convergedShare: live > 0 ? caughtUp / live : 0,
      distinctStates: distinct,
      missingUpdatesTotal: missingTotal,
      maxStalenessMs: maxStale,
      meanMissingUpdates: live > 0 ? liveMissing / live : 0,
      inFlight: live > 0 ? inFlight : 0,
      oldestInFlightMs: live > 0 ? oldestInFlightMs : 0,
      // Crashes here keep their state (a restore brings it back): nothing is ever lost.
      lostUpdates: 0,
      convergenceP50Ms: convergence.p50,
      convergenceP95Ms: convergence.p95,
      convergenceP99Ms: convergence.p99,
      convergenceMaxMs: convergence.max,
      convergenceSamples: this.recentSamples.length,
      convergenceAtLeast: convergence.atLeast,
      updatesPerSec: ups,
      messagesPerSec: mps,
      bytesPerSec: bps,
      deliveriesPerSec: ups * Math.max(0, live - 1),
      bytesPerUpdate: ups > 0 ? bps / (ups * Math.max(1, live - 1)) : null,
      configVersion: this.config.version,
      ackedReplicas: acked,
    };
    const round = (v: number) => Math.round(v * 100) / 100;
    const frame: Frame = {
      type: "frame",
      seq: this.seq++,
      timeMs: now,
      membershipVersion: 1,
      ...(this.seq === 1 ? { replicaIds: [...this.ids] } : {}),
      columns: {
        missingUpdates: missing,
        stalenessMs: staleness,
        status,
        updatesPerSec: Array.from(this.rateUpdates, round),
        messagesPerSec: Array.from(this.rateMessages, round),
        bytesPerSec: Array.from(this.rateBytes, Math.round),
        configVersion: Array.from(this.acked),
        stateGroup,
      },
      kpis,
      samples: this.pendingSamples,
      exchanges: this.pendingExchanges,
      theory: theoryFor(live, this.config),
      sampling: { traceEveryK: k, droppedEvents: 0 },
      events: this.pendingEvents,
    };
    this.pendingSamples = [];
    this.pendingExchanges = [];
    this.pendingEvents = [];
    return frame;
  }

  /** A snapshot as the collector sends after `subscribe`. */
  snapshot(): Snapshot {
    const replicas: ReplicaInfo[] = this.ids.map((id, i) => ({
      id,
      agentId: this.agents[i]! as ReplicaInfo["agentId"],
      node: `node-${this.agents[i]!.slice(6)}`,
      crdtType: this.config.workload.crdtType,
      status: this.crashed[i] ? "crashed" : "live",
      configVersion: this.acked[i]!,
      // Like the launcher: its nodes apply every section.
      applies: ["gossip", "workload", "network"],
    }));
    return {
      type: "snapshot",
      timeMs: this.nowMs,
      windowMs: PERCENTILE_WINDOW_MS,
      run: { id: this.runId as RunId, name: `Fake run (${this.n} replicas)`, startedAtMs: this.startMs, endedAtMs: null },
      config: this.config,
      membershipVersion: 1,
      replicas,
      frames: this.history.map((f, i) => (i === 0 ? { ...f, replicaIds: [...this.ids] } : f)),
      history: this.kpiHistory.filter((p) => p.timeMs < (this.history[0]?.timeMs ?? Infinity)),
      samples: this.allSamples.slice(-10_000),
      events: this.allEvents.slice(-1000),
    };
  }

  /** Applies a config change as the collector would, with a timeline event; replicas ack within one interval. */
  change(requestId: string, patch: unknown): ControlResult {
    const result = applyConfigPatch(this.config, patch);
    if (!result.ok) return { type: "control-result", requestId, ok: false, config: this.config, error: { ...result.error, ref: requestId } };
    const before = this.config;
    this.config = result.config;
    this.applyNetwork();
    for (let i = 0; i < this.n; i++) this.ackAt[i] = this.nowMs + 50 + this.rand() * Math.min(before.gossip.intervalMs, 2000);
    if (before.gossip.intervalMs !== this.config.gossip.intervalMs) {
      for (let i = 0; i < this.n; i++) this.nextRound[i] = this.nowMs + this.rand() * this.config.gossip.intervalMs;
    }
    const fault = result.changed.some((c) => c.startsWith("network."));
    const changes = result.changed.map((c) => describeChange(c, before, this.config)).join(", ");
    const summary = changes ? `v${this.config.version}: ${changes}` : `config v${this.config.version} (no value changed)`;
    const { expectedVersion: _ignored, ...cleanPatch } = patch as Record<string, unknown>;
    this.pushEvent({
      timeMs: this.nowMs,
      kind: fault ? "fault" : "config",
      summary: summary.slice(0, 250),
      version: this.config.version,
      patch: cleanPatch as TimelineEvent["patch"],
    });
    return { type: "control-result", requestId, ok: true, config: this.config };
  }
}

/** As the collector's describeChange writes it: "gossip.intervalMs 1000 → 500", a list as "2 items" or "none". */
function describeChange(path: string, before: ClusterConfig, after: ClusterConfig): string {
  const get = (c: ClusterConfig) => path.split(".").reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], c);
  const show = (v: unknown) => (Array.isArray(v) ? (v.length === 0 ? "none" : `${v.length} item${v.length === 1 ? "" : "s"}`) : typeof v === "string" ? v : JSON.stringify(v));
  return `${path} ${show(get(before))} → ${show(get(after))}`;
}
