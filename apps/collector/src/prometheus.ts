// GET /metrics: Prometheus text format from a registry of our own (never prom-client's
// global one, so two collectors in one process — tests — do not collide). Per-replica
// gauges are filled at scrape time from the latest frame, not on every report.
import type { Kpis } from "@driftscope/protocol";
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";

/** What the per-replica gauges read at scrape time. */
export interface ReplicaGaugeSource {
  replicaIds: readonly string[];
  missingUpdates: readonly number[];
  stalenessMs: readonly number[];
  status: readonly number[];
}

/** Cluster-wide gauges read at scrape time: the latest frame's KPIs. */
export type ClusterGaugeSource = Pick<
  Kpis,
  | "live"
  | "total"
  | "convergedShare"
  | "distinctStates"
  | "configVersion"
  | "meanMissingUpdates"
  | "inFlight"
  | "oldestInFlightMs"
  | "convergenceP50Ms"
  | "convergenceP95Ms"
  | "convergenceP99Ms"
  | "convergenceAtLeast"
>;

const NO_KPIS: ClusterGaugeSource = {
  live: 0,
  total: 0,
  convergedShare: 0,
  distinctStates: 0,
  configVersion: 0,
  meanMissingUpdates: 0,
  inFlight: 0,
  oldestInFlightMs: 0,
  convergenceP50Ms: null,
  convergenceP95Ms: null,
  convergenceP99Ms: null,
  convergenceAtLeast: { p50: false, p95: false, p99: false, max: false },
};

/** What /metrics reads about ingest overload (IngestLoad). */
export interface IngestLoadSource {
  readonly coalescedReportsTotal: number;
  readonly coalescedEntriesTotal: number;
  readonly droppedTimesTotal: number;
  readonly slowdown: number;
  readonly stretch: number;
  figures(nowMs: number): { shedding: boolean };
}

/** Convergence-time histogram buckets, in seconds. */
export const CONVERGENCE_BUCKETS_SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

export class CollectorMetrics {
  readonly registry = new Registry();
  /** Accepted agent messages by type and transport. */
  readonly ingestMessages: Counter<"type" | "transport">;
  /** Version-vector entries ingested. */
  readonly ingestEntries: Counter;
  /** Refused messages (or NDJSON lines) by error code and transport. */
  readonly rejections: Counter<"code" | "transport">;
  /** Messages dropped by the per-connection rate limiter. */
  readonly rateLimited: Counter<"transport">;
  readonly convergence: Histogram;
  readonly framesSent: Counter;
  readonly configChanges: Counter;
  /** Updates lost: every holder left or came back empty (DESIGN §2). */
  readonly lostUpdates: Counter;
  readonly agentsConnected: Gauge;
  readonly dashboardsConnected: Gauge;
  /** Times memory was given back after a burst (memorySettle.ts), by part. */
  readonly memoryReleases: Counter<"part">;
  /** Event-loop time spent giving memory back. */
  readonly memoryReleasePause: Counter;
  private source: ReplicaGaugeSource = { replicaIds: [], missingUpdates: [], stalenessMs: [], status: [] };
  private cluster: ClusterGaugeSource = NO_KPIS;
  private ingestLoad: IngestLoadSource | undefined;

