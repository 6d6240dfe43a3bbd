import { type VectorView } from "./VectorView.js";
import type { Endpoint } from "../net/Transport.js";
import { encodeList, joinFallback } from "../wire/deltaList.js";
import {
  encodeMessage,
  messageHash,
  type EncodedVector,
  type GossipMessage,
  type MessageKind,
  type PayloadKind,
  type ReceivedMessage,
} from "../wire/message.js";
import { originIndex } from "../wire/origins.js";
import type { PickedList } from "./DeltaLog.js";
import type { Outgoing, PeerState } from "./peerState.js";
import { ReplicaStore } from "./ReplicaStore.js";
import { countSent } from "./traffic.js";

/**
 * What a replica sends (Replica decides when): a peer's delta buffer from the log, what a peer
 * with a known vector lacks, the fallback with the whole state, and the messages themselves —
 * encoded, counted and handed to the transport.
 */
export abstract class ReplicaSender<S = unknown, Op = unknown, V = unknown> extends ReplicaStore<S, Op, V> {
  protected endpoint: Endpoint | null = null;
  /** Encoded full-payload state messages [push, push-pull], valid for state version fullMessageAt. */
  private readonly fullMessage: [Uint8Array | null, Uint8Array | null] = [null, null];
  private readonly fullMessageAt = [-1, -1];

  // ── what to send ─────────────────────────────────────────────────────────────────────────

  /**
   * The fallback after a gap (delta and digest payloads): the most recent log entries (what
   * the peer most likely lacks, and can relay as usual), then the whole state for the rest.
   */
  protected fullState(to: string, p: PeerState): Outgoing {
    const log = this.log;
    const list = this.listFor(to, p, Math.max(log.start, log.end - FALLBACK_ENTRIES), null);
    const snapshot = this.rs.snapshotBytes();
    return { full: true, body: joinFallback(snapshot, list.body.bytes()), logFrom: 0, logTo: log.end, hash: this.snapshotHash() };
  }

  /**
   * A list body of the log entries from index `from` on that pass `keep` — except those that
   * came from `to` or are its own updates (it has them).
   */
  private listFor(to: string, p: PeerState, from: number, keep: ((i: number) => boolean) | null): { body: PickedList; count: number } {
    return this.log.encodeList(from, p.number, this.originOf(to, p), keep, p.bit);
  }

  /** Origin number of the dots `to` issues in its current incarnation (`to`, or `to:k`). */
  private originOf(to: string, p: PeerState): number {
    if (p.originAt !== p.incarnation) {
      p.origin = originIndex(p.incarnation === 0 ? to : `${to}:${p.incarnation}`);
      p.originAt = p.incarnation;
    }
    return p.origin;
  }

  /**
   * The peer's delta buffer: log entries after its acknowledged position; null when there are
   * none; GAP when the position fell out of the log (the exchange then goes digest-first).
   */
  protected deltaFor(to: string, p: PeerState): Outgoing | null | typeof GAP {
    const log = this.log;
    const from = p.acked;
    if (from >= log.end) return null;
    // Also digest-first when the buffer holds more entries than our vector has: the peer most
    // likely got most of them from others since (a full view meets a given peer rarely).
    if (from < log.start || log.end - from > Math.max(MIN_BUFFER_FOR_DIGEST, this.seen.origins)) return GAP;
    // Nothing left to send still moves the peer's position forward (an empty list).
    return { full: false, body: this.listFor(to, p, from, null).body, logFrom: from, logTo: log.end, hash: null };
  }

  /**
   * Digest-driven answer to a pull `m` from a peer whose version vector is `theirs`: the logged
   * entries holding dots it lacks, or the full state when the log no longer covers them (or the
   * vectors are equal but the states differ). When the peer misses nothing: null, or under the
   * delta payload an empty list that acknowledges our log.
   *
   * A partial vector answers our delta digest: the peer holds at least that digest wherever it
   * lists nothing, so what it lacks is at the listed origins, and once it merges the answer it
   * holds our state as of the digest's log end (echoed in the pull), not of our log end now.
   */
  protected missingFor(to: string, p: PeerState, m: ReceivedMessage, theirs: VectorView, delta: boolean): Outgoing | null {
    const seen = this.seen;
    const log = this.log;
    let logTo = log.end;
    if (theirs.partial) {
      // A pull meant for our previous incarnation: its log indices mean nothing now.
      if (m.ackIncarnation !== this.incarnationValue || m.logTo > log.end) return this.fullState(to, p);
      logTo = m.logTo;
    }
    const lacking = seen.lackedBy(theirs);
    // Dots beyond a gap in our context are not in our vector: only the log walk below sees them.
    if (lacking === 0 && !seen.hasCloud()) {
      const hash = messageHash(m);
      if (!theirs.partial && seen.equals(theirs) && hash !== null && hash !== this.hash()) return this.fullState(to, p);
      // Under the delta payload an empty list still tells the peer it holds our log.
      return delta ? { full: false, body: EMPTY_LIST, logFrom: 0, logTo, hash: null } : null;
    }
    if (!this.logCovers(theirs)) return this.fullState(to, p);
    const list = log.encodeMissing(p.number, this.originOf(to, p), theirs, lacking, p.bit);
    if (list.count === 0) return this.fullState(to, p);
    // Everything the peer lacked: once merged, it holds our state as of `logTo`.
    return { full: false, body: list.body, logFrom: 0, logTo, hash: null };
  }

