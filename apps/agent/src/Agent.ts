// The embeddable agent: observes replica sources, sends one report per tick for all of
// them to the collector, applies the cluster configs the collector pushes, and never
// gets in its host's way: no call into the host's code path does I/O, telemetry waits
// in a bounded buffer while the collector is away, and nothing it does throws into the host.
import { hostname } from "node:os";
import {
  ID_PATTERN,
  isValidId,
  LIMITS,
  PROTOCOL_VERSION,
  type AgentId,
  type Capability,
  RunningGossipSchema,
  type RunningGossip,
  type ClusterConfig,
  type ConfigAck,
  type ErrorMessage,
  type Hello,
  type ReplicaId,
  type Report,
  type SyncEvent,
  type SyncKind,
  type Welcome,
} from "@driftscope/protocol";
import { type BackoffOptions } from "./connection/backoff.js";
import { CollectorConnection, type ConnectionState, type ConnectionStats } from "./connection/CollectorConnection.js";
import { ConfigApplier, errorText, type ConfigHandler, type ConfigOutcome } from "./control/ConfigApplier.js";
import { type ReplicaSource } from "./ReplicaSource.js";
import { BoundedBuffer, type DroppedCounts } from "./telemetry/BoundedBuffer.js";
import { OutageBacklog } from "./telemetry/OutageBacklog.js";
import { ReplicaTelemetry } from "./telemetry/ReplicaTelemetry.js";
import { packReports, type PendingReport, type ReportLimits } from "./telemetry/reports.js";

/** Where the agent writes what a person may want to know; defaults to the console (warnings only). */
export interface AgentLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface AgentOptions {
  /** Collector base URL. Default http://127.0.0.1:7420. */
  collectorUrl?: string;
  /** Token the collector asks for when it listens beyond loopback. */
  token?: string;
  /** Stable id of this agent (one per node process). Default: `<host>-<pid>`. */
  agentId?: string;
  /** Node name shown in the dashboard. Default: the host name. */
  nodeName?: string;
  /** Report tick, ms (≥ 50). Default 100. The collector's `welcome` may ask for another one. */
  reportIntervalMs?: number;
  /** Follow the report interval the collector asks for in `welcome`. Default true. */
  followCollectorInterval?: boolean;
  /** Memory cap of the telemetry buffer, bytes. Default 32 MiB (whole vectors of 1,024 replicas × 1,024 origins are ~16 MB of JSON). */
  maxBufferBytes?: number;
  /** Tracing stride until the collector's config sets one: dot (r, seq) traced iff seq % k === 0. Default 1. */
  traceEveryK?: number;
  /**
   * While a replica's state keeps changing, its hash, size and summary are recomputed at most
   * this often (encoding and hashing the state is the costliest part of a tick); a replica that
   * goes quiet gets them recomputed at the next tick. Version vectors are exact every tick.
   * Default 2000 ms; 0 recomputes every tick. (A lagging hash matters only between replicas whose
   * vectors are equal, which is rare while updates flow: states differ by their vectors first.)
   */
  stateRefreshMs?: number;
  /** Individual sync events sampled per tick for the topology view (counters stay exact). Default 32. */
  syncEventsPerTick?: number;
  /** Reconnect schedule. Default 250 ms doubling to 10 s, 50 % jitter. */
  backoff?: BackoffOptions;
  /** Clock ping period once connected, ms. Default 5000. */
  pingIntervalMs?: number;
  /** Ms an unanswered report holds the next back before its answer counts as lost (a collector that never answers). Default 10,000. */
  ackTimeoutMs?: number;
  /**
   * Config sections announced in hello (`gossip`, `workload`, `faults`): an acknowledgement
   * covers these only. Default: `gossip` when configs can be applied (a handler or a source
   * with `applyConfig`), none otherwise.
   */
  capabilities?: Capability[];
  /** The gossip settings this node runs on its own, when it does not take them from the collector (see `reportGossip`). */
  gossip?: RunningGossip;
  /** Agent clock (ms since the epoch); injectable for tests. */
  now?: () => number;
  logger?: AgentLogger;
  /** Timers and socket do not keep the process alive (library default true). */
  unref?: boolean;
  /** Called after each successful handshake (`fresh`: a new connection, not an answer to a re-sent hello). */
  onWelcome?: (welcome: Welcome, fresh: boolean) => void;
  /** Report limits (tests shrink them to exercise splitting). */
  reportLimits?: ReportLimits;
}

