// A process hosting N gossip replicas with an agent attached: over the in-memory network
// (one process), or joined to other launcher processes over the WebSocket transport.
// The cluster config the collector pushes is applied here: gossip settings per replica
// (through their sources), the workload, the simulated network and crash/restore.
import { crdtTypeByName, type CrdtTypeName } from "@driftscope/crdt";
import {
  GossipEvents,
  InMemoryNetwork,
  Membership,
  RealScheduler,
  Replica,
  Rng,
  WebSocketTransport,
  type Transport,
} from "@driftscope/gossip";
import type { ClusterConfig, ConfigPatch, GossipMode, PayloadMode, Welcome } from "@driftscope/protocol";
import { createAgent, defaultAgentId, sanitizeId, type Agent, type AgentLogger, type AgentOptions } from "../Agent.js";
import { errorText } from "../control/ConfigApplier.js";
import { fromGossipReplica } from "../ReplicaSource.js";
import { Directory } from "./Directory.js";
import { FaultyTransport, inMemoryFaults, type FaultControl } from "./faults.js";
import { checkOpMix, Workload } from "./Workload.js";

export interface LauncherOptions {
  /** Replicas hosted by this process. */
  replicas: number;
  collectorUrl: string;
  token?: string;
  /** Updates per second per replica. */
  updatesPerSec: number;
  intervalMs: number;
  fanout: number;
  mode: GossipMode;
  payload: PayloadMode;
  crdt: CrdtTypeName;
  reportIntervalMs?: number;
  /** Replica ids are `<idPrefix><i>`. */
  idPrefix: string;
  /** Join other processes over WebSocket: listen here (port 0 = any free port). */
  listen?: { host: string; port: number };
  /** WebSocket URLs of other launcher processes. */
  peers?: string[];
  seed: number;
  /** Config fields given explicitly on the command line: sent once to the collector as a config change. */
  pushPatch?: Omit<ConfigPatch, "expectedVersion">;
  logger?: AgentLogger;
  /** Extra agent options (tests). */
  agent?: Partial<AgentOptions>;
}

export class Launcher {
  readonly agent: Agent;
  readonly replicas: Replica[];
  readonly workload: Workload;
  readonly membership: Membership;
  /** WebSocket URL of this process (WebSocket mode only). */
  readonly url: string | undefined;
  readonly #transport: Transport;
  readonly #faults: FaultControl;
  readonly #directory: Directory | undefined;
  readonly #log: AgentLogger;
  readonly #opts: LauncherOptions;
  #running: Replica[];
  #pushed = false;
  #closed = false;

