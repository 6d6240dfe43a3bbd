/** Highest contiguous seq per origin (structurally the crdt VersionVector). */
type VersionVector = Map<string, number>;
import { Reader, WireError, Writer } from "./codec.js";

/** What a message carries on the wire. */
export type MessageKind = "state" | "pull" | "ack" | "digest";
/** How state travels: whole states, acknowledged delta-groups, or version-vector-first. */
export type PayloadKind = "full" | "delta" | "digest";

/** One gossip message, decoded. Bytes on the wire: see `encodeMessage`. */
export interface GossipMessage {
  kind: MessageKind;
  /** The payload setting of the exchange (the initiator's); answers follow it. */
  payload: PayloadKind;
  /** `state`: carries a full snapshot rather than a delta-group. */
  full: boolean;
  /** The receiver should answer (push-pull). */
  reply: boolean;
  /** Sender's incarnation (bumped when it is restored empty). */
  incarnation: number;
  /** How far the sender has received the receiver's delta log (an acknowledgement). */
  ack: number;
  /** The receiver incarnation that `ack` refers to. */
  ackIncarnation: number;
  /** `state`: the sender's delta-log index range [logFrom, logTo) this state covers. */
  logFrom: number;
  logTo: number;
  /** Sender's state hash (full states, digests). */
  hash: string | null;
  /** Sender's version vector (digest payload). */
  versionVector: VersionVector | null;
  /** `state`: the crdt's canonical encoding of the delta or snapshot. */
  body: Uint8Array | null;
}

const VERSION = 1;
const KINDS: readonly MessageKind[] = ["state", "pull", "ack", "digest"];
const PAYLOADS: readonly PayloadKind[] = ["full", "delta", "digest"];
const F_FULL = 1;
const F_REPLY = 2;
const F_HASH = 4;
const F_VV = 8;
const F_BODY = 16;

/**
 * `[version u8][kind u8][flags u8][payload u8][incarnation][ack][ackIncarnation][logFrom][logTo]`
 * (varints) `[hash string]? [vv: count, (id, seq)*]? [body: rest]?` — a few bytes of header
 * around the crdt's canonical encoding.
 */
export function encodeMessage(m: GossipMessage): Uint8Array {
  const w = new Writer(32 + (m.body?.length ?? 0) + (m.versionVector ? m.versionVector.size * 12 : 0));
  let flags = 0;
  if (m.full) flags |= F_FULL;
  if (m.reply) flags |= F_REPLY;
  if (m.hash !== null) flags |= F_HASH;
  if (m.versionVector !== null) flags |= F_VV;
  if (m.body !== null) flags |= F_BODY;
  w.u8(VERSION);
  w.u8(KINDS.indexOf(m.kind));
  w.u8(flags);
  w.u8(PAYLOADS.indexOf(m.payload));
  w.varint(m.incarnation);
  w.varint(m.ack);
  w.varint(m.ackIncarnation);
  w.varint(m.logFrom);
  w.varint(m.logTo);
  if (m.hash !== null) w.string(m.hash);
  if (m.versionVector !== null) {
    w.varint(m.versionVector.size);
    for (const [id, seq] of m.versionVector) {
      w.string(id);
      w.varint(seq);
    }
  }
  if (m.body !== null) w.bytes(m.body);
  return w.finish();
}

/** Decodes a message; throws WireError when the bytes are not one. */
export function decodeMessage(bytes: Uint8Array): GossipMessage {
  const r = new Reader(bytes);
  if (r.u8() !== VERSION) throw new WireError("unknown gossip message version");
  const kind = KINDS[r.u8()];
  const flags = r.u8();
  const payload = PAYLOADS[r.u8()];
  if (kind === undefined || payload === undefined) throw new WireError("unknown message kind or payload");
  const incarnation = r.varint();
  const ack = r.varint();
  const ackIncarnation = r.varint();
  const logFrom = r.varint();
  const logTo = r.varint();
  const hash = flags & F_HASH ? r.string() : null;
  let versionVector: VersionVector | null = null;
  if (flags & F_VV) {
    const n = r.varint();
    if (n > r.remaining) throw new WireError("version vector longer than the message");
    versionVector = new Map();
    for (let i = 0; i < n; i++) {
      const id = r.string();
      versionVector.set(id, r.varint());
    }
  }
  const body = flags & F_BODY ? r.rest() : null;
  if (r.remaining !== 0) throw new WireError("trailing bytes");
  return {
    kind,
    payload,
    full: (flags & F_FULL) !== 0,
    reply: (flags & F_REPLY) !== 0,
    incarnation,
    ack,
    ackIncarnation,
    logFrom,
    logTo,
    hash,
    versionVector,
    body,
  };
}