/** A snapshot of the agent's own state, for hosts and tests. */
export interface AgentStatus {
  agentId: string;
  connection: ConnectionState;
  replicas: number;
  reportIntervalMs: number;
  traceEveryK: number;
  /** Add to agent time for collector time (0 before the first exchange). */
  clockOffsetMs: number;
  clockRttMs: number | undefined;
  /** Reports waiting in the buffer, and their approximate size with the outage backlog's. */
  buffered: { reports: number; bytes: number };
  /** Everything dropped since start (buffer full, or events piling up faster than reports carry them). */
  dropped: DroppedCounts;
  reportsBuilt: number;
  reportsSent: number;
  /** Seq of the last report built (reports carry strictly increasing seqs). */
  reportSeq: number;
  /** Whole version vectors sent (after connects, attaches, restores and collector requests). */
  fullVectors: number;
  /** request-full messages received from the collector. */
  fullRequests: number;
  connectionStats: ConnectionStats;
  /** Version of the last config applied, if any. */
  configVersion: number | undefined;
  /** The last config refusal, if any. */
  lastConfigError: string | undefined;
  /** Faults caught from replica sources or handlers (they never reach the host). */
  faults: number;
}

/** The agent a host embeds. Every method is safe to call at any time; none throws at run time. */
export interface Agent {
  readonly id: AgentId;
  /**
   * Starts observing a replica; returns a function that detaches it. Throws a TypeError
   * only for a programming error at set-up: an invalid or duplicate id, or too many replicas.
   */
  attach(source: ReplicaSource): () => void;
  /** Stops observing replica `id`; false if it was not attached. */
  detach(id: string): boolean;
  /** Registers how the host retunes itself when the cluster config changes; returns an unregister function. */
  onConfig(handler: ConfigHandler | ((config: ClusterConfig, previous: ClusterConfig | undefined) => void)): () => void;
  /** The cluster config last applied (undefined before the collector sent one). */
  readonly config: ClusterConfig | undefined;
  /** Builds and sends a report now instead of at the next tick. */
  flush(): void;
  /**
   * For a node that runs its own gossip: the settings it runs now (interval, fanout, mode,
   * payload). Announced in hello at the next tick, so the theory line describes them.
   */
  reportGossip(settings: RunningGossip): void;
  status(): AgentStatus;
  /** Says bye to the collector (if connected), stops timers and observers. */
  close(reason?: string): Promise<void>;
}

const DEFAULTS = {
  collectorUrl: "http://127.0.0.1:7420",
  reportIntervalMs: 100,
  maxBufferBytes: 32 * 1024 * 1024,
  syncEventsPerTick: 32,
};

const consoleLogger: AgentLogger = {
  info: () => {},
  warn: (m) => console.warn(`[driftscope-agent] ${m}`),
};

/** A default agent id: `<host>-<pid>`, reduced to the id alphabet. */
export function defaultAgentId(): string {
  const raw = `${hostname() || "node"}-${process.pid}`;
  return sanitizeId(raw);
}

/** Reduces any string to a valid id (replaces other characters by `-`, clips to 128). */
export function sanitizeId(raw: string): string {
  const cleaned = raw.replace(/[^A-Za-z0-9._:-]/g, "-").slice(0, LIMITS.idLength);
  return cleaned.length > 0 && ID_PATTERN.test(cleaned) && isValidId(cleaned) ? cleaned : `node-${process.pid}`;
}

/** Creates an agent and starts connecting to the collector at once. */
export function createAgent(options: AgentOptions = {}): Agent {
  return new AgentImpl(options);
}

