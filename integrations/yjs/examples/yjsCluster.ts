// The example node: N Yjs documents (one Y.Text each) in one process, editing at random and
// syncing through y-protocols' messages over a lossy in-process network — local updates are
// broadcast as they happen (some are lost), and every `antiEntropyMs` each replica asks
// `fanout` random peers for what it lacks (sync step 1, answered by step 2). An agent reports
// every replica to the collector. In your own project the imports read "@driftscope/yjs".
import { createAgent, type Agent, type AgentOptions } from "@driftscope/agent";
import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { observeYDoc, type YDocSource } from "../src/index.js";
import { readSyncMessage, writeSyncStep1, writeUpdate } from "../src/yProtocols.js";
import { LoopbackNetwork, type LoopbackOptions } from "./loopbackNetwork.js";

export interface YjsClusterOptions extends LoopbackOptions {
  collectorUrl: string;
  replicas?: number;
  /** Replica ids are `<idPrefix><i>` (default `yjs-`). */
  idPrefix?: string;
  /** Local edits per second per replica (Poisson; default 2). */
  editsPerSec?: number;
  /** Share of edits that delete text (default 0.2). */
  deleteShare?: number;
  /** Anti-entropy period and peers per round (default 1000 ms, 1). */
  antiEntropyMs?: number;
  fanout?: number;
  /** Follow the collector's config: gossip.intervalMs/fanout → anti-entropy, workload rate → edits (default true). */
  followConfig?: boolean;
  agent?: Partial<AgentOptions>;
}

export class YjsCluster {
  readonly docs: Y.Doc[];
  readonly sources: YDocSource[];
  readonly agent: Agent;
  readonly network: LoopbackNetwork;
  editsPerSec: number;
  /** While true, no message is sent (replicas drift apart; edits go on). */
  syncPaused = false;
  antiEntropyMs: number;
  fanout: number;
  readonly #deleteShare: number;
  readonly #random: () => number;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: YjsClusterOptions) {
    const n = options.replicas ?? 4;
    this.#random = options.random ?? Math.random;
    this.network = new LoopbackNetwork(options);
    this.editsPerSec = options.editsPerSec ?? 2;
    this.#deleteShare = options.deleteShare ?? 0.2;
    this.antiEntropyMs = options.antiEntropyMs ?? 1000;
    this.fanout = options.fanout ?? 1;
    this.docs = Array.from({ length: n }, () => new Y.Doc());
    this.sources = this.docs.map((doc, i) =>
      observeYDoc(doc, { id: `${options.idPrefix ?? "yjs-"}${i}`, summary: (d) => `text: ${d.getText("t").length} chars` }),
    );
    this.agent = createAgent({
      collectorUrl: options.collectorUrl,
      agentId: `${options.idPrefix ?? "yjs-"}example`,
      nodeName: "yjs example",
      // It applies the gossip section (its sync period and fanout) and the workload rate, not the network faults.
      ...((options.followConfig ?? true) ? { capabilities: ["gossip", "workload"] as const } : {}),
      ...options.agent,
    });
    if (options.followConfig ?? true) {
      this.agent.onConfig((config) => {
        this.antiEntropyMs = config.gossip.intervalMs;
        this.fanout = Math.min(config.gossip.fanout, n - 1);
        this.editsPerSec = config.workload.updatesPerSecPerReplica;
      });
    }
    this.sources.forEach((source, i) => {
      this.agent.attach(source);
      // Broadcast local updates (received ones were already sent by their author).
      this.docs[i]!.on("update", (update: Uint8Array, _origin: unknown, _doc: Y.Doc, tr: Y.Transaction) => {
        if (!tr.local) return;
        for (const peer of this.sources) if (peer !== source) this.#send(source, peer, (enc) => writeUpdate(source, enc, update, { peer: peer.id }), true);
      });
      this.#every(() => this.#nextEditMs(), () => this.#edit(i));
      this.#every(() => this.antiEntropyMs * (0.5 + this.#random()), () => this.#antiEntropy(i));
    });
  }

  /** Stops editing (syncing goes on). */
  stopEditing(): void {
    this.editsPerSec = 0;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.network.close();
    await this.agent.close();
    for (const s of this.sources) s.close();
    for (const d of this.docs) d.destroy();
  }

  #edit(i: number): void {
    if (this.editsPerSec <= 0) return;
    const text = this.docs[i]!.getText("t");
    if (text.length > 0 && this.#random() < this.#deleteShare) {
      const at = Math.floor(this.#random() * text.length);
      text.delete(at, Math.min(text.length - at, 1 + Math.floor(this.#random() * 3)));
    } else {
      const n = 1 + Math.floor(this.#random() * 4);
      text.insert(Math.floor(this.#random() * (text.length + 1)), "wxyz".slice(0, n));
    }
  }

  #antiEntropy(i: number): void {
    const source = this.sources[i]!;
    const others = this.sources.filter((s) => s !== source);
    for (let k = 0; k < this.fanout && others.length > 0; k++) {
      const peer = others.splice(Math.floor(this.#random() * others.length), 1)[0]!;
      this.#send(source, peer, (enc) => writeSyncStep1(source, enc, { peer: peer.id }), false);
    }
  }

  /** Sends one y-protocols message `from → to`; whatever `to` answers goes back the same way. */
  #send(from: YDocSource, to: YDocSource, write: (encoder: encoding.Encoder) => void, lossy: boolean): void {
    if (this.syncPaused) return;
    const encoder = encoding.createEncoder();
    write(encoder);
    const message = encoding.toUint8Array(encoder);
    this.network.send(() => {
      if (this.#closed) return;
      const reply = encoding.createEncoder();
      readSyncMessage(to, decoding.createDecoder(message), reply, { peer: from.id });
      if (encoding.length(reply) > 0) {
        const answer = encoding.toUint8Array(reply);
        this.network.send(() => {
          if (!this.#closed) readSyncMessage(from, decoding.createDecoder(answer), encoding.createEncoder(), { peer: to.id });
        }, false);
      }
    }, lossy);
  }

  /** Runs `act` again and again, `delayMs()` apart (re-read each time: the config may change it). */
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

  #nextEditMs(): number {
    // Poisson arrivals; with editing stopped, look again in a second.
    return this.editsPerSec > 0 ? -Math.log(1 - this.#random()) * (1000 / this.editsPerSec) : 1000;
  }
}
