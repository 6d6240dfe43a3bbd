// How much a socket has been handed but not yet written to the network, in characters.
// engine.io keeps packets the transport cannot take yet in `writeBuffer`; the websocket
// transport hands the rest to `ws`, whose `bufferedAmount` counts what sits in the TCP
// socket's userland buffer (a client that stops reading makes it grow). Both are
// internals, stable since engine.io 3 and ws 1, read defensively.

interface ConnInternals {
  writeBuffer?: ReadonlyArray<{ data?: unknown }>;
  transport?: { socket?: { bufferedAmount?: unknown } };
}

/** Characters queued for `conn` (a socket.io socket's `conn`) that the client has not read yet. */
export function queuedBytes(conn: unknown): number {
  const c = conn as ConnInternals;
  let bytes = 0;
  for (const packet of c.writeBuffer ?? []) if (typeof packet.data === "string") bytes += packet.data.length;
  const buffered = c.transport?.socket?.bufferedAmount;
  if (typeof buffered === "number") bytes += buffered;
  return bytes;
}
