import { WebSocket, WebSocketServer, type RawData } from "ws";
import { attachLocalEndpoint, type DropListener, type DropReason, type Endpoint, type LocalEndpoint, type MessageHandler, type Transport } from "./Transport.js";

/** Options of a WebSocket transport (one per process; it may host many replicas). */
export interface WebSocketTransportOptions {
  /** Interface to listen on. Default 127.0.0.1 (loopback only). */
  host?: string;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number;
  /** Messages kept per peer process while (re)connecting; older ones are dropped beyond it. */
  maxQueuedMessages?: number;
  /** First reconnect delay, doubled per failure up to `reconnectMaxMs`. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

const FRAME_DATA = 1;
const MAX_ID_BYTES = 255;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** One outbound connection to a peer process, reconnecting with backoff. */
interface Outbound {
  url: string;
  socket: WebSocket | null;
  open: boolean;
  queue: Uint8Array[];
  backoffMs: number;
  retry: ReturnType<typeof setTimeout> | null;
}

/**
 * Replicas in different processes: a ws server per process, peers addressed by URL. Every frame
 * is binary: `[1][fromLen u8][from][toLen u8][to][message bytes]`, so the gossip message bytes
 * are exactly those the in-memory network carries. A peer that connects to us is answered on the
 * same socket (routes are learnt from the `from` of incoming frames), so only one side needs
 * the other's URL. Replicas attached to the same transport reach each other without a socket.
 */
export class WebSocketTransport implements Transport {
  private readonly endpoints = new Map<string, LocalEndpoint>();
  private readonly peerUrls = new Map<string, string>();
  private readonly outbound = new Map<string, Outbound>();
  private readonly learnt = new Map<string, WebSocket>();
  private server: WebSocketServer | null = null;
  private listeningUrl: string | null = null;
  private closed = false;
  private dropListener: DropListener | null = null;
  private readonly options: Required<WebSocketTransportOptions>;

  constructor(options: WebSocketTransportOptions = {}) {
    this.options = {
      host: options.host ?? "127.0.0.1",
      port: options.port ?? 0,
      maxQueuedMessages: options.maxQueuedMessages ?? 1024,
      reconnectMinMs: options.reconnectMinMs ?? 50,
      reconnectMaxMs: options.reconnectMaxMs ?? 5000,
    };
  }

