// What a replica counts of its traffic, on every message whether or not anyone listens:
// one Float64Array per replica, read now and then (Replica.traffic) instead of an event per message.

/**
 * What a replica has sent, received and merged since it was created (Replica.traffic). `sent`
 * breaks the sent messages down by what they carried: `delta` a state message with a list of
 * updates (or nothing new), `fullState` one with the whole state, and the control messages.
 */
export interface ReplicaTraffic {
  readonly sentMessages: number;
  readonly sentBytes: number;
  readonly receivedMessages: number;
  readonly receivedBytes: number;
  /** Received states merged (each message carrying state counts once)… */
  readonly merges: number;
  /** …and those that changed the state. */
  readonly changedMerges: number;
  readonly sent: Readonly<Record<"delta" | "fullState" | "digest" | "pull" | "ack", { readonly messages: number; readonly bytes: number }>>;
}

/** Indices into a replica's counters (ReplicaStore.counts). */
export const SENT_MESSAGES = 0;
export const SENT_BYTES = 1;
export const RECEIVED_MESSAGES = 2;
export const RECEIVED_BYTES = 3;
export const MERGES = 4;
export const CHANGED_MERGES = 5;
/** From here, (messages, bytes) per sent kind. */
const SENT_BY_KIND = 6;
const KIND_DELTA = 0;
const KIND_FULL = 1;
const KIND_DIGEST = 2;
const KIND_PULL = 3;
const KIND_ACK = 4;

/** Numbers in a replica's counters. */
export const COUNTERS = SENT_BY_KIND + 2 * 5;

/** The counters as a ReplicaTraffic. */
export function trafficOf(t: Float64Array): ReplicaTraffic {
  const kind = (k: number) => ({ messages: t[SENT_BY_KIND + 2 * k]!, bytes: t[SENT_BY_KIND + 2 * k + 1]! });
  return {
    sentMessages: t[SENT_MESSAGES]!, sentBytes: t[SENT_BYTES]!, receivedMessages: t[RECEIVED_MESSAGES]!, receivedBytes: t[RECEIVED_BYTES]!,
    merges: t[MERGES]!, changedMerges: t[CHANGED_MERGES]!,
    sent: { delta: kind(KIND_DELTA), fullState: kind(KIND_FULL), digest: kind(KIND_DIGEST), pull: kind(KIND_PULL), ack: kind(KIND_ACK) },
  };
}

/** Counts one sent message of `bytes` bytes: a state (full or a delta list), or a control message. */
export function countSent(t: Float64Array, kind: "state" | "digest" | "pull" | "ack", full: boolean, bytes: number): void {
  t[SENT_MESSAGES]!++;
  t[SENT_BYTES]! += bytes;
  const k = SENT_BY_KIND + 2 * (kind === "state" ? (full ? KIND_FULL : KIND_DELTA) : kind === "digest" ? KIND_DIGEST : kind === "pull" ? KIND_PULL : KIND_ACK);
  t[k]!++;
  t[k + 1]! += bytes;
}