class AgentImpl implements Agent {
  readonly id: AgentId;
  readonly #opts: AgentOptions;
  readonly #now: () => number;
  readonly #log: AgentLogger;
  readonly #replicas = new Map<string, ReplicaTelemetry>();
  readonly #buffer: BoundedBuffer<PendingReport>;
  /** While the collector is away: one pending entry per replica (nothing lost on reconnect). */
  readonly #outage: OutageBacklog;
  readonly #conn: CollectorConnection;
  readonly #control = new ConfigApplier();
  #reportIntervalMs: number;
  /** The interval this agent asks for in hello (an overloaded collector may ask for a longer one). */
  readonly #ownIntervalMs: number;
  #tickTimer: ReturnType<typeof setInterval> | undefined;
  #drainTimer: ReturnType<typeof setTimeout> | undefined;
  #traceEveryK: number;
  #reportSeq = 0;
  #reportsBuilt = 0;
  #reportsSent = 0;
  #faults = 0;
  #lostEvents = 0;
  #lostEventsTotal = 0;
  #fullVectors = 0;
  #fullRequests = 0;
  #lastConfigError: string | undefined;
  #lastOutcome: ConfigOutcome | undefined;
  #closed = false;
  #wasDown = false;
  #helloDirty = false;
  #gossip: RunningGossip | undefined;
  #syncSample: SyncEvent[] = [];
  #syncSeen = 0;
  #syncStride = 1;
  readonly #syncPerTick: number;

