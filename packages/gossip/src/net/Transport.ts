/** Called for every message delivered to a local replica: sender id and the exact bytes sent. */
export type MessageHandler = (from: string, bytes: Uint8Array) => void;

/** A local replica's attachment to a transport. */
export interface Endpoint {
  readonly id: string;
  /** Sends bytes to replica `to`; never throws for an unknown or unreachable peer (the message is dropped). */
  send(to: string, bytes: Uint8Array): void;
  /** Stops delivery to this endpoint and frees its id (a crashed replica detaches). */
  close(): void;
}

/**
 * Moves opaque messages between replicas. The in-memory network and the WebSocket transport
 * implement it and pass the same contract suite (`@driftscope/gossip/testing`).
 */
export interface Transport {
  /** Attaches a local replica; throws if `id` is already attached here. */
  attach(id: string, onMessage: MessageHandler): Endpoint;
  /** Releases everything (timers, sockets); later sends are dropped. */
  close(): Promise<void>;
}

/** Why a message did not arrive. */
export type DropReason = "loss" | "partition" | "cut" | "unreachable" | "closed";

/** Observes the transport's drops (the replica observes sends and receives itself). */
export type DropListener = (from: string, to: string, bytes: number, reason: DropReason) => void;
