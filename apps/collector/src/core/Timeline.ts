// The run's timeline: what happened, recorded and sent with the next frame. Config
// changes, faults and runs are kept apart from agents' comings and goings, so a flood of
// hellos can never push them out of a snapshot. An agent event is shown at once; its
// repeats (same agent, same kind of change) within that second fold into one entry at
// the second's end, and beyond AGENT_EVENTS_PER_SECOND a second one entry counts the rest.
import { LIMITS, REPLICA_STATUSES, type TimelineEvent } from "@driftscope/protocol";
import type { Departure, StatusTransition, TrackerNotice } from "../metrics/MetricsEngine.js";
import { STATUS_CRASHED } from "../metrics/types.js";
import { clip } from "./text.js";

const AGENT_EVENTS_PER_SECOND = 20;

/** Ring buffer that keeps the newest `capacity` items. */
export class Ring<T> {
  private items: T[] = [];
  constructor(private readonly capacity: number) {}
  push(...values: T[]): void {
    for (const v of values) this.items.push(v);
    if (this.items.length > this.capacity * 2) this.items = this.items.slice(-this.capacity);
  }
  toArray(): T[] {
    return this.items.length > this.capacity ? this.items.slice(-this.capacity) : [...this.items];
  }
  clear(): void {
    this.items = [];
  }
  get length(): number {
    return Math.min(this.items.length, this.capacity);
  }
}

interface Held {
  event: TimelineEvent;
  /** Repeats after the first, which was shown at once. */
  repeats: number;
  what: string;
}

export class Timeline {
  private readonly control = new Ring<TimelineEvent>(LIMITS.snapshotEvents);
  private readonly agents = new Ring<TimelineEvent>(LIMITS.snapshotEvents);
  private pending: TimelineEvent[] = [];
  /** Agent events of the current second, by agent and kind of change. */
  private held = new Map<string, Held>();
  private heldSecond = -Infinity;
  private folded = 0;

  constructor(private readonly record: (event: TimelineEvent) => void) {}

  /** A config change, fault or run event: kept, recorded and sent as it is. */
  add(event: TimelineEvent): void {
    if (event.kind === "agent") {
      this.addAgent(event, event.summary, event.summary);
      return;
    }
    this.control.push(event);
    this.emit(event);
  }

  /**
   * An agent event; repeats of `key` (agent and kind of change) within its second fold
   * into one entry that says how often, described by `what`.
   */
  addAgent(event: TimelineEvent, key: string, what: string): void {
    const second = Math.floor(event.timeMs / 1000);
    if (second !== this.heldSecond) this.flush(second);
    const same = this.held.get(key);
    if (same !== undefined) {
      same.repeats++;
      same.event = event;
      return;
    }
    if (this.held.size >= AGENT_EVENTS_PER_SECOND) {
      this.folded++;
      return;
    }
    this.held.set(key, { event, repeats: 0, what });
    this.agents.push(event);
    this.emit(event);
  }

  /** Status changes become entries, one per agent and kind of change. */
  addTransitions(transitions: readonly StatusTransition[], nowMs: number): void {
    if (transitions.length === 0) return;
    // Net change per replica (unreachable → live → crashed is "crashed").
    const net = new Map<string, StatusTransition>();
    for (const t of transitions) {
      const first = net.get(t.replica);
      net.set(t.replica, first === undefined ? t : { ...t, from: first.from });
    }
    const groups = new Map<string, { agentId: string; to: number; replicas: string[] }>();
    for (const t of net.values()) {
      if (t.from === t.to) continue;
      const key = `${t.agentId}\u0000${t.to}`;
      let g = groups.get(key);
      if (g === undefined) groups.set(key, (g = { agentId: t.agentId, to: t.to, replicas: [] }));
      g.replicas.push(t.replica);
    }
    for (const g of groups.values()) {
      const what = REPLICA_STATUSES[g.to] ?? "changed";
      const n = g.replicas.length;
      const event: TimelineEvent = {
        timeMs: nowMs,
        kind: g.to === STATUS_CRASHED ? "fault" : "agent",
        summary: clip(`${n === 1 ? `replica ${g.replicas[0]}` : `${n} replicas of ${g.agentId}`} ${what === "live" ? "back live" : what}`),
        replicas: g.replicas.slice(0, LIMITS.replicasPerCluster) as TimelineEvent["replicas"],
      };
      if (event.kind === "fault") this.add(event);
      else this.addAgent(event, `${g.agentId}\u0000status${g.to}`, `${g.agentId}: status changes`);
    }
  }