  constructor(options: AgentOptions) {
    this.#opts = options;
    if (options.gossip !== undefined) this.#gossip = RunningGossipSchema.parse(options.gossip);
    this.#now = options.now ?? (() => performance.timeOrigin + performance.now());
    this.#log = options.logger ?? consoleLogger;
    const id = options.agentId ?? defaultAgentId();
    if (!isValidId(id)) throw new TypeError(`invalid agent id ${JSON.stringify(id)}: 1–128 chars of A-Z a-z 0-9 . _ : -`);
    this.id = id as AgentId;
    this.#reportIntervalMs = Math.max(50, Math.round(options.reportIntervalMs ?? DEFAULTS.reportIntervalMs));
    this.#ownIntervalMs = this.#reportIntervalMs;
    this.#traceEveryK = Math.max(1, Math.floor(options.traceEveryK ?? 1));
    this.#syncPerTick = Math.max(0, options.syncEventsPerTick ?? DEFAULTS.syncEventsPerTick);
    this.#buffer = new BoundedBuffer<PendingReport>({
      maxBytes: options.maxBufferBytes ?? DEFAULTS.maxBufferBytes,
      sizeOf: (p) => p.bytes,
      eventsOf: (p) => p.events,
    });
    // Three quarters of the cap: on reconnect the backlog moves into the buffer, and the
    // ticks that follow while it is delivered must not push it out.
    this.#outage = new OutageBacklog({ maxBytes: Math.floor(0.75 * (options.maxBufferBytes ?? DEFAULTS.maxBufferBytes)) });
    this.#conn = new CollectorConnection({
      url: options.collectorUrl ?? DEFAULTS.collectorUrl,
      ...(options.token !== undefined ? { token: options.token } : {}),
      hello: () => this.#hello(),
      now: this.#now,
      ...(options.backoff !== undefined ? { backoff: options.backoff } : {}),
      ...(options.pingIntervalMs !== undefined ? { pingIntervalMs: options.pingIntervalMs } : {}),
      ...(options.ackTimeoutMs !== undefined ? { ackTimeoutMs: options.ackTimeoutMs } : {}),
      unref: options.unref ?? true,
      events: {
        welcome: (w, fresh) => this.#guard(() => this.#onWelcome(w, fresh)),
        config: (m) =>
          this.#guard(() => {
            if (m.reportIntervalMs !== undefined) this.#followInterval(m.reportIntervalMs);
            this.#applyConfig(m.config);
          }),
        requestFull: (m) => {
          this.#fullRequests++;
          this.#guard(() => this.#requestFull(m.replicas));
        },
        collectorError: (e) => this.#guard(() => this.#onCollectorError(e)),
        down: (reason, retryInMs) => this.#guard(() => this.#onDown(reason, retryInMs)),
        acked: () => this.#guard(() => this.#send()),
      },
    });
    this.#startTicking();
    this.#conn.start();
  }

  // ── replicas ────────────────────────────────────────────────────────────────

  attach(source: ReplicaSource): () => void {
    if (this.#closed) throw new TypeError("agent is closed");
    if (!isValidId(source.id)) throw new TypeError(`invalid replica id ${JSON.stringify(source.id)}: 1–128 chars of A-Z a-z 0-9 . _ : -`);
    if (this.#replicas.has(source.id)) throw new TypeError(`replica ${source.id} is already attached`);
    if (this.#replicas.size >= LIMITS.replicasPerAgent) throw new TypeError(`an agent hosts at most ${LIMITS.replicasPerAgent} replicas`);
    const telemetry = new ReplicaTelemetry(source, {
      now: this.#now,
      traceEveryK: () => this.#traceEveryK,
      syncEvent: (replica, dir, kind, bytes, peer) => this.#offerSyncEvent(replica, dir, kind, bytes, peer),
      fault: (replica, error) => this.#fault(`replica ${replica}`, error),
      stateRefreshMs: Math.max(0, this.#opts.stateRefreshMs ?? 2000),
    });
    this.#replicas.set(source.id, telemetry);
    this.#guard(() => telemetry.start());
    // A replica that joins a running cluster takes the current config at once.
    const current = this.#control.current;
    if (current !== undefined && (source.applyConfig !== undefined || this.#control.hasHandlers)) {
      const reason = this.#guard(() => source.checkConfig?.(current));
      if (reason === undefined) {
        this.#guard(() => source.applyConfig?.(current));
        if (source.configVersion === undefined) telemetry.setConfigVersion(current.version);
      }
    }
    this.#helloChanged();
    return () => {
      this.detach(source.id);
    };
  }

  detach(id: string): boolean {
    const telemetry = this.#replicas.get(id);
    if (telemetry === undefined) return false;
    telemetry.stop();
    this.#replicas.delete(id);
    this.#helloChanged();
    return true;
  }

  onConfig(handler: ConfigHandler | ((config: ClusterConfig, previous: ClusterConfig | undefined) => void)): () => void {
    const h: ConfigHandler = typeof handler === "function" ? { apply: handler } : handler;
    return this.#control.addHandler(h);
  }

  get config(): ClusterConfig | undefined {
    return this.#control.current;
  }

  // ── ticks ───────────────────────────────────────────────────────────────────

  flush(): void {
    this.#guard(() => this.#tick());
  }

  #startTicking(): void {
    if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer);
    this.#tickTimer = setInterval(() => this.#guard(() => this.#tick()), this.#reportIntervalMs);
    if (this.#opts.unref ?? true) this.#tickTimer.unref?.();
  }

  #tick(): void {
    if (this.#closed) return;
    // A replica that restarted without its state is announced (hello) before its reports.
    for (const t of this.#replicas.values()) if (t.pollIncarnation()) this.#helloDirty = true;
    if (this.#helloDirty) {
      this.#helloDirty = false;
      this.#conn.sendHello();
    }
    // Whole milliseconds: finer would only lengthen the JSON.
    const toCollector = (agentMs: number) => Math.round(this.#conn.clock.toCollectorMs(agentMs));
    const digests = [];
    for (const telemetry of this.#replicas.values()) {
      const d = telemetry.collect(toCollector);
      if (d !== undefined) {
        digests.push(d);
        if (d.report.full === true) this.#fullVectors++;
      }
      const lost = telemetry.takeLostEvents();
      this.#lostEvents += lost;
      this.#lostEventsTotal += lost;
    }
    const events = this.#syncSample;
    this.#syncSample = [];
    // Next tick, keep every stride-th event: about syncEventsPerTick of them, spread over the tick.
    this.#syncStride = Math.max(1, Math.ceil(this.#syncSeen / Math.max(1, this.#syncPerTick)));
    this.#syncSeen = 0;
    const timeMs = toCollector(this.#now());
    if (this.#conn.state !== "ready") {
      // Away: this tick (and whatever was built before the connection dropped) folds into one
      // pending entry per replica, sent as a few reports on reconnect.
      for (const pending of this.#buffer.take()) this.#outage.addReport(pending.report);
      this.#outage.add(
        digests.map((d) => d.report),
        events,
        timeMs,
      );
      this.#lostEvents += this.#outage.takeLostEvents();
      return;
    }
    if (this.#buffer.length > 0) {
      // Reports from earlier ticks still wait (the collector has not answered, or the socket is
      // congested): fold them and this tick into one entry per replica, as during an outage, so
      // the backlog is never longer than one report's worth and nothing is lost.
      const sampled: SyncEvent[] = [];
      for (const pending of this.#buffer.take()) {
        this.#outage.addReport(pending.report);
        for (const e of pending.report.events ?? []) sampled.push(e);
      }
      for (const e of events) sampled.push(e);
      // The sync events stay a sample of about one tick's size, spread over the ticks folded.
      const stride = Math.max(1, Math.ceil(sampled.length / Math.max(1, this.#syncPerTick)));
      this.#outage.add(
        digests.map((d) => d.report),
        sampled.filter((_, i) => i % stride === stride - 1),
        timeMs,
      );
      this.#lostEvents += this.#outage.takeLostEvents();
      for (const report of this.#outage.drain((t) => this.#envelope(t))) {
        this.#buffer.push(report);
        this.#reportsBuilt++;
      }
      this.#send();
      return;
    }
    const reports = packReports(digests, events, () => this.#envelope(timeMs), this.#opts.reportLimits);
    for (const r of reports) {
      this.#buffer.push(r);
      this.#reportsBuilt++;
    }
    this.#send();
  }

  #envelope(timeMs: number): Omit<Report, "replicas" | "events"> {
    const envelope: Omit<Report, "replicas" | "events"> = { type: "report", agentId: this.id, seq: ++this.#reportSeq, timeMs };
    const estimate = this.#conn.clock.estimate;
    if (estimate !== undefined) envelope.clock = { offsetMs: Math.round(estimate.offsetMs * 10) / 10, rttMs: Math.round(estimate.rttMs * 10) / 10 };
    return envelope;
  }

  /** Hands buffered reports to the socket while it is ready and not congested. */
  #send(): void {
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    this.#drainTimer = undefined;
    while (this.#buffer.length > 0 && this.#conn.writable) {
      const [pending] = this.#buffer.take(1);
      if (pending === undefined) break;
      const dropped = this.#buffer.takeDropped();
      const lost = this.#lostEvents;
      if (dropped.items > 0 || dropped.events > 0 || lost > 0) {
        pending.report.dropped = { reports: dropped.items, events: dropped.events + lost };
        this.#lostEvents = 0;
      }
      if (!this.#conn.send(pending.report)) {
        delete pending.report.dropped; // counted again when it goes out
        this.#buffer.unshift([pending]);
        this.#buffer.restoreDropped(dropped);
        this.#lostEvents += lost;
        break;
      }
      this.#reportsSent++;
    }
    // Congested (a burst of whole vectors, a slow collector): try again as the socket drains,
    // not only at the next tick.
    if (this.#buffer.length > 0 && this.#conn.state === "ready" && !this.#closed) {
      this.#drainTimer = setTimeout(() => this.#guard(() => this.#send()), 10);
      if (this.#opts.unref ?? true) this.#drainTimer.unref?.();
    }
  }

  #offerSyncEvent(replica: string, dir: "sent" | "received" | "merged", kind: SyncKind, bytes: number, peer: string): void {
    // A systematic sample (every stride-th event, the stride set from the previous tick's
    // volume): this runs for every message a replica sends, so it must cost one increment.
    if (++this.#syncSeen % this.#syncStride !== 0 || this.#syncSample.length >= this.#syncPerTick) return;
    if (!cheapIdCheck(peer)) return;
    const event: SyncEvent = {
      replica: replica as ReplicaId,
      dir,
      peer: peer as ReplicaId,
      kind,
      bytes,
      timeMs: Math.round(this.#conn.clock.toCollectorMs(this.#now())),
    };
    this.#syncSample.push(event);
  }

  // ── connection events ───────────────────────────────────────────────────────

  #hello(): Hello {
    this.#helloDirty = false;
    const capabilities = this.#opts.capabilities ?? (this.#runsConfigs() ? (["gossip"] as Capability[]) : undefined);
    const hello: Hello = {
      type: "hello",
      protocol: PROTOCOL_VERSION,
      agentId: this.id,
      node: { name: clip(this.#opts.nodeName ?? (hostname() || "node"), LIMITS.stringLength) || "node", pid: process.pid, language: "typescript" },
      replicas: [...this.#replicas.values()].map((t) => ({ id: t.id as ReplicaId, crdtType: clipType(t.source.crdtType), ...(t.incarnation > 0 ? { incarnation: t.incarnation } : {}) })),
      clock: { agentTimeMs: this.#now() },
      reportIntervalMs: this.#ownIntervalMs,
    };
    if (this.#opts.token !== undefined) hello.token = this.#opts.token;
    if (capabilities !== undefined && capabilities.length > 0) hello.capabilities = capabilities;
    if (this.#gossip !== undefined) hello.gossip = this.#gossip;
    return hello;
  }

  #runsConfigs(): boolean {
    if (this.#control.hasHandlers) return true;
    for (const t of this.#replicas.values()) if (t.source.applyConfig !== undefined) return true;
    return false;
  }

  reportGossip(settings: RunningGossip): void {
    const parsed = RunningGossipSchema.safeParse(settings);
    if (!parsed.success) throw new TypeError(`invalid gossip settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    if (JSON.stringify(parsed.data) === JSON.stringify(this.#gossip)) return;
    this.#gossip = parsed.data;
    this.#helloChanged();
  }

  #helloChanged(): void {
    // Sent at the next tick, so that attaching 1,000 replicas in a loop sends one hello.
    this.#helloDirty = true;
  }

  #onWelcome(welcome: Welcome, fresh: boolean): void {
    if (this.#wasDown) this.#log.info(`connected to the collector again (agent ${this.id})`);
    this.#wasDown = false;
    this.#followInterval(welcome.reportIntervalMs);
    // Digests are snapshots: whole vectors after every (re)connect make the collector's view exact again.
    // (A welcome answering a re-sent hello needs none: new replicas start with a whole vector anyway.)
    if (fresh) this.#requestFull(undefined);
    this.#applyConfig(welcome.config);
    if (!this.#outage.empty) {
      for (const pending of this.#buffer.take()) this.#outage.addReport(pending.report);
      for (const report of this.#outage.drain((timeMs) => this.#envelope(timeMs))) {
        this.#buffer.push(report);
        this.#reportsBuilt++;
      }
    }
    this.#send();
    this.#opts.onWelcome?.(welcome, fresh);
  }

  /** The collector's interval (welcome, or a config message of an overloaded collector), unless the node set its own. */
  #followInterval(intervalMs: number): void {
    if (!(this.#opts.followCollectorInterval ?? true) || this.#opts.reportIntervalMs !== undefined || intervalMs === this.#reportIntervalMs) return;
    this.#reportIntervalMs = intervalMs;
    this.#startTicking();
  }

  #onDown(reason: string, retryInMs: number): void {
    if (!this.#wasDown) this.#log.warn(`collector unreachable (${reason}); the node keeps running, retrying in ${retryInMs} ms and then with backoff`);
    this.#wasDown = true;
  }

  #onCollectorError(error: ErrorMessage): void {
    this.#log.warn(`collector error ${error.code}: ${error.message}${error.ref ? ` (${error.ref})` : ""}`);
    // The collector has no session for us on this connection (it restarted, or another took over): re-announce.
    if (error.code === "NOT_FOUND" && /^(report|config-ack|bye)/.test(error.ref ?? "")) this.#helloChanged();
  }

  #requestFull(replicas: readonly string[] | undefined): void {
    if (replicas === undefined) for (const t of this.#replicas.values()) t.requestFull();
    else for (const id of replicas) this.#replicas.get(id)?.requestFull();
  }

  // ── config ──────────────────────────────────────────────────────────────────

  #applyConfig(input: unknown): void {
    const current = this.#control.current;
    if (current !== undefined && this.#lastOutcome !== undefined && JSON.stringify(current) === JSON.stringify(input)) {
      // Already running it (e.g. the welcome after a reconnect): acknowledge again.
      const last = this.#lastOutcome;
      const applied = [...this.#replicas.keys()].filter((id) => !last.refused.some((r) => r.replicas.includes(id)) && this.#runsConfig(id));
      this.#ack({ ...last, applied });
      return;
    }
    const targets = [...this.#replicas.values()].map((t) => ({
      id: t.id,
      ...(t.source.checkConfig !== undefined ? { checkConfig: (c: ClusterConfig) => t.source.checkConfig!(c) } : {}),
      ...(t.source.applyConfig !== undefined ? { applyConfig: (c: ClusterConfig) => t.source.applyConfig!(c) } : {}),
    }));
    const outcome = this.#control.apply(input, targets);
    if (outcome.config !== undefined) this.#traceEveryK = outcome.config.telemetry.traceEveryK;
    for (const id of outcome.applied) {
      const t = this.#replicas.get(id);
      // Sources that take a config later (at their next gossip tick) report the version they run themselves.
      if (t !== undefined && t.source.configVersion === undefined) t.setConfigVersion(outcome.version);
    }
    if (outcome.refused.length > 0) {
      this.#lastConfigError = outcome.refused.map((r) => r.message).join("; ");
      this.#log.warn(`config version ${outcome.version} refused: ${this.#lastConfigError}`);
    } else this.#lastConfigError = undefined;
    if (outcome.config !== undefined) this.#lastOutcome = outcome;
    this.#ack(outcome);
  }

  #runsConfig(id: string): boolean {
    return this.#control.hasHandlers || this.#replicas.get(id)?.source.applyConfig !== undefined;
  }

  #ack(outcome: ConfigOutcome): void {
    const acks: ConfigAck[] = [];
    for (const ids of chunks(outcome.applied, LIMITS.replicasPerAgent)) {
      acks.push({ type: "config-ack", agentId: this.id, version: outcome.version, replicas: ids as ReplicaId[], ok: true });
    }
    for (const refusal of outcome.refused) {
      for (const ids of chunks(refusal.replicas, LIMITS.replicasPerAgent)) {
        acks.push({
          type: "config-ack",
          agentId: this.id,
          version: outcome.version,
          replicas: ids as ReplicaId[],
          ok: false,
          error: { code: refusal.code, message: clip(refusal.message, LIMITS.messageLength) },
        });
      }
    }
    // Acks are not buffered: the collector re-sends its config in every welcome, and the
    // config version also rides on each replica's next report.
    for (const ack of acks) this.#conn.send(ack);
  }

  // ── status and shutdown ─────────────────────────────────────────────────────

  status(): AgentStatus {
    const estimate = this.#conn.clock.estimate;
    const total = this.#buffer.droppedTotal;
    return {
      agentId: this.id,
      connection: this.#conn.state,
      replicas: this.#replicas.size,
      reportIntervalMs: this.#reportIntervalMs,
      traceEveryK: this.#traceEveryK,
      clockOffsetMs: estimate?.offsetMs ?? 0,
      clockRttMs: estimate?.rttMs,
      buffered: { reports: this.#buffer.length, bytes: this.#buffer.bytes + this.#outage.bytes },
      dropped: { items: total.items, events: total.events + this.#lostEventsTotal, bytes: total.bytes },
      reportsBuilt: this.#reportsBuilt,
      reportsSent: this.#reportsSent,
      reportSeq: this.#reportSeq,
      fullVectors: this.#fullVectors,
      fullRequests: this.#fullRequests,
      connectionStats: { ...this.#conn.stats },
      configVersion: this.#control.current?.version,
      lastConfigError: this.#lastConfigError,
      faults: this.#faults,
    };
  }

  async close(reason = "shutdown"): Promise<void> {
    if (this.#closed) return;
    // Last tick first, so that the final state reaches the collector before bye.
    this.#guard(() => this.#tick());
    this.#closed = true;
    if (this.#tickTimer !== undefined) clearInterval(this.#tickTimer);
    if (this.#drainTimer !== undefined) clearTimeout(this.#drainTimer);
    for (const t of this.#replicas.values()) t.stop();
    try {
      await this.#conn.close({ type: "bye", agentId: this.id, reason: clip(reason, LIMITS.stringLength) });
    } catch (error) {
      this.#fault("close", error);
    }
  }

  // ── never throw into the host ───────────────────────────────────────────────

  #guard<T>(fn: () => T): T | undefined {
    try {
      return fn();
    } catch (error) {
      this.#fault("agent", error);
      return undefined;
    }
  }

  #fault(where: string, error: unknown): void {
    this.#faults++;
    // Rate-limited: a source failing every tick must not flood the host's log.
    if (this.#faults <= 10 || this.#faults % 1000 === 0) this.#log.warn(`${where}: ${errorText(error)} (${this.#faults} faults so far)`);
  }
}

/** The id rules without zod (this runs per sampled sync event); reserved names are rare enough to check by set. */
const RESERVED = new Set(Object.getOwnPropertyNames(Object.prototype));
function cheapIdCheck(id: string): boolean {
  return id.length > 0 && id.length <= LIMITS.idLength && ID_PATTERN.test(id) && !RESERVED.has(id);
}

function* chunks<T>(items: readonly T[], size: number): Iterable<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

function clip(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

function clipType(type: string): Hello["replicas"][number]["crdtType"] {
  const cleaned = type.replace(/[^A-Za-z0-9_.:-]/g, "-").slice(0, 64);
  return cleaned.length > 0 ? cleaned : "unknown";
}