  constructor() {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.ingestMessages = new Counter({
      name: "driftscope_ingest_messages_total",
      help: "Agent messages accepted, by type and transport",
      labelNames: ["type", "transport"],
      registers,
    });
    this.ingestEntries = new Counter({ name: "driftscope_ingest_vv_entries_total", help: "Version-vector entries ingested", registers });
    this.rejections = new Counter({
      name: "driftscope_ingest_rejected_total",
      help: "Agent messages or ingest lines refused, by error code and transport",
      labelNames: ["code", "transport"],
      registers,
    });
    this.rateLimited = new Counter({
      name: "driftscope_rate_limited_total",
      help: "Messages or requests dropped by the rate limiter",
      labelNames: ["transport"],
      registers,
    });
    this.convergence = new Histogram({
      name: "driftscope_convergence_time_seconds",
      help: "Convergence time of traced updates (issue to inclusion by the last live replica)",
      buckets: CONVERGENCE_BUCKETS_SECONDS,
      registers,
    });
    this.framesSent = new Counter({ name: "driftscope_frames_total", help: "Frames computed for dashboards", registers });
    this.configChanges = new Counter({ name: "driftscope_config_changes_total", help: "Accepted cluster config changes", registers });
    this.lostUpdates = new Counter({ name: "driftscope_updates_lost_total", help: "Updates lost: every replica holding them left the membership or restarted empty", registers });
    this.agentsConnected = new Gauge({ name: "driftscope_agents_connected", help: "Agent sockets connected", registers });
    this.dashboardsConnected = new Gauge({ name: "driftscope_dashboards_connected", help: "Dashboard sockets connected", registers });
    this.memoryReleases = new Counter({
      name: "driftscope_memory_releases_total",
      help: "Times memory was given back to the system after a burst, by part (v8: V8's free pages, c: glibc's free blocks)",
      labelNames: ["part"],
      registers,
    });
    this.memoryReleasePause = new Counter({ name: "driftscope_memory_release_pause_seconds_total", help: "Event-loop time spent giving memory back", registers });

    // Filled at scrape time from the latest frame (collect() runs with the gauge as `this`).
    const latest = () => this.source;
    const cluster = () => this.cluster;
    new Gauge({
      name: "driftscope_replica_missing_updates",
      help: "Updates issued somewhere but not yet visible at the replica (Σ_r F[r] − VV[r])",
      labelNames: ["replica"],
      registers,
      collect() {
        this.reset();
        const s = latest();
        s.replicaIds.forEach((id, i) => this.set({ replica: id }, s.missingUpdates[i] ?? 0));
      },
    });
    new Gauge({
      name: "driftscope_replica_staleness_seconds",
      help: "Age of the oldest update the replica is missing (0 if none)",
      labelNames: ["replica"],
      registers,
      collect() {
        this.reset();
        const s = latest();
        s.replicaIds.forEach((id, i) => this.set({ replica: id }, (s.stalenessMs[i] ?? 0) / 1000));
      },
    });
    new Gauge({
      name: "driftscope_replica_status",
      help: "Replica status: 0 live, 1 unreachable, 2 crashed",
      labelNames: ["replica"],
      registers,
      collect() {
        this.reset();
        const s = latest();
        s.replicaIds.forEach((id, i) => this.set({ replica: id }, s.status[i] ?? 0));
      },
    });
    const clusterGauge = (name: string, help: string, key: "live" | "total" | "convergedShare" | "distinctStates" | "configVersion" | "meanMissingUpdates" | "inFlight") =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(cluster()[key]);
        },
      });
    clusterGauge("driftscope_replicas_live", "Live replicas", "live");
    clusterGauge("driftscope_replicas_known", "Member replicas (live, unreachable or crashed)", "total");
    clusterGauge("driftscope_converged_share", "Share of live replicas that have seen every issued update", "convergedShare");
    clusterGauge("driftscope_distinct_states", "Distinct (version vector, state hash) among live replicas", "distinctStates");
    clusterGauge("driftscope_config_version", "Current cluster config version", "configVersion");
    clusterGauge("driftscope_missing_updates_mean", "Mean missing updates per live replica", "meanMissingUpdates");
    clusterGauge("driftscope_updates_in_flight", "Updates issued and not yet at every live replica", "inFlight");
    new Gauge({
      name: "driftscope_oldest_in_flight_seconds",
      help: "Age of the oldest update in flight (0: none)",
      registers,
      collect() {
        this.set(cluster().oldestInFlightMs / 1000);
      },
    });
    // Overload (docs/metrics.md "Under overload"): cumulative counts read from the ingest at scrape time.
    const load = () => this.ingestLoad;
    const loadCounter = (name: string, help: string, key: "coalescedReportsTotal" | "coalescedEntriesTotal" | "droppedTimesTotal") => {
      let counted = 0;
      new Counter({
        name,
        help,
        registers,
        collect() {
          const total = load()?.[key] ?? counted;
          if (total > counted) this.inc(total - counted);
          counted = total;
        },
      });
    };
    loadCounter("driftscope_ingest_coalesced_reports_total", "Reports merged into a later report of the same agent because they waited to be folded in (overload)", "coalescedReportsTotal");
    loadCounter("driftscope_ingest_coalesced_entries_total", "Version-vector entries that collapsed into a later value of the same origin when reports were merged", "coalescedEntriesTotal");
    loadCounter("driftscope_ingest_dropped_times_total", "Issue and inclusion times dropped because merged reports held more than one report may", "droppedTimesTotal");
    new Gauge({
      name: "driftscope_ingest_report_slowdown",
      help: "Factor by which agents are asked to stretch their report interval (1: as they asked; more: the collector is overloaded)",
      registers,
      collect() {
        this.set(load()?.slowdown ?? 1);
      },
    });
    new Gauge({
      name: "driftscope_ingest_report_stretch",
      help: "How many times further apart than asked socket agents' report ticks came in the last second (1: as asked; more with a busy collector: its acknowledgements pace them)",
      registers,
      collect() {
        this.set(load()?.stretch ?? 1);
      },
    });
    new Gauge({
      name: "driftscope_ingest_shedding",
      help: "1 when the collector coalesced reports or slowed agents down in the last 10 s",
      registers,
      collect() {
        const source = load();
        this.set(source !== undefined && source.figures(Date.now()).shedding ? 1 : 0);
      },
    });
    const QUANTILES = [["0.5", "p50", "convergenceP50Ms"], ["0.95", "p95", "convergenceP95Ms"], ["0.99", "p99", "convergenceP99Ms"]] as const;
    new Gauge({
      name: "driftscope_convergence_window_seconds",
      help: "Convergence time percentiles over the sliding window, censored: updates in flight count as at least their age",
      labelNames: ["quantile"],
      registers,
      collect() {
        this.reset();
        for (const [q, , key] of QUANTILES) {
          const v = cluster()[key];
          if (v !== null) this.set({ quantile: q }, v / 1000);
        }
      },
    });
    new Gauge({
      name: "driftscope_convergence_window_lower_bound",
      help: "1 when the percentile is only a lower bound (updates still in flight may land above it)",
      labelNames: ["quantile"],
      registers,
      collect() {
        this.reset();
        for (const [q, p] of QUANTILES) this.set({ quantile: q }, cluster().convergenceAtLeast[p] ? 1 : 0);
      },
    });
  }

  /** Where ingest overload figures are read at each scrape (the agents' ingest). */
  watchIngestLoad(source: IngestLoadSource): void {
    this.ingestLoad = source;
  }

  /** The latest frame's figures, read at the next scrape. */
  update(source: ReplicaGaugeSource, cluster: ClusterGaugeSource): void {
    this.source = source;
    this.cluster = cluster;
  }

  /** Prometheus text exposition of everything. */
  async text(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
