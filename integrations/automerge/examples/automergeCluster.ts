// The example node: N Automerge documents (a shared list) in one process, each changing at
// random and, every `intervalMs`, starting Automerge's sync protocol with `fanout` random
// peers over an in-process network with latency (a dialogue goes on until both sides have
// nothing to say). An agent reports every replica to the collector. In your own project the
// imports read "@driftscope/automerge".
import { createAgent, type Agent, type AgentOptions } from "@driftscope/agent";
import * as A from "@automerge/automerge";
import { actorFor, change, generateSyncMessage, observeAutomerge, receiveSyncMessage, type AutomergeSource } from "../src/index.js";
import { LinkNetwork, type LinkNetworkOptions } from "./linkNetwork.js";

export interface Board {
  items?: string[];
}

export interface AutomergeClusterOptions extends LinkNetworkOptions {
  collectorUrl: string;
  replicas?: number;
  /** Replica ids are `<idPrefix><i>` (default `am-`). */
  idPrefix?: string;
  /** Local changes per second per replica (Poisson; default 2). */
  changesPerSec?: number;
  /** Share of changes that delete an item (default 0.2). */
  deleteShare?: number;
  /** Sync period and peers per round (default 1000 ms, 1). */
  intervalMs?: number;
  fanout?: number;
  /** Follow the collector's config: gossip.intervalMs/fanout → syncing, workload rate → changes (default true). */
  followConfig?: boolean;
  /** Called after every step of a document, with its value before and after (tests keep their truth with it). */
  onStep?: (replica: number, before: A.Doc<Board>, after: A.Doc<Board>, local: boolean) => void;
  agent?: Partial<AgentOptions>;
}

export class AutomergeCluster {
  readonly sources: AutomergeSource<Board>[];
  readonly agent: Agent;
  readonly network: LinkNetwork;
  changesPerSec: number;
  intervalMs: number;
  fanout: number;
  /** While true, no sync starts and no message is delivered (replicas drift apart). */
  syncPaused = false;
  /** Sync state of replica i towards replica j: `states[i][j]`. */
  readonly #states: A.SyncState[][];
  readonly #deleteShare: number;
  readonly #random: () => number;
  readonly #onStep: AutomergeClusterOptions["onStep"];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: AutomergeClusterOptions) {
    const n = options.replicas ?? 4;
    this.#random = options.random ?? Math.random;
    this.#onStep = options.onStep;
    this.network = new LinkNetwork(options);
    this.changesPerSec = options.changesPerSec ?? 2;
    this.#deleteShare = options.deleteShare ?? 0.2;
    this.intervalMs = options.intervalMs ?? 1000;
    this.fanout = options.fanout ?? 1;
    const prefix = options.idPrefix ?? "am-";
    this.sources = Array.from({ length: n }, (_, i) =>
      observeAutomerge(A.init<Board>({ actor: actorFor(`${prefix}${i}`) }), { id: `${prefix}${i}`, summary: (d) => `list: ${d.items?.length ?? 0} items` }),
    );
    this.#states = this.sources.map(() => this.sources.map(() => A.initSyncState()));
    this.agent = createAgent({
      collectorUrl: options.collectorUrl,
      agentId: `${prefix}example`,
      nodeName: "automerge example",
      // It applies the gossip section (its sync period and fanout) and the workload rate, not the network faults.
      ...((options.followConfig ?? true) ? { capabilities: ["gossip", "workload"] as const } : {}),
      ...options.agent,
    });
    if (options.followConfig ?? true) {
      this.agent.onConfig((config) => {
        this.intervalMs = config.gossip.intervalMs;
        this.fanout = Math.min(config.gossip.fanout, n - 1);
        this.changesPerSec = config.workload.updatesPerSecPerReplica;
      });
    }
    this.sources.forEach((source, i) => {
      this.agent.attach(source);
      this.#every(() => this.#nextChangeMs(), () => this.#change(i));
      this.#every(() => this.intervalMs * (0.5 + this.#random()), () => this.#syncRound(i));
    });
  }

  stopChanging(): void {
    this.changesPerSec = 0;
  }

  /** A local change at replica `i` (the test's deletion while sync is paused goes through here too). */
  changeAt(i: number, fn: A.ChangeFn<Board>): void {
    this.#step(i, true, () => change(this.sources[i]!, fn));
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.network.close();
    await this.agent.close();
  }

  #change(i: number): void {
    if (this.changesPerSec <= 0) return;
    const items = this.sources[i]!.doc.items ?? [];
    if (items.length > 0 && this.#random() < this.#deleteShare) {
      const at = Math.floor(this.#random() * items.length);
      this.changeAt(i, (d) => void d.items!.splice(at, 1));
    } else {
      const item = `${this.sources[i]!.id}/${Math.floor(this.#random() * 1e6)}`;
      this.changeAt(i, (d) => {
        d.items ??= [];
        d.items.push(item);
      });
    }
  }

  #syncRound(i: number): void {
    if (this.syncPaused) return;
    const peers = this.sources.map((_, j) => j).filter((j) => j !== i);
    for (let k = 0; k < this.fanout && peers.length > 0; k++) this.#pump(i, peers.splice(Math.floor(this.#random() * peers.length), 1)[0]!);
  }

  /** Sends i → j whatever the sync protocol has to say; the answer comes back the same way. */
  #pump(i: number, j: number): void {
    const from = this.sources[i]!;
    const to = this.sources[j]!;
    const [state, message] = generateSyncMessage(from, this.#states[i]![j]!, { peer: to.id });
    this.#states[i]![j] = state;
    if (message === null) return;
    this.network.send(`${i}>${j}`, () => {
      if (this.#closed || this.syncPaused) return;
      this.#step(j, false, () => {
        this.#states[j]![i] = receiveSyncMessage(to, this.#states[j]![i]!, message, { peer: from.id });
      });
      this.#pump(j, i);
    });
  }

  #step(i: number, local: boolean, act: () => void): void {
    const before = this.sources[i]!.doc;
    act();
    this.#onStep?.(i, before, this.sources[i]!.doc, local);
  }

  #every(delayMs: () => number, act: () => void): void {
    const schedule = () => {
      const delay = delayMs();
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.#closed) return;
        act();
        schedule();
      }, Number.isFinite(delay) ? delay : 1000);
      this.#timers.add(timer);
    };
    schedule();
  }

  #nextChangeMs(): number {
    return this.changesPerSec > 0 ? -Math.log(1 - this.#random()) * (1000 / this.changesPerSec) : 1000;
  }
}
