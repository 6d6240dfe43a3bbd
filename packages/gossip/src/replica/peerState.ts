// What a replica keeps per peer, and what it hands from deciding what to send to sending it.
import type { BodyWriter } from "../wire/message.js";

/** What this replica knows about one peer. */
export interface PeerState {
  /** The peer has acknowledged our delta log up to this index (our incarnation). */
  acked: number;
  /** We have received the peer's delta log up to this index. */
  received: number;
  /** The peer's incarnation those indices refer to. */
  incarnation: number;
  readonly id: string;
  /** The peer's id as a number (wire/origins.ts), and the origin number of its dots in incarnation `originAt`. */
  readonly number: number;
  /** Its bit in the delta log's "known by" marks (0: none; the first 31 peers get one). */
  readonly bit: number;
  /** We sent it a message in our current incarnation (it knows our incarnation). */
  announced: boolean;
  origin: number;
  originAt: number;
}

/** A state to send: a delta-group or the full state, with the log range it covers. */
export interface Outgoing {
  full: boolean;
  body: Uint8Array | BodyWriter;
  logFrom: number;
  logTo: number;
  hash: string | null;
}