  /** Starts the server; resolves to its URL (`ws://host:port`). */
  async listen(): Promise<string> {
    if (this.listeningUrl) return this.listeningUrl;
    const server = new WebSocketServer({ host: this.options.host, port: this.options.port, perMessageDeflate: false });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("listening", resolve);
      server.once("error", reject);
    });
    server.on("connection", (socket) => this.adopt(socket));
    const address = server.address();
    if (typeof address === "string" || address === null) throw new Error("ws server has no port");
    const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
    this.listeningUrl = `ws://${host}:${address.port}`;
    return this.listeningUrl;
  }

  /** The URL peers use to reach this process (after `listen`). */
  get url(): string | null {
    return this.listeningUrl;
  }

  /** Sets (or with null clears) the listener told about every dropped message. */
  onDrop(listener: DropListener | null): void {
    this.dropListener = listener;
  }

  /** Tells the transport that replica `replicaId` lives in the process listening at `url`. */
  addPeer(replicaId: string, url: string): void {
    this.peerUrls.set(replicaId, url);
  }

  removePeer(replicaId: string): void {
    this.peerUrls.delete(replicaId);
  }

  attach(id: string, onMessage: MessageHandler): Endpoint {
    if (encoder.encode(id).length > MAX_ID_BYTES) throw new RangeError(`replica id longer than ${MAX_ID_BYTES} bytes`);
    return attachLocalEndpoint(this.endpoints, id, onMessage, (from, to, bytes) => this.send(from, to, bytes));
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const e of this.endpoints.values()) e.handler = null;
    this.endpoints.clear();
    for (const out of this.outbound.values()) {
      if (out.retry) clearTimeout(out.retry);
      out.queue.length = 0;
      out.socket?.terminate();
    }
    this.outbound.clear();
    this.learnt.clear();
    const server = this.server;
    this.server = null;
    if (server) {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private send(from: string, to: string, bytes: Uint8Array): void {
    if (this.closed) return this.drop(from, to, bytes.length, "closed");
    const local = this.endpoints.get(to);
    if (local) {
      // Same process: deliver asynchronously, like a socket would, to avoid re-entrancy.
      const copy = bytes.slice();
      setImmediate(() => {
        const handler = this.endpoints.get(to)?.handler;
        if (handler) handler(from, copy);
        else this.drop(from, to, copy.length, "unreachable");
      });
      return;
    }
    const url = this.peerUrls.get(to);
    if (url !== undefined) return this.sendOutbound(url, frame(from, to, bytes), from, to, bytes.length);
    const socket = this.learnt.get(to);
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(frame(from, to, bytes));
      return;
    }
    this.drop(from, to, bytes.length, "unreachable");
  }

  private sendOutbound(url: string, data: Uint8Array, from: string, to: string, size: number): void {
    let out = this.outbound.get(url);
    if (!out) {
      out = { url, socket: null, open: false, queue: [], backoffMs: this.options.reconnectMinMs, retry: null };
      this.outbound.set(url, out);
    }
    if (out.open && out.socket) {
      out.socket.send(data);
      return;
    }
    if (out.queue.length >= this.options.maxQueuedMessages) {
      out.queue.shift();
      this.drop(from, to, size, "unreachable");
    }
    out.queue.push(data);
    if (!out.socket && !out.retry) this.connect(out);
  }

  private connect(out: Outbound): void {
    if (this.closed) return;
    const socket = new WebSocket(out.url, { perMessageDeflate: false });
    out.socket = socket;
    socket.binaryType = "nodebuffer";
    socket.on("open", () => {
      out.open = true;
      out.backoffMs = this.options.reconnectMinMs;
      for (const data of out.queue) socket.send(data);
      out.queue.length = 0;
    });
    socket.on("message", (data, isBinary) => this.receive(socket, data, isBinary));
    socket.on("error", () => {
      // "close" follows; reconnection is handled there.
    });
    socket.on("close", () => {
      out.open = false;
      out.socket = null;
      if (this.closed || this.outbound.get(out.url) !== out) return;
      // Reconnect only while there is something to send; a later send reconnects otherwise.
      if (out.queue.length > 0) this.scheduleReconnect(out);
    });
  }

  private scheduleReconnect(out: Outbound): void {
    if (out.retry || this.closed) return;
    const delay = out.backoffMs;
    out.backoffMs = Math.min(this.options.reconnectMaxMs, out.backoffMs * 2);
    out.retry = setTimeout(() => {
      out.retry = null;
      if (!out.socket) this.connect(out);
    }, delay);
    out.retry.unref();
  }

  private adopt(socket: WebSocket): void {
    socket.binaryType = "nodebuffer";
    socket.on("message", (data, isBinary) => this.receive(socket, data, isBinary));
    socket.on("error", () => socket.terminate());
    socket.on("close", () => {
      for (const [id, s] of this.learnt) if (s === socket) this.learnt.delete(id);
    });
  }

  private receive(socket: WebSocket, data: RawData, isBinary: boolean): void {
    if (!isBinary || !Buffer.isBuffer(data)) return; // only single binary frames are ours
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    if (bytes.length < 3 || bytes[0] !== FRAME_DATA) return;
    const fromLen = bytes[1]!;
    const toAt = 2 + fromLen;
    if (bytes.length < toAt + 1) return;
    const toLen = bytes[toAt]!;
    const bodyAt = toAt + 1 + toLen;
    if (bytes.length < bodyAt) return;
    const from = decoder.decode(bytes.subarray(2, toAt));
    const to = decoder.decode(bytes.subarray(toAt + 1, bodyAt));
    if (!this.peerUrls.has(from)) this.learnt.set(from, socket);
    const handler = this.endpoints.get(to)?.handler;
    if (!handler) return this.drop(from, to, bytes.length - bodyAt, "unreachable");
    handler(from, bytes.slice(bodyAt));
  }

  private drop(from: string, to: string, bytes: number, reason: DropReason): void {
    this.dropListener?.(from, to, bytes, reason);
  }
}

function frame(from: string, to: string, body: Uint8Array): Uint8Array {
  const f = encoder.encode(from);
  const t = encoder.encode(to);
  const out = new Uint8Array(3 + f.length + t.length + body.length);
  out[0] = FRAME_DATA;
  out[1] = f.length;
  out.set(f, 2);
  out[2 + f.length] = t.length;
  out.set(t, 3 + f.length);
  out.set(body, 3 + f.length + t.length);
  return out;
}
