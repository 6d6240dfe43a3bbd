import type { Rng } from "../time/Rng.js";
import type { Scheduler } from "../time/Scheduler.js";
import { attachLocalEndpoint, type DropListener, type DropReason, type Endpoint, type LocalEndpoint, type MessageHandler, type Transport } from "./Transport.js";

/** Conditions of a directed link; every field can change live. */
export interface LinkConditions {
  /** One-way delay, ms. */
  latencyMs: number;
  /** Each message's delay is latencyMs + uniform(−jitterMs, +jitterMs), floored at 0 (so messages can reorder). */
  jitterMs: number;
  /** Probability that a message is lost, in [0, 1]. */
  lossRate: number;
}

/** Perfect links: no delay, no loss. */
export const PERFECT_LINK: Readonly<LinkConditions> = Object.freeze({ latencyMs: 0, jitterMs: 0, lossRate: 0 });

/** What a snapshot of the simulated network looks like (for telemetry and the dashboard). */
export interface NetworkFaults {
  defaults: LinkConditions;
  /** Groups of the current partition ([] when none). */
  partition: string[][];
  /** One-way cuts as [from, to]. */
  cuts: Array<[string, string]>;
  /** Per-link overrides as [from, to, conditions]. */
  overrides: Array<[string, string, LinkConditions]>;
}

/**
 * The in-process network: delivery through the injected scheduler, faults injected live.
 * Reachability (partitions, cuts, attachment) is checked at send and again at delivery, so a
 * partition also stops messages already in flight; latency and loss are drawn at send.
 * All randomness comes from the given Rng, so a virtual-time run is reproducible.
 */
