// The socket layer's gate: every socket.io packet a client sends passes here as raw text,
// before socket.io decodes it (JSON.parse) and before any handler sees it. What it costs
// to refuse is bounded by a glance at the packet's first characters:
// - binary packets and attachments are refused (no message of ours has a binary form), and
//   the connection is closed;
// - a packet longer than its namespace allows (less before the handshake) is refused, and
//   the connection is closed;
// - before `hello` / `subscribe` is accepted on a namespace, only that event gets through;
// - messages per connection are rate-limited (excess dropped), bytes per connection and per
//   client address are budgeted: a connection in debt stops being read for a while
//   (websocket backpressure: the sender's own buffer holds what it cannot send yet).
import { LIMITS, protocolError, type ErrorMessage } from "@driftscope/protocol";
import type { Server } from "socket.io";
import type { CollectorMetrics } from "../prometheus.js";
import { jsonTextProblem } from "./inputShape.js";
import { KeyedBuckets, TokenBucket, type RateLimits } from "./rateLimit.js";

/** What a namespace lets through. */
export interface NamespaceGate {
  /** The event that opens the session (`hello`, `subscribe`). */
  handshakeEvent: string;
  /** Largest packet (characters) before the handshake is accepted. */
  maxBytesBeforeHandshake: number;
  /** Largest packet once it is. */
  maxBytes: number;
  /** What to call the handshake in a refusal ("send hello first"). */
  what: string;
}

/** Largest CONNECT packet: the auth payload carries at most a token. */
const CONNECT_PACKET_BYTES = 16 * 1024;
/** Time for a refusal to reach a sender before its connection is cut (the rest it sent is not read). */
const TERMINATE_AFTER_MS = 100;
/** Longest a connection in byte debt is left unread at a time (engine.io's ping timeout is 20 s). */
const MAX_PAUSE_MS = 2000;
/**
 * Packets above this size get their JSON text checked for bulk before socket.io parses it;
 * below it, the worst (25,000 keys) parses in about 25 ms, and agents' reports (~64–200 KB)
 * are spared a scan that would cost 5 ms a MB.
 */
const SCAN_FROM_BYTES = 256 * 1024;
/** One notice per second, namespace and kind: answering every dropped packet would feed a flood. */
const NOTICE_EVERY_MS = 1000;

interface EngineConn {
  request: { socket?: { remoteAddress?: string } };
  transport: { name: string; socket?: { pause?: () => void; resume?: () => void; terminate?: () => void } };
  readyState: string;
  listeners(event: "data"): Array<(data: unknown) => void>;
  removeAllListeners(event: "data"): void;
  on(event: "data" | "close", fn: (data: unknown) => void): void;
  write(data: string): void;
  close(): void;
}

interface ConnState {
  ip: string;
  messages: TokenBucket;
  bytes: TokenBucket;
  accepted: Set<string>;
  noticeAtMs: Map<string, number>;
  /** Resumes reading once the byte debt is paid. */
  debtTimer: ReturnType<typeof setTimeout> | undefined;
  /** Reasons the connection is not read now (byte debt, a handler's queue); read again at 0. */
  holds: number;
  /** Messages dropped over the rate since `dropsSinceMs`. */
  drops: number;
  dropsSinceMs: number;
  conn: EngineConn;
}

export interface PacketGateDeps {
  limits: RateLimits;
  metrics: CollectorMetrics;
  now: () => number;
  namespaces: ReadonlyMap<string, NamespaceGate>;
}

/** The remote address of a request (IPv4-mapped IPv6 folded to IPv4). */
export function clientAddress(remoteAddress: string | undefined): string {
  const a = remoteAddress ?? "unknown";
  return a.startsWith("::ffff:") ? a.slice(7) : a;
}

export class PacketGate {
  readonly #deps: PacketGateDeps;
  readonly #conns = new WeakMap<object, ConnState>();
  readonly #connsPerIp = new Map<string, number>();
  /** Byte budget per client address, shared with HTTP ingest. */
  readonly ipBytes: KeyedBuckets;
  readonly #newConnections: KeyedBuckets;

  constructor(deps: PacketGateDeps) {
    this.#deps = deps;
    this.ipBytes = new KeyedBuckets(deps.limits.ipBytesPerSec, deps.limits.ipByteBurst);
    this.#newConnections = new KeyedBuckets(deps.limits.newConnectionsPerIpPerSec, deps.limits.newConnectionsPerIpPerSec * 2);
  }

