import { crdtTypeByName, randomOp, vvEquals, type CrdtType, type CrdtTypeName, type Dot } from "@driftscope/crdt";
import { DEFAULT_GOSSIP_CONFIG, withConfig, type GossipConfig } from "../config.js";
import { GossipEvents } from "../events.js";
import { Membership, PartialView, type PeerView } from "../membership/Membership.js";
import { InMemoryNetwork, type LinkConditions } from "../net/InMemoryNetwork.js";
import { Replica } from "../replica/Replica.js";
import { RealScheduler } from "../time/RealScheduler.js";
import { Rng } from "../time/Rng.js";
import type { Scheduler } from "../time/Scheduler.js";
import { VirtualScheduler } from "../time/VirtualScheduler.js";
import { Workload, type WorkloadConfig } from "./Workload.js";

/** How to build a local cluster. */
export interface ClusterOptions<S, Op, V> {
  /** The CRDT every replica hosts (a type value, or its name). */
  type: CrdtType<S, Op, V> | CrdtTypeName;
  /** Replica count (ids `r0`, `r1`, …) or explicit ids. */
  replicas: number | readonly string[];
  config?: Partial<GossipConfig>;
  /** Seed of every random choice (peers, loss, jitter, phases, workload). Default 1. */
  seed?: number;
  /** "virtual" (default): simulated time, run it with runFor/runUntil; "real": wall-clock timers. */
  time?: "virtual" | "real";
  /** A scheduler to use instead of the one `time` would create. */
  scheduler?: Scheduler;
  /** Initial link conditions of the in-memory network. */
  network?: Partial<LinkConditions>;
  /**
   * "random-phase" (default): each replica's first tick is uniform within one interval, as
   * independent processes. "synchronous-rounds": every replica ticks at the same instants
   * (multiples of intervalMs) and, with latency well under the interval, what is sent in round
   * r is merged before round r+1: the model of DESIGN.md §3.
   */
  timing?: "random-phase" | "synchronous-rounds";
  /**
   * Partial views of about this many peers each (at least this many when the cluster is big
   * enough): a random symmetric neighbourhood (if a sees b, b sees a), topped up on join and leave. Default: the full view
   * (everyone sees everyone), which the theory of DESIGN.md §3 assumes. Large clusters with
   * delta payload need partial views: a per-peer delta buffer only pays off when the peer is met
   * often.
   */
  viewSize?: number;
  /** Delta-log entries per replica. Default 1024. */
  deltaLogCapacity?: number;
  /** Delta-log bytes per replica. Default 4 MiB. */
  deltaLogMaxBytes?: number;
  workload?: WorkloadConfig;
}

/**
 * N replicas over one in-memory network: the one way to run a local cluster. Everything
 * observable goes through `events` (one hub for all replicas and the network); everything
 * steerable is a method: `setConfig`, `crash`/`restore`, `join`/`leave`, `setWorkload`, and the
 * network's faults (`cluster.network.partition(…)`, `cut`, `setLinkConditions`, `heal`).
 */
export class Cluster<S = unknown, Op = unknown, V = unknown> {
  readonly type: CrdtType<S, Op, V>;
  readonly scheduler: Scheduler;
  readonly network: InMemoryNetwork;
  readonly events = new GossipEvents();
  readonly membership = new Membership();
  readonly workload: Workload;
  private readonly rng: Rng;
  private readonly byId = new Map<string, Replica<S, Op, V>>();
  private readonly views = new Map<string, PartialView>();
  private readonly viewRng: Rng;
  private runningList: Replica<S, Op, V>[] = [];
  private cfg: GossipConfig;
  private cfgVersion = 0;
  private nextId: number;
  private readonly options: ClusterOptions<S, Op, V>;

