// Websocket frames are judged by their header, before their payload is read. No message of
// ours has a binary form, yet ws would read, unmask and buffer a whole binary frame (up to
// maxHttpBufferSize, 4 MiB) before socket.io or the packet gate could refuse it: a client
// reconnecting in a loop made the collector allocate up to its address's byte budget (32
// MiB/s) in payloads thrown away. Here a binary frame's header closes the connection and
// its payload is never handed to ws.
import type { Server as HttpServer } from "node:http";
import type { Server } from "socket.io";
import type { CollectorMetrics } from "../prometheus.js";

/** Time for the close frame to reach the sender before the connection is cut. */
const TERMINATE_AFTER_MS = 100;
/** Websocket close code 1003: the endpoint received data of a type it cannot accept. */
const UNSUPPORTED_DATA = 1003;
const OPCODE_BINARY = 2;

/** The parts of a ws WebSocket this guard uses (`_receiver` is ws's frame parser, a Writable). */
interface GuardedSocket {
  _receiver: { write(chunk: Buffer, ...rest: unknown[]): boolean } | null;
  close(code: number, reason: string): void;
  terminate(): void;
}

interface WsServer {
  handleUpgrade(req: unknown, socket: unknown, head: Buffer, cb: (ws: GuardedSocket, req: unknown) => void): void;
}

/**
 * Follows the frames of one client → server byte stream by their headers. `push` returns
 * -1, or the offset in `chunk` where the first binary frame starts (a continuation can only
 * follow a refused first frame).
 */
export class FrameScanner {
  /** Payload bytes of the current frame still to come. */
  #skip = 0;
  /** Bytes of a header split across chunks (at most 14). */
  #head: Buffer | undefined;

  push(chunk: Buffer): number {
    let buf = chunk;
    const carried = this.#head?.length ?? 0;
    if (this.#head !== undefined) {
      buf = Buffer.concat([this.#head, chunk]);
      this.#head = undefined;
    }
    let i = 0;
    while (i < buf.length) {
      if (this.#skip > 0) {
        const n = Math.min(this.#skip, buf.length - i);
        this.#skip -= n;
        i += n;
        continue;
      }
      if ((buf[i]! & 0x0f) === OPCODE_BINARY) return Math.max(0, i - carried);
      if (buf.length - i < 2) break;
      const masked = (buf[i + 1]! & 0x80) !== 0;
      const len7 = buf[i + 1]! & 0x7f;
      const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const headerBytes = 2 + ext + (masked ? 4 : 0);
      if (buf.length - i < headerBytes) break;
      // Lengths past 2^53 are refused by ws itself (maxPayload); a float is exact enough here.
      const length = ext === 0 ? len7 : ext === 2 ? buf.readUInt16BE(i + 2) : buf.readUInt32BE(i + 2) * 2 ** 32 + buf.readUInt32BE(i + 6);
      i += headerBytes;
      this.#skip = length;
    }
    if (i < buf.length) this.#head = Buffer.from(buf.subarray(i));
    return -1;
  }
}

/**
 * Puts a FrameScanner in front of ws's frame parser on every websocket the server accepts
 * (engine.io hands each upgrade to its ws server; ws starts reading only after the callback).
 * engine.io makes a new ws server each time the HTTP server starts listening: each is guarded.
 */
export function guardWebsocketFrames(io: Server, http: HttpServer, metrics: CollectorMetrics): void {
  const engine = io.engine as unknown as { ws?: WsServer };
  const patched = new WeakSet<WsServer>();
  const patch = () => {
    const wss = engine.ws;
    if (wss === undefined) throw new Error("socket.io has no websocket server to guard");
    if (patched.has(wss)) return;
    patched.add(wss);
    const handleUpgrade = wss.handleUpgrade.bind(wss);
    wss.handleUpgrade = (req, socket, head, cb) => {
      handleUpgrade(req, socket, head, (ws, request) => {
        guard(ws, metrics);
        cb(ws, request);
      });
    };
  };
  patch();
  // Registered after engine.io's own "listening" listener, so it sees the new ws server.
  http.on("listening", patch);
}

function guard(ws: GuardedSocket, metrics: CollectorMetrics): void {
  const receiver = ws._receiver;
  if (receiver === null) return;
  const write = receiver.write.bind(receiver);
  const scanner = new FrameScanner();
  let refused = false;
  receiver.write = (chunk: Buffer, ...rest: unknown[]): boolean => {
    if (refused) return false;
    const binaryAt = scanner.push(chunk);
    if (binaryAt < 0) return write(chunk, ...rest);
    refused = true;
    metrics.rejections.inc({ code: "BAD_REQUEST", transport: "socket" });
    // The frames before it still reach socket.io: a binary event's text header gets the
    // packet gate's error message out before the close. ws pauses the socket on false.
    if (binaryAt > 0) write(chunk.subarray(0, binaryAt), ...rest);
    setImmediate(() => ws.close(UNSUPPORTED_DATA, "binary frames refused: every message is one JSON object"));
    setTimeout(() => ws.terminate(), TERMINATE_AFTER_MS).unref();
    return false;
  };
}