export class InMemoryNetwork implements Transport {
  /** Every endpoint is in this process: version vectors travel by origin number. */
  readonly inProcess = true;
  private readonly endpoints = new Map<string, LocalEndpoint>();
  private defaults: LinkConditions = { ...PERFECT_LINK };
  private readonly overrides = new Map<string, Map<string, LinkConditions>>();
  private readonly cuts = new Map<string, Set<string>>();
  /** Partition group per replica id; ids not listed share group -1. Empty map = no partition. */
  private groups = new Map<string, number>();
  private groupsList: string[][] = [];
  private closed = false;
  private inFlight = 0;
  private dropListener: DropListener | null = null;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    defaults: Partial<LinkConditions> = {},
  ) {
    this.setDefaultConditions(defaults);
  }

  /** Messages sent and not yet delivered or dropped. */
  get messagesInFlight(): number {
    return this.inFlight;
  }

  /** Sets (or with null clears) the single listener told about every dropped message. */
  onDrop(listener: DropListener | null): void {
    this.dropListener = listener;
  }

  attach(id: string, onMessage: MessageHandler): Endpoint {
    return attachLocalEndpoint(this.endpoints, id, onMessage, (from, to, bytes) => this.send(from, to, bytes));
  }

  /** Is `id` attached (alive)? */
  isAttached(id: string): boolean {
    return this.endpoints.has(id);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.endpoints.values()) e.handler = null;
    this.endpoints.clear();
  }

  /** Changes the conditions of every link without an override. */
  setDefaultConditions(conditions: Partial<LinkConditions>): void {
    this.defaults = validConditions({ ...this.defaults, ...conditions });
  }

  /** Overrides the directed link from → to (merged over the defaults); null removes the override. */
  setLinkConditions(from: string, to: string, conditions: Partial<LinkConditions> | null): void {
    if (conditions === null) {
      this.overrides.get(from)?.delete(to);
      return;
    }
    let row = this.overrides.get(from);
    if (!row) this.overrides.set(from, (row = new Map()));
    row.set(to, validConditions({ ...(row.get(to) ?? this.defaults), ...conditions }));
  }

  /** Effective conditions of the link from → to. */
  conditions(from: string, to: string): LinkConditions {
    return this.overrides.get(from)?.get(to) ?? this.defaults;
  }

  /**
   * Splits the network: replicas in different groups cannot exchange messages. Replicas not
   * named in any group form one more group together. Replaces any earlier partition.
   */
  partition(groups: readonly (readonly string[])[]): void {
    const map = new Map<string, number>();
    groups.forEach((group, index) => {
      for (const id of group) {
        if (map.has(id)) throw new Error(`replica ${id} is in two partition groups`);
        map.set(id, index);
      }
    });
    this.groups = map;
    this.groupsList = groups.map((g) => [...g]);
  }

  /** Cuts the one-way link from → to (to → from still works). */
  cut(from: string, to: string): void {
    let set = this.cuts.get(from);
    if (!set) this.cuts.set(from, (set = new Set()));
    set.add(to);
  }

  /** Restores one cut link. */
  uncut(from: string, to: string): void {
    this.cuts.get(from)?.delete(to);
  }

  /** Removes every partition and cut; with `{ conditions: true }` also per-link overrides and default faults. */
  heal(options: { conditions?: boolean } = {}): void {
    this.groups = new Map();
    this.groupsList = [];
    this.cuts.clear();
    if (options.conditions) {
      this.overrides.clear();
      this.defaults = { ...PERFECT_LINK };
    }
  }

  /** The current faults, as plain data. */
  faults(): NetworkFaults {
    const cuts: Array<[string, string]> = [];
    for (const [from, set] of this.cuts) for (const to of set) cuts.push([from, to]);
    const overrides: Array<[string, string, LinkConditions]> = [];
    for (const [from, row] of this.overrides) for (const [to, c] of row) overrides.push([from, to, { ...c }]);
    return { defaults: { ...this.defaults }, partition: this.groupsList.map((g) => [...g]), cuts, overrides };
  }

  /** Can a message from → to get through right now (ignoring loss)? */
  reachable(from: string, to: string): DropReason | null {
    if (this.closed) return "closed";
    if (this.groups.size > 0 && (this.groups.get(from) ?? -1) !== (this.groups.get(to) ?? -1)) return "partition";
    if (this.cuts.get(from)?.has(to)) return "cut";
    return null;
  }

  private send(from: string, to: string, bytes: Uint8Array): void {
    const blocked = this.reachable(from, to);
    if (blocked !== null) return this.drop(from, to, bytes.length, blocked);
    const link = this.conditions(from, to);
    if (link.lossRate > 0 && this.rng.chance(link.lossRate)) return this.drop(from, to, bytes.length, "loss");
    let delay = link.latencyMs;
    if (link.jitterMs > 0) delay = Math.max(0, delay + (2 * this.rng.next() - 1) * link.jitterMs);
    this.inFlight++;
    // No delay: deliver once the current event is done (real time: setImmediate, far cheaper
    // than a 0 ms timer; virtual time: the same order as a 0 ms timeout).
    if (delay <= 0) this.scheduler.defer(() => this.deliver(from, to, bytes));
    else this.scheduler.setTimeout(() => this.deliver(from, to, bytes), delay);
  }

  private deliver(from: string, to: string, bytes: Uint8Array): void {
    this.inFlight--;
    const blocked = this.reachable(from, to);
    if (blocked !== null) return this.drop(from, to, bytes.length, blocked);
    const endpoint = this.endpoints.get(to);
    const handler = endpoint?.handler;
    if (!handler) return this.drop(from, to, bytes.length, "unreachable");
    handler(from, bytes);
  }

  private drop(from: string, to: string, bytes: number, reason: DropReason): void {
    this.dropListener?.(from, to, bytes, reason);
  }
}

function validConditions(c: LinkConditions): LinkConditions {
  if (!(c.latencyMs >= 0) || !Number.isFinite(c.latencyMs)) throw new RangeError(`latencyMs must be a finite number >= 0, got ${c.latencyMs}`);
  if (!(c.jitterMs >= 0) || !Number.isFinite(c.jitterMs)) throw new RangeError(`jitterMs must be a finite number >= 0, got ${c.jitterMs}`);
  if (!(c.lossRate >= 0 && c.lossRate <= 1)) throw new RangeError(`lossRate must be in [0, 1], got ${c.lossRate}`);
  return { latencyMs: c.latencyMs, jitterMs: c.jitterMs, lossRate: c.lossRate };
}