  /** Why one more connection from `ip` is not allowed now, or undefined (checked in engine.io's allowRequest). */
  refusal(ip: string): string | undefined {
    const { connectionsPerIp, newConnectionsPerIpPerSec } = this.#deps.limits;
    if ((this.#connsPerIp.get(ip) ?? 0) >= connectionsPerIp) return `too many connections from ${ip} (at most ${connectionsPerIp} at once)`;
    // Each handshake costs the collector a few ms: a client reconnecting in a loop is slowed.
    if (!this.#newConnections.take(ip, this.#deps.now())) return `too many new connections from ${ip} (at most ${newConnectionsPerIpPerSec} a second)`;
    return undefined;
  }

  /** Puts the gate in front of socket.io's decoder for every new connection. */
  attach(io: Server): void {
    // socket.io registered its own "connection" listener first, so its decoder already
    // listens to "data": wrap that listener.
    io.engine.on("connection", (raw: unknown) => this.#wrap(raw as EngineConn));
  }

  /** The namespace's handshake was accepted on this connection (a socket's `conn`): its other events may pass. */
  accept(conn: object, nsp: string): void {
    this.#conns.get(conn)?.accepted.add(nsp);
  }

  #wrap(conn: EngineConn): void {
    const { limits, now } = this.#deps;
    const ip = clientAddress(conn.request.socket?.remoteAddress);
    const t = now();
    const state: ConnState = {
      ip,
      messages: new TokenBucket(limits.messagesPerSec, limits.messageBurst, t),
      bytes: new TokenBucket(limits.bytesPerSec, limits.byteBurst, t),
      accepted: new Set(),
      noticeAtMs: new Map(),
      debtTimer: undefined,
      holds: 0,
      drops: 0,
      dropsSinceMs: t,
      conn,
    };
    this.#conns.set(conn, state);
    this.#connsPerIp.set(ip, (this.#connsPerIp.get(ip) ?? 0) + 1);
    const decoders = conn.listeners("data");
    conn.removeAllListeners("data");
    conn.on("data", (data) => {
      if (!this.#admit(conn, state, data)) return;
      for (const decode of decoders) decode(data);
    });
    conn.on("close", () => {
      if (state.debtTimer !== undefined) clearTimeout(state.debtTimer);
      this.#conns.delete(conn);
      const n = (this.#connsPerIp.get(ip) ?? 1) - 1;
      if (n <= 0) this.#connsPerIp.delete(ip);
      else this.#connsPerIp.set(ip, n);
    });
  }

  #admit(conn: EngineConn, state: ConnState, data: unknown): boolean {
    if (typeof data !== "string") {
      // An attachment whose header was refused, or raw binary: nothing to say it to.
      this.#close(conn, "/", protocolError("BAD_REQUEST", "binary data refused: every message is one JSON object"));
      return false;
    }
    const t = this.#deps.now();
    this.#charge(conn, state, data.length, t);
    const type = data.charCodeAt(0) - 48;
    const nsp = namespaceOf(data);
    const gate = this.#deps.namespaces.get(nsp);
    switch (type) {
      case 0: // CONNECT (with the auth payload)
        if (data.length <= CONNECT_PACKET_BYTES) return true;
        this.#close(conn, nsp, protocolError("PAYLOAD_TOO_LARGE", `connect packet longer than ${CONNECT_PACKET_BYTES} characters`));
        return false;
      case 1: // DISCONNECT
        return true;
      case 2: // EVENT
        break;
      case 5: // BINARY_EVENT
      case 6: // BINARY_ACK
        this.#close(conn, nsp, protocolError("BAD_REQUEST", "binary attachments refused: every message is one JSON object; this connection is closed"));
        return false;
      default: // acknowledgements (we never ask for one), server-only types, garbage
        this.#close(conn, nsp, protocolError("BAD_REQUEST", `socket.io packet type ${JSON.stringify(data.slice(0, 1))} is not accepted; this connection is closed`));
        return false;
    }
    if (gate === undefined) return true; // socket.io answers unknown namespaces itself
    const accepted = state.accepted.has(nsp);
    const max = accepted ? gate.maxBytes : gate.maxBytesBeforeHandshake;
    if (data.length > max) {
      this.#close(conn, nsp, protocolError("PAYLOAD_TOO_LARGE", `message of ${data.length} characters refused (at most ${max}${accepted ? "" : ` before ${gate.what} is accepted`}); this connection is closed`));
      return false;
    }
    if (!state.messages.take(t)) {
      this.#deps.metrics.rateLimited.inc({ transport: transportOf(nsp) });
      // Dropped messages still cost their reading: a sender that keeps sending more than
      // twice its rate for floodCloseMs goes.
      const { floodCloseMs, messagesPerSec } = this.#deps.limits;
      if (t - state.dropsSinceMs > floodCloseMs) {
        if (state.drops >= (messagesPerSec * floodCloseMs) / 1000) {
          this.#close(conn, nsp, protocolError("RATE_LIMITED", `more than twice ${messagesPerSec} messages/s for ${floodCloseMs} ms; this connection is closed`));
          return false;
        }
        state.drops = 0;
        state.dropsSinceMs = t;
      }
      state.drops++;
      this.#notice(conn, state, nsp, t, protocolError("RATE_LIMITED", `too many messages: at most ${this.#deps.limits.messagesPerSec}/s (burst ${this.#deps.limits.messageBurst}); messages are being dropped`));
      return false;
    }
    if (!accepted && eventNameOf(data, nsp) !== gate.handshakeEvent) {
      this.#notice(conn, state, nsp, t, protocolError("BAD_REQUEST", `send ${gate.what} first: nothing else is read before it is accepted`));
      return false;
    }
    if (data.length > SCAN_FROM_BYTES) {
      // The packet's JSON is `["event", message]`: one level more than the message's own.
      const bulk = jsonTextProblem(data, 0, LIMITS.jsonDepth + 1);
      if (bulk !== undefined) {
        const error = protocolError("VALIDATION", `message refused unread: ${bulk}`, { issues: [{ path: "", reason: bulk }] });
        this.#deps.metrics.rejections.inc({ code: error.code, transport: transportOf(nsp) });
        conn.write(encodeEvent(nsp, "error", error));
        return false;
      }
    }
    return true;
  }

  /** Counts bytes already read; a connection or address in debt is not read until it is paid. */
  #charge(conn: EngineConn, state: ConnState, size: number, t: number): void {
    const waitMs = Math.max(state.bytes.spend(t, size), this.ipBytes.spend(state.ip, t, size));
    if (waitMs <= 0 || state.debtTimer !== undefined) return;
    this.#deps.metrics.rateLimited.inc({ transport: "socket" });
    if (!this.#hold(state, true)) return; // polling: the message limit applies
    state.debtTimer = setTimeout(() => {
      state.debtTimer = undefined;
      this.#hold(state, false);
    }, Math.min(MAX_PAUSE_MS, Math.ceil(waitMs)));
  }

  /**
   * Stops (`on`) or resumes reading a connection (a socket's `conn`) whose messages wait
   * in a handler's queue: the sender's own buffer holds them meanwhile, not our heap.
   */
  hold(conn: object, on: boolean): void {
    const state = this.#conns.get(conn);
    if (state !== undefined) this.#hold(state, on);
  }

  /** Counts holds; pauses the websocket at the first, resumes at the last. False when it cannot be paused. */
  #hold(state: ConnState, on: boolean): boolean {
    const ws = state.conn.transport.name === "websocket" ? state.conn.transport.socket : undefined;
    if (typeof ws?.pause !== "function" || typeof ws.resume !== "function") return false;
    state.holds = Math.max(0, state.holds + (on ? 1 : -1));
    if (on && state.holds === 1) ws.pause();
    else if (!on && state.holds === 0) ws.resume();
    return true;
  }

  #notice(conn: EngineConn, state: ConnState, nsp: string, t: number, error: ErrorMessage): void {
    this.#deps.metrics.rejections.inc({ code: error.code, transport: transportOf(nsp) });
    const key = `${nsp} ${error.code}`;
    if (t - (state.noticeAtMs.get(key) ?? -Infinity) < NOTICE_EVERY_MS) return;
    state.noticeAtMs.set(key, t);
    conn.write(encodeEvent(nsp, "error", error));
  }

  #close(conn: EngineConn, nsp: string, error: ErrorMessage): void {
    this.#deps.metrics.rejections.inc({ code: error.code, transport: transportOf(nsp) });
    if (conn.readyState !== "open") return;
    conn.write(encodeEvent(nsp, "error", error));
    conn.close(); // after the error is flushed; later packets are not read
    // …nor received: what the sender already sent (a 4 MiB attachment) is not worth reading.
    const ws = conn.transport.name === "websocket" ? conn.transport.socket : undefined;
    if (typeof ws?.terminate === "function") setTimeout(() => ws.terminate!(), TERMINATE_AFTER_MS).unref();
  }
}

function transportOf(nsp: string): "socket" | "dashboard" {
  return nsp === "/dashboards" ? "dashboard" : "socket";
}

/** The namespace of a socket.io packet: `<type>[<attachments>-][/nsp,]…`, "/" when absent. */
function namespaceOf(packet: string): string {
  let i = 1;
  while (i < packet.length && i < 12 && packet.charCodeAt(i) >= 48 && packet.charCodeAt(i) <= 57) i++;
  if (packet[i] === "-") i++;
  if (packet[i] !== "/") return "/";
  const comma = packet.indexOf(",", i);
  const end = comma < 0 ? Math.min(packet.length, i + 65) : comma;
  return end - i > 64 ? "?" : packet.slice(i, end);
}

/** The event name of an EVENT packet (`2/nsp,[id]["name",…]`), or undefined if not plainly written. */
function eventNameOf(packet: string, nsp: string): string | undefined {
  let i = 1 + (nsp === "/" ? 0 : nsp.length + 1);
  while (i < packet.length && packet.charCodeAt(i) >= 48 && packet.charCodeAt(i) <= 57) i++;
  const m = /^\["([A-Za-z-]{1,32})"[,\]]/.exec(packet.slice(i, i + 40));
  return m?.[1];
}

/** A socket.io EVENT packet as text (protocol 5), for answering without decoding. */
function encodeEvent(nsp: string, event: string, payload: unknown): string {
  return `2${nsp === "/" ? "" : `${nsp},`}${JSON.stringify([event, payload])}`;
}