  /** Replicas that left because of the retention rule or to make room (a bye has its own entry). */
  addDepartures(departures: readonly Departure[], nowMs: number): void {
    const byReason = new Map<string, string[]>();
    for (const d of departures) if (d.reason === "expired" || d.reason === "evicted") byReason.set(d.reason, [...(byReason.get(d.reason) ?? []), d.replica]);
    for (const [reason, replicas] of byReason) {
      const why = reason === "expired" ? "unreachable longer than the retention time" : "unreachable, to make room for a live replica";
      this.add({ timeMs: nowMs, kind: "fault", summary: clip(`${replicas.length} replica${replicas.length === 1 ? "" : "s"} left the membership: ${why}`), replicas: replicas.slice(0, LIMITS.replicasPerCluster) as TimelineEvent["replicas"] });
    }
  }

  /** What the figures had to correct: lost updates, capped claims, dot reuse. */
  addNotices(notices: readonly TrackerNotice[]): void {
    for (const n of notices) {
      if (n.kind === "lost") {
        this.add({ timeMs: n.timeMs, kind: "fault", summary: clip(`${n.count} update${n.count === 1 ? "" : "s"} lost: ${n.why}`), detail: clip(`origins: ${n.origins.join(", ")}`, LIMITS.messageLength) });
      } else if (n.kind === "capped") {
        this.add({ timeMs: n.timeMs, kind: "fault", summary: clip(`replica ${n.replica} claims ${n.origin} up to ${n.claimed}, more than exists: capped at ${n.cappedAt}`), replicas: [n.replica] as TimelineEvent["replicas"] });
      } else {
        this.add({
          timeMs: n.timeMs,
          kind: "fault",
          summary: clip(`replica ${n.replica} restarted empty (incarnation ${n.incarnation}) and reuses update ids ${n.fromSeq}–${n.toSeq} that ${n.holders} replica${n.holders === 1 ? "" : "s"} already hold`),
          detail: "dot reuse is a fault of the observed system: this origin's figures are not exact from here on; a restarting node must continue its seqs or take a new replica id (docs/protocol.md §3.7)",
          replicas: [n.replica] as TimelineEvent["replicas"],
        });
      }
    }
  }

  /** Events for the next frame (at most LIMITS.eventsPerFrame; the rest wait). */
  takeForFrame(nowMs: number): TimelineEvent[] {
    const second = Math.floor(nowMs / 1000);
    if (second !== this.heldSecond) this.flush(second);
    const out = this.pending.slice(0, LIMITS.eventsPerFrame);
    this.pending = this.pending.slice(out.length);
    return out;
  }

  /** Newest entries, config/fault/run ones first in priority, in time order. */
  toArray(): TimelineEvent[] {
    const control = this.control.toArray();
    const room = LIMITS.snapshotEvents - control.length;
    const agents = room > 0 ? this.agents.toArray().slice(-room) : [];
    return [...control, ...agents].sort((a, b) => a.timeMs - b.timeMs);
  }

  /** Writes out what the ending second folded (a new second began). */
  private flush(second: number): void {
    for (const h of this.held.values()) {
      if (h.repeats === 0) continue;
      const event = { ...h.event, summary: clip(`${h.what}: ${h.repeats} more within that second (latest: ${h.event.summary})`) };
      this.agents.push(event);
      this.emit(event);
    }
    if (this.folded > 0) {
      const event: TimelineEvent = { timeMs: this.heldSecond * 1000 + 999, kind: "agent", summary: clip(`${this.folded} more agent event${this.folded === 1 ? "" : "s"} in that second (folded)`) };
      this.agents.push(event);
      this.emit(event);
    }
    this.held = new Map();
    this.folded = 0;
    this.heldSecond = second;
  }

  private emit(event: TimelineEvent): void {
    this.pending.push(event);
    this.record(event);
  }
}
