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
  /**
   * True when every replica this transport reaches lives in this process, so messages may name
   * origins by their numbers in the process-wide table (wire/origins.ts) instead of by their ids.
   * Absent or false: messages are self-describing (always safe).
   */
  readonly inProcess?: boolean;
  /** Attaches a local replica; throws if `id` is already attached here. */
  attach(id: string, onMessage: MessageHandler): Endpoint;
  /** Releases everything (timers, sockets); later sends are dropped. */
  close(): Promise<void>;
}

/** Why a message did not arrive. */
export type DropReason = "loss" | "partition" | "cut" | "unreachable" | "closed";

/** Observes the transport's drops (the replica observes sends and receives itself). */
export type DropListener = (from: string, to: string, bytes: number, reason: DropReason) => void;

/** A local replica's endpoint as a transport keeps it: `handler` is null once closed. */
export interface LocalEndpoint extends Endpoint {
  handler: MessageHandler | null;
}

/**
 * Registers a local endpoint in `endpoints` (the part every transport's `attach` shares):
 * sends go through `send(from, to, bytes)`, closing frees the id for a later attach.
 */
export function attachLocalEndpoint(
  endpoints: Map<string, LocalEndpoint>,
  id: string,
  onMessage: MessageHandler,
  send: (from: string, to: string, bytes: Uint8Array) => void,
): LocalEndpoint {
  if (endpoints.has(id)) throw new Error(`replica ${id} is already attached`);
  const endpoint: LocalEndpoint = {
    id,
    handler: onMessage,
    send: (to, bytes) => send(id, to, bytes),
    close: () => {
      if (endpoints.get(id) === endpoint) endpoints.delete(id);
      endpoint.handler = null;
    },
  };
  endpoints.set(id, endpoint);
  return endpoint;
}