  constructor(options: ClusterOptions<S, Op, V>) {
    this.options = options;
    this.type = (typeof options.type === "string" ? crdtTypeByName(options.type) : options.type) as CrdtType<S, Op, V>;
    this.rng = new Rng(options.seed ?? 1);
    this.scheduler = options.scheduler ?? (options.time === "real" ? new RealScheduler() : new VirtualScheduler());
    this.network = new InMemoryNetwork(this.scheduler, this.rng.fork(), options.network ?? {});
    this.network.onDrop((from, to, bytes, reason) => {
      if (this.events.listening.drop) this.events.emit({ type: "drop", atMs: this.scheduler.now(), from, to, bytes, reason });
    });
    this.workload = new Workload(this.scheduler, this.rng.fork(), () => this.runningList);
    this.viewRng = this.rng.fork();
    if (options.viewSize !== undefined && (!Number.isInteger(options.viewSize) || options.viewSize < 1)) {
      throw new RangeError(`viewSize must be an integer >= 1, got ${options.viewSize}`);
    }
    this.cfg = withConfig(DEFAULT_GOSSIP_CONFIG, options.config ?? {});
    const ids = typeof options.replicas === "number" ? Array.from({ length: options.replicas }, (_, i) => `r${i}`) : [...options.replicas];
    this.nextId = typeof options.replicas === "number" ? options.replicas : 0;
    for (const id of ids) this.membership.join(id);
    if (options.viewSize !== undefined) {
      // All views first, then random links between replicas short of viewSize: near-regular.
      for (const id of ids) this.views.set(id, new PartialView());
      for (const id of ids) this.topUp(id, false);
      for (const id of ids) this.topUp(id, true); // the few left short (e.g. odd N·viewSize) link to anyone
    }
    for (const id of ids) this.add(id);
    this.refreshRunning();
    if (options.workload) this.workload.set(options.workload);
  }

  // ── replicas ─────────────────────────────────────────────────────────────────────────────

  /** Every member (running or crashed), in join order. */
  replicas(): Replica<S, Op, V>[] {
    return [...this.byId.values()];
  }

  /** Running replicas (not crashed), in join order. Do not mutate. */
  running(): readonly Replica<S, Op, V>[] {
    return this.runningList;
  }

  ids(): string[] {
    return [...this.byId.keys()];
  }

  /** The replica with this id; throws for an unknown id. */
  replica(id: string): Replica<S, Op, V> {
    const r = this.byId.get(id);
    if (!r) throw new Error(`no replica ${id} in this cluster`);
    return r;
  }

  get size(): number {
    return this.byId.size;
  }

  // ── config ───────────────────────────────────────────────────────────────────────────────

  get config(): Readonly<GossipConfig> {
    return this.cfg;
  }

  get configVersion(): number {
    return this.cfgVersion;
  }

  /**
   * Changes the gossip config of every replica (validated first: a bad value throws and
   * changes nothing). Each replica applies it at its next tick and emits a `config` event
   * then. Returns the new config and its version.
   */
  setConfig(change: Partial<GossipConfig>): { config: GossipConfig; version: number } {
    const next = withConfig(this.cfg, change);
    this.cfg = next;
    this.cfgVersion++;
    for (const r of this.byId.values()) r.setConfig(next, this.cfgVersion);
    return { config: next, version: this.cfgVersion };
  }

  /** Changes the workload (updates per second per running replica). */
  setWorkload(config: WorkloadConfig): void {
    this.workload.set(config);
  }

  // ── membership and faults ────────────────────────────────────────────────────────────────

  /** Adds a replica (id `r<n>` by default) with the current config; it starts empty and catches up by gossip. */
  join(id?: string): Replica<S, Op, V> {
    const rid = id ?? this.freshId();
    if (this.byId.has(rid)) throw new Error(`replica ${rid} already exists`);
    this.membership.join(rid);
    const r = this.add(rid);
    this.refreshRunning();
    this.emitMembership(rid, "join");
    return r;
  }

  /** Removes a replica for good (it hands its state to `fanout` peers first unless `handoff: false`). */
  leave(id: string, options: { handoff?: boolean } = {}): void {
    const r = this.replica(id);
    r.leave(options);
    this.membership.leave(id);
    this.byId.delete(id);
    const gone = this.views.get(id);
    this.views.delete(id);
    for (const neighbour of gone?.members() ?? []) {
      this.views.get(neighbour)?.remove(id);
      this.topUp(neighbour, true);
    }
    this.refreshRunning();
    this.emitMembership(id, "leave");
  }

  /** Crashes a replica: it neither sends nor answers until restored. */
  crash(id: string): void {
    const r = this.replica(id);
    if (!r.isRunning) return;
    r.crash();
    this.refreshRunning();
    this.emitMembership(id, "crash");
  }

  /** Restores a crashed replica, with its state kept or empty (see Replica.restore). */
  restore(id: string, options: { keepState: boolean } = { keepState: true }): void {
    const r = this.replica(id);
    if (r.isRunning) return;
    r.restore(options);
    this.refreshRunning();
    this.emitMembership(id, "restore", options.keepState);
  }

  // ── updates ──────────────────────────────────────────────────────────────────────────────

  /** One update at replica `id`: `op`, or a random valid op of the type. */
  update(id: string, op?: Op): Dot {
    const r = this.replica(id);
    return r.update(op ?? (randomOp(this.type, this.rng.random, r.origin, r.state.seq + 1, this.scheduler.now()) as Op));
  }