  /**
   * True when a peer with vector `theirs` holds every dot older than our log (the log then has
   * all it lacks). A partial vector is checked at its listed origins only: elsewhere the peer
   * holds all our digest listed, and what we evicted since is past the digest's log end, which
   * is all the answer vouches for.
   */
  private logCovers(theirs: VectorView): boolean {
    // After a gap the log's base is unknown: the peer must then hold our whole context.
    return (this.log.base ?? this.seen).coveredBy(theirs);
  }

  // ── sending ──────────────────────────────────────────────────────────────────────────────

  /** A full-payload state message: the same bytes for every peer, encoded once per state version. */
  protected sendFull(to: string, reply: boolean): void {
    const slot = reply ? 1 : 0;
    if (this.fullMessageAt[slot] !== this.version) {
      this.fullMessage[slot] = encodeMessage({
        kind: "state", payload: "full", full: true, reply, ackWanted: false, incarnation: this.incarnationValue, ack: 0,
        ackIncarnation: 0, logFrom: 0, logTo: this.log.end, hash: this.snapshotHash(), versionVector: null, body: this.rs.snapshotBytes(),
      });
      this.fullMessageAt[slot] = this.version;
    }
    this.transmitBytes(to, this.fullMessage[slot]!, "state", "full", true);
  }

  protected sendState(to: string, p: PeerState, payload: PayloadKind, out: Outgoing, reply: boolean, ackWanted: boolean): void {
    this.transmit(to, p, {
      kind: "state", payload, full: out.full, reply, ackWanted, incarnation: this.incarnationValue, ack: p.received,
      ackIncarnation: p.incarnation, logFrom: out.logFrom, logTo: out.logTo, hash: out.hash,
      versionVector: null, body: out.body,
    });
  }

  protected sendControl(
    to: string, p: PeerState, kind: MessageKind, payload: PayloadKind, reply: boolean, hash: string | null, vv: EncodedVector | null, logTo = 0,
  ): void {
    this.transmit(to, p, {
      kind, payload, full: false, reply, ackWanted: false, incarnation: this.incarnationValue, ack: p.received, ackIncarnation: p.incarnation,
      logFrom: 0, logTo, hash, versionVector: vv, body: null,
    });
  }

  /**
   * A delta exchange whose peer position fell out of our log: send our version vector and log
   * end instead of the full state. The peer pulls what it lacks (answered from the log, or with
   * the full state when the log no longer covers it), or acknowledges our log end. With a full
   * view a pair meets about once every N / fanout intervals, so this is the usual case there.
   * A context with dots beyond a gap is not described by its vector: then the full state goes.
   */
  protected sendGapDigest(to: string, p: PeerState, reply: boolean): void {
    if (this.seen.hasCloud()) {
      this.sendState(to, p, "delta", this.fullState(to, p), reply, !reply);
      return;
    }
    this.sendControl(to, p, "digest", "delta", reply, null, this.vector(), this.log.end);
  }

  private transmit(to: string, p: PeerState, m: GossipMessage): void {
    p.announced = true;
    this.transmitBytes(to, encodeMessage(m), m.kind, m.payload, m.full);
  }

  private transmitBytes(to: string, bytes: Uint8Array, kind: MessageKind, payload: PayloadKind, full: boolean): void {
    const endpoint = this.endpoint;
    if (endpoint === null) return;
    countSent(this.counts, kind, full, bytes.length);
    if (this.events.wants("send")) {
      this.events.emit({ type: "send", atMs: this.scheduler.now(), from: this.id, to, bytes: bytes.length, kind, payload, full });
    }
    endpoint.send(to, bytes);
  }
}

/** deltaFor's answer when the peer's position fell out of the log. */
export const GAP = Symbol("gap");

/**
 * Buffers up to this many entries always go as plain deltas: a few KB at most, in one message
 * (vector-first takes a round trip more, and in a small cluster the vector is hardly smaller).
 */
const MIN_BUFFER_FOR_DIGEST = 256;

/** A list body with no entries. */
const EMPTY_LIST = encodeList([]);

/** Log entries sent along with the state in a fallback after a gap. */
const FALLBACK_ENTRIES = 512;
