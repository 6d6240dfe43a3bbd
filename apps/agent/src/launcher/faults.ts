// The simulated network faults of the cluster config (latency, jitter, loss, partitions,
// one-way cuts) applied to whatever transport the launcher uses. The in-memory network
// simulates them natively; over WebSocket, each process applies them to what its own
// replicas send (every process gets the same config, so every link is covered once).
import type { DropListener, Endpoint, InMemoryNetwork, MessageHandler, Rng, Transport } from "@driftscope/gossip";
import type { NetworkConfig } from "@driftscope/protocol";

/** What the launcher needs to steer a network's faults. */
export interface FaultControl {
  apply(network: NetworkConfig): void;
}

/** Applies network configs to the in-memory network (which does the simulation). */
export function inMemoryFaults(network: InMemoryNetwork): FaultControl {
  let cuts = new Set<string>();
  return {
    apply(config) {
      network.setDefaultConditions({ latencyMs: config.latencyMs, jitterMs: config.jitterMs, lossRate: config.lossRate });
      network.partition(config.partitions);
      const next = new Set(config.cuts.map((c) => cutKey(c.from, c.to)));
      for (const key of cuts) if (!next.has(key)) network.uncut(...splitCut(key));
      for (const key of next) if (!cuts.has(key)) network.cut(...splitCut(key));
      cuts = next;
    },
  };
}

// Ids cannot contain a newline, so it separates the two ends unambiguously.
const cutKey = (from: string, to: string) => `${from}\n${to}`;
const splitCut = (key: string) => key.split("\n") as [string, string];

/**
 * A transport decorator that drops and delays what local replicas send, by the rules of the
 * current network config. Decided at send time (as the in-memory network does for loss and
 * latency); a partition or cut also stops messages still waiting for their delay.
 */
export class FaultyTransport implements Transport, FaultControl {
  #config: NetworkConfig = { latencyMs: 0, jitterMs: 0, lossRate: 0, partitions: [], cuts: [], crashed: [] };
  #groups = new Map<string, number>();
  #cuts = new Set<string>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #onDrop: DropListener | null = null;
  /** Messages dropped by the simulated faults. */
  dropped = 0;

  constructor(
    private readonly inner: Transport,
    private readonly rng: Rng,
  ) {}

  apply(config: NetworkConfig): void {
    this.#config = config;
    const groups = new Map<string, number>();
    config.partitions.forEach((group, i) => group.forEach((id) => groups.set(id, i)));
    this.#groups = groups;
    this.#cuts = new Set(config.cuts.map((c) => cutKey(c.from, c.to)));
  }

  onDrop(listener: DropListener | null): void {
    this.#onDrop = listener;
  }

  attach(id: string, onMessage: MessageHandler): Endpoint {
    const endpoint = this.inner.attach(id, onMessage);
    return {
      id: endpoint.id,
      send: (to, bytes) => this.#send(endpoint, to, bytes),
      close: () => endpoint.close(),
    };
  }

  async close(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    await this.inner.close();
  }

  #blocked(from: string, to: string): "partition" | "cut" | null {
    if (this.#groups.size > 0 && (this.#groups.get(from) ?? -1) !== (this.#groups.get(to) ?? -1)) return "partition";
    if (this.#cuts.has(cutKey(from, to))) return "cut";
    return null;
  }

  #send(endpoint: Endpoint, to: string, bytes: Uint8Array): void {
    const c = this.#config;
    const blocked = this.#blocked(endpoint.id, to);
    if (blocked !== null) return this.#drop(endpoint.id, to, bytes.length, blocked);
    if (c.lossRate > 0 && this.rng.chance(c.lossRate)) return this.#drop(endpoint.id, to, bytes.length, "loss");
    let delay = c.latencyMs;
    if (c.jitterMs > 0) delay = Math.max(0, delay + (2 * this.rng.next() - 1) * c.jitterMs);
    if (delay <= 0) {
      endpoint.send(to, bytes);
      return;
    }
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      const late = this.#blocked(endpoint.id, to);
      if (late !== null) this.#drop(endpoint.id, to, bytes.length, late);
      else endpoint.send(to, bytes);
    }, delay);
    this.#timers.add(timer);
  }

  #drop(from: string, to: string, size: number, reason: "partition" | "cut" | "loss"): void {
    this.dropped++;
    this.#onDrop?.(from, to, size, reason);
  }
}