  // ── running virtual time ─────────────────────────────────────────────────────────────────

  private get virtual(): VirtualScheduler {
    if (!(this.scheduler instanceof VirtualScheduler)) throw new Error("this cluster runs in real time");
    return this.scheduler;
  }

  /** Virtual time only: runs `ms` of simulated time. */
  runFor(ms: number): void {
    this.virtual.runFor(ms);
  }

  /** Virtual time only: runs until `timeMs`. */
  runUntil(timeMs: number): void {
    this.virtual.runUntil(timeMs);
  }

  /**
   * Virtual time only: runs until every running replica holds the same state (checked every
   * `checkEveryMs`, default one interval) or `maxMs` passed. Returns whether it converged.
   */
  runUntilConverged(maxMs: number, checkEveryMs?: number): boolean {
    const step = checkEveryMs ?? this.cfg.intervalMs;
    const deadline = this.scheduler.now() + maxMs;
    while (!this.isConverged()) {
      if (this.scheduler.now() >= deadline) return false;
      this.virtual.runUntil(Math.min(deadline, this.scheduler.now() + step));
    }
    return true;
  }

  /** Every running replica has the same version vector and the same state hash. */
  isConverged(): boolean {
    const live = this.runningList;
    if (live.length <= 1) return true;
    const first = live[0]!.digest();
    for (let i = 1; i < live.length; i++) {
      const d = live[i]!.digest();
      if (d.hash !== first.hash || !vvEquals(d.versionVector, first.versionVector)) return false;
    }
    return true;
  }

  /**
   * Stops every timer and detaches everything (the cluster cannot be used afterwards). All of it
   * happens synchronously; the promise is for symmetry with transports that close sockets.
   */
  close(): Promise<void> {
    this.workload.stop();
    for (const r of this.byId.values()) r.crash();
    this.refreshRunning();
    return this.network.close();
  }

  // ── internals ────────────────────────────────────────────────────────────────────────────

  /** The view of replica `id` (the shared full view unless `viewSize` is set). */
  viewOf(id: string): PeerView {
    return this.views.get(id) ?? this.membership;
  }

  private add(id: string): Replica<S, Op, V> {
    let view: PeerView = this.membership;
    if (this.options.viewSize !== undefined) {
      let partial = this.views.get(id);
      if (partial === undefined) {
        partial = new PartialView();
        this.views.set(id, partial);
        this.topUp(id, true);
      }
      view = partial;
    }
    const r = new Replica<S, Op, V>({
      id,
      type: this.type,
      transport: this.network,
      scheduler: this.scheduler,
      rng: this.rng.fork(),
      view,
      config: this.cfg,
      configVersion: this.cfgVersion,
      events: this.events,
      phase: this.options.timing === "synchronous-rounds" ? "aligned" : "random",
      ...(this.options.deltaLogCapacity !== undefined ? { deltaLogCapacity: this.options.deltaLogCapacity } : {}),
      ...(this.options.deltaLogMaxBytes !== undefined ? { deltaLogMaxBytes: this.options.deltaLogMaxBytes } : {}),
    });
    this.byId.set(id, r);
    return r;
  }

  /**
   * Links `id` to random others (both ways) until it has viewSize neighbours, preferring peers
   * that have fewer than viewSize themselves, so degrees stay close to viewSize.
   */
  private topUp(id: string, anyPeer: boolean): void {
    const size = this.options.viewSize!;
    const view = this.views.get(id)!;
    if (view.size >= size) return;
    const others = this.membership.members().filter((m) => m !== id && this.views.has(m) && !view.has(m));
    const pick = (pool: string[]) => {
      while (view.size < size && pool.length > 0) {
        const j = this.viewRng.int(pool.length);
        const other = pool[j]!;
        pool[j] = pool[pool.length - 1]!;
        pool.pop();
        view.add(other);
        this.views.get(other)!.add(id);
      }
    };
    pick(others.filter((m) => this.views.get(m)!.size < size));
    if (anyPeer) pick(others.filter((m) => !view.has(m)));
  }

  private freshId(): string {
    while (this.byId.has(`r${this.nextId}`)) this.nextId++;
    return `r${this.nextId++}`;
  }

  private refreshRunning(): void {
    this.runningList = [...this.byId.values()].filter((r) => r.isRunning);
    this.workload.reschedule();
  }

  private emitMembership(replica: string, change: "join" | "leave" | "crash" | "restore", keepState?: boolean): void {
    if (!this.events.listening.membership) return;
    this.events.emit({
      type: "membership", atMs: this.scheduler.now(), replica, change, ...(keepState !== undefined ? { keepState } : {}),
    });
  }
}