  private constructor(
    opts: LauncherOptions,
    parts: { transport: Transport; faults: FaultControl; url?: string; directory?: Directory; membership: Membership; replicas: Replica[]; scheduler: RealScheduler; rng: Rng },
  ) {
    this.#opts = opts;
    this.#log = opts.logger ?? { info: (m) => console.log(`[driftscope-agent] ${m}`), warn: (m) => console.warn(`[driftscope-agent] ${m}`) };
    this.#transport = parts.transport;
    this.#faults = parts.faults;
    this.#directory = parts.directory;
    this.url = parts.url;
    this.membership = parts.membership;
    this.replicas = parts.replicas;
    this.#running = [...parts.replicas];
    this.workload = new Workload(parts.scheduler, parts.rng.fork(), () => this.#running);
    this.workload.set(opts.updatesPerSec);
    this.agent = createAgent({
      collectorUrl: opts.collectorUrl,
      ...(opts.token !== undefined ? { token: opts.token } : {}),
      // One agent per launcher: host and pid, plus the id prefix (several launchers may share a process in tests).
      agentId: sanitizeId(`${defaultAgentId()}-${opts.idPrefix.replace(/[-.:_]+$/, "") || "agent"}`),
      ...(opts.reportIntervalMs !== undefined ? { reportIntervalMs: opts.reportIntervalMs } : {}),
      logger: this.#log,
      unref: false,
      capabilities: ["gossip", "workload", "faults"],
      ...opts.agent,
      onWelcome: (welcome, fresh) => {
        opts.agent?.onWelcome?.(welcome, fresh);
        this.#onWelcome(welcome);
      },
    });
    this.agent.onConfig({ check: (c) => this.#check(c), apply: (c) => this.#apply(c) });
    for (const r of this.replicas) this.agent.attach(fromGossipReplica(r));
    if (this.#directory !== undefined) this.#directory.start();
  }

  /** Builds the replicas, starts gossiping, the workload and the agent. */
  static async start(opts: LauncherOptions): Promise<Launcher> {
    if (!Number.isInteger(opts.replicas) || opts.replicas < 0) throw new RangeError(`--replicas must be an integer >= 0, got ${opts.replicas}`);
    const scheduler = new RealScheduler();
    const rng = new Rng(opts.seed);
    const type = crdtTypeByName(opts.crdt);
    const ids = Array.from({ length: opts.replicas }, (_, i) => `${opts.idPrefix}${i}`);
    const membership = new Membership(ids);
    const events = new GossipEvents();
    let transport: Transport;
    let faults: FaultControl;
    let url: string | undefined;
    let directory: Directory | undefined;
    if (opts.listen !== undefined || (opts.peers ?? []).length > 0) {
      const ws = new WebSocketTransport({ host: opts.listen?.host ?? "127.0.0.1", port: opts.listen?.port ?? 0 });
      url = await ws.listen();
      directory = new Directory(ws, membership, url, ids, opts.peers ?? []);
      const faulty = new FaultyTransport(ws, rng.fork());
      transport = faulty;
      faults = faulty;
    } else {
      const network = new InMemoryNetwork(scheduler, rng.fork());
      transport = network;
      faults = inMemoryFaults(network);
    }
    const replicas = ids.map(
      (id) =>
        new Replica({
          id,
          type,
          transport,
          scheduler,
          rng: rng.fork(),
          view: membership,
          config: { intervalMs: opts.intervalMs, fanout: opts.fanout, mode: opts.mode, payload: opts.payload },
          events,
        }),
    );
    return new Launcher(opts, {
      transport,
      faults,
      ...(url !== undefined ? { url } : {}),
      ...(directory !== undefined ? { directory } : {}),
      membership,
      replicas,
      scheduler,
      rng,
    });
  }

  /** Replicas currently running (not crashed). */
  get running(): readonly Replica[] {
    return this.#running;
  }

  // ── the cluster config ──────────────────────────────────────────────────────

  #check(config: ClusterConfig): string | undefined {
    if (config.workload.crdtType !== this.#opts.crdt) {
      return `replicas of this process run ${this.#opts.crdt}; the CRDT type cannot change live (restart the launcher with --crdt ${config.workload.crdtType})`;
    }
    return checkOpMix(this.#opts.crdt, config.workload.opMix);
  }

  #apply(config: ClusterConfig): void {
    this.#faults.apply(config.network);
    const crashed = new Set<string>(config.network.crashed);
    const hub = this.replicas[0]?.events;
    for (const r of this.replicas) {
      if (crashed.has(r.id) && r.isRunning) {
        r.crash();
        if (hub?.listening.membership) hub.emit({ type: "membership", atMs: Date.now(), replica: r.id, change: "crash" });
      } else if (!crashed.has(r.id) && !r.isRunning && r.status === "crashed") {
        r.restore({ keepState: true });
        if (hub?.listening.membership) hub.emit({ type: "membership", atMs: Date.now(), replica: r.id, change: "restore", keepState: true });
      }
    }
    this.#running = this.replicas.filter((r) => r.isRunning);
    this.workload.set(config.workload.updatesPerSecPerReplica, config.workload.opMix);
  }

  #onWelcome(welcome: Welcome): void {
    const patch = this.#opts.pushPatch;
    if (this.#pushed || patch === undefined || Object.keys(patch).length === 0) return;
    this.#pushed = true;
    // Flags given on the command line become the cluster's config, as a slider change would
    // (recorded on the run's timeline, pushed to every agent). Only once: afterwards the
    // collector's config rules, so a dashboard change is not undone by a reconnect.
    if (!needsChange(welcome.config, patch)) return;
    void this.#pushConfig(patch);
  }

  async #pushConfig(patch: NonNullable<LauncherOptions["pushPatch"]>): Promise<void> {
    const url = `${this.#opts.collectorUrl.replace(/\/+$/, "")}/api/v1/config`;
    try {
      const response = await fetch(url, {
        method: "PUT",
        headers: { "content-type": "application/json", ...(this.#opts.token !== undefined ? { authorization: `Bearer ${this.#opts.token}` } : {}) },
        body: JSON.stringify(patch),
        signal: AbortSignal.timeout(5000),
      });
      if (!response.ok) {
        const text = (await response.text()).slice(0, 500);
        this.#log.warn(`the collector refused the command-line config (${response.status}): ${text}; its own config applies`);
      } else {
        this.#log.info(`command-line config sent to the collector: ${JSON.stringify(patch)}`);
      }
    } catch (error) {
      this.#log.warn(`could not send the command-line config to the collector: ${errorText(error)}`);
    }
  }

  // ── shutdown ────────────────────────────────────────────────────────────────

  /** Final report and bye, then stops the workload, the replicas and the transport. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.workload.stop();
    await this.agent.close("launcher stopped");
    this.#directory?.stop();
    for (const r of this.replicas) r.crash();
    await this.#transport.close();
  }
}

/** Whether applying `patch` to `config` would change anything. */
function needsChange(config: ClusterConfig, patch: NonNullable<LauncherOptions["pushPatch"]>): boolean {
  for (const [section, fields] of Object.entries(patch) as Array<[keyof ClusterConfig, Record<string, unknown> | undefined]>) {
    if (fields === undefined) continue;
    const current = config[section] as Record<string, unknown>;
    for (const [key, value] of Object.entries(fields)) if (JSON.stringify(current[key]) !== JSON.stringify(value)) return true;
  }
  return false;
}
