// One socket.io connection to the collector's `/agents` namespace: handshake with the
// protocol-version check, clock-offset pings, reconnect with backoff and jitter, and
// congestion sensing so the agent can hold telemetry in its own bounded buffer
// instead of letting socket.io queue it without limit. A report asks to be acknowledged and the
// next waits for the answer: bytes queued in sockets' kernel buffers are invisible to the
// sender and, under a busy collector, were seconds of lag.
//
// socket.io's own reconnection is turned off: its send buffer grows without bound while
// disconnected, and we want one place that decides when to retry (after a refused
// handshake too, not only after a dropped socket).
import {
  AGENT_NAMESPACE,
  PROTOCOL_VERSION,
  type AgentToCollector,
  type AgentToCollectorEvents,
  type CollectorToAgentEvents,
  type ConfigMessage,
  type ErrorMessage,
  type Hello,
  type Pong,
  type RequestFull,
  type Welcome,
} from "@driftscope/protocol";
import { io, type Socket } from "socket.io-client";
import { createBackoff, type Backoff, type BackoffOptions } from "./backoff.js";
import { ClockOffsetEstimator } from "./clockOffset.js";

/** Where the connection stands. */
export type ConnectionState = "idle" | "connecting" | "handshaking" | "ready" | "closed";

export interface ConnectionEvents {
  /** The collector accepted a hello; `fresh`: first welcome of a new connection (not an answer to a re-sent hello). */
  welcome(welcome: Welcome, fresh: boolean): void;
  config(message: ConfigMessage): void;
  requestFull(message: RequestFull): void;
  /** An `error` message from the collector (e.g. a report it refused). */
  collectorError(error: ErrorMessage): void;
  /** The connection was lost or could not be made; `retryInMs` until the next attempt. */
  down(reason: string, retryInMs: number): void;
  /** The collector acknowledged the report in flight: the next may go. */
  acked?(): void;
}

export interface CollectorConnectionOptions {
  /** Collector base URL, e.g. http://127.0.0.1:7420. */
  url: string;
  token?: string;
  /** Builds the hello sent after every connect (and by `sendHello`). */
  hello: () => Hello;
  events: ConnectionEvents;
  /** Agent clock. */
  now: () => number;
  backoff?: BackoffOptions;
  /** Time between clock pings once connected, ms. Default 5000. */
  pingIntervalMs?: number;
  /** Time to wait for `welcome` before giving up on a connection, ms. Default 5000. */
  handshakeTimeoutMs?: number;
  /** Ms an unanswered report holds the next ones back before its answer counts as lost. Default 10,000. */
  ackTimeoutMs?: number;
  /** Bytes queued in the socket above which it counts as congested. Default 1 MiB. */
  congestedBytes?: number;
  /** Let the process exit even while connected (library default); the launcher keeps it alive itself. */
  unref?: boolean;
}

/** Cumulative figures of the connection. */
export interface ConnectionStats {
  /** Successful handshakes. */
  welcomes: number;
  /** Connections lost or refused. */
  failures: number;
  /** Messages emitted. */
  messagesSent: number;
  /** Characters of the socket.io packets emitted (the JSON on the wire, before any compression). */
  bytesSent: number;
}

/** Ms after which a report's acknowledgement counts as lost (the collector answers as soon as it has read the report). */
const ACK_TIMEOUT_MS = 10_000;

/** Error codes after which retrying soon is pointless (a wrong version or token will not fix itself). */
const FATAL_HANDSHAKE_CODES = new Set(["PROTOCOL_VERSION", "UNAUTHORIZED", "FORBIDDEN"]);

type AgentSocket = Socket<CollectorToAgentEvents, AgentToCollectorEvents>;

export class CollectorConnection {
  readonly clock = new ClockOffsetEstimator();
  readonly stats: ConnectionStats = { welcomes: 0, failures: 0, messagesSent: 0, bytesSent: 0 };
  readonly #opts: CollectorConnectionOptions;
  readonly #backoff: Backoff;
  #socket: AgentSocket | undefined;
  #state: ConnectionState = "idle";
  #retryTimer: ReturnType<typeof setTimeout> | undefined;
  #handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #pingSeq = 0;
  #helloSentAt = 0;
  #lastError: ErrorMessage | undefined;
  #welcome: Welcome | undefined;
  /** A report sent and not yet acknowledged on this connection (its send time), or undefined. */
  #unackedSince: number | undefined;
  /** Bumped per connection, so an answer from a closed one is ignored. */
  #generation = 0;

  constructor(options: CollectorConnectionOptions) {
    this.#opts = options;
    this.#backoff = createBackoff(options.backoff);
  }

  get state(): ConnectionState {
    return this.#state;
  }

  /** The last welcome received (undefined before the first handshake). */
  get welcome(): Welcome | undefined {
    return this.#welcome;
  }

  /** Ready, not congested and the last report answered: the agent may hand over a report now. */
  get writable(): boolean {
    return this.#state === "ready" && this.queuedBytes < (this.#opts.congestedBytes ?? 1024 * 1024) && !this.#awaitingAck();
  }

  /** A collector that never answers (an older one) must not stop reporting: an answer overdue counts as given. */
  #awaitingAck(): boolean {
    if (this.#unackedSince === undefined) return false;
    if (this.#opts.now() - this.#unackedSince < (this.#opts.ackTimeoutMs ?? ACK_TIMEOUT_MS)) return true;
    this.#unackedSince = undefined;
    return false;
  }

  /** Bytes accepted by the socket but not yet written to the network (0 when unknown). */
  get queuedBytes(): number {
    // engine.io-client's websocket transport fakes "drain" at once, so real backpressure
    // is only visible on the underlying ws socket.
    const engine = (this.#socket?.io as unknown as { engine?: { transport?: { ws?: { bufferedAmount?: number } }; writeBuffer?: unknown[] } })
      ?.engine;
    const buffered = engine?.transport?.ws?.bufferedAmount;
    return typeof buffered === "number" ? buffered : 0;
  }

  /** Starts connecting (and keeps trying until `close`). */
  start(): void {
    if (this.#state !== "idle") return;
    const socket: AgentSocket = io(`${this.#opts.url.replace(/\/+$/, "")}${AGENT_NAMESPACE}`, {
      transports: ["websocket"],
      reconnection: false,
      autoConnect: false,
      forceNew: true,
      timeout: this.#opts.handshakeTimeoutMs ?? 5000,
      autoUnref: this.#opts.unref ?? true,
      ...(this.#opts.token !== undefined ? { auth: { token: this.#opts.token } } : {}),
    });
    this.#socket = socket;
    socket.on("connect", () => this.#onConnect());
    socket.on("connect_error", (error) => this.#onConnectError(error));
    socket.on("disconnect", (reason) => this.#onDown(`disconnected: ${reason}`));
    socket.on("welcome", (welcome) => this.#onWelcome(welcome));
    socket.on("pong", (pong) => this.#onPong(pong));
    socket.on("config", (message) => this.#opts.events.config(message));
    socket.on("request-full", (message) => this.#opts.events.requestFull(message));
    socket.on("error", (error) => this.#onCollectorError(error));
    this.#connect();
  }

  /** Sends a message now if the handshake is done; returns false (and sends nothing) otherwise. */
  send(message: AgentToCollector): boolean {
    if (this.#state !== "ready" || this.#socket === undefined) return false;
    this.#emit(message);
    return true;
  }

  /** Sends a fresh hello (the hosted set changed); the collector answers with a new welcome. */
  sendHello(): void {
    if (this.#state !== "ready" && this.#state !== "handshaking") return;
    this.#helloSentAt = this.#opts.now();
    this.#emit(this.#opts.hello());
  }

  /** Sends `last` if connected (e.g. `bye`), waits briefly for it to leave, then closes for good. */
  async close(last?: AgentToCollector): Promise<void> {
    if (this.#state === "closed") return;
    const socket = this.#socket;
    const wasReady = this.#state === "ready";
    this.#state = "closed";
    this.#clearTimers();
    if (socket === undefined) return;
    if (wasReady && last !== undefined && socket.connected) {
      this.#emit(last);
      // Give the packet a moment to reach the kernel before the socket closes.
      // (Not unref'd: a host awaiting close() must not exit before the bye leaves.)
      await new Promise<void>((resolve) => setTimeout(resolve, 50));
    }
    socket.removeAllListeners();
    socket.disconnect();
    socket.io.engine?.close();
  }

  #emit(message: AgentToCollector): void {
    const socket = this.#socket!;
    this.stats.messagesSent++;
    if (message.type === "report") {
      const generation = this.#generation;
      this.#unackedSince = this.#opts.now();
      (socket.emit as (event: string, message: AgentToCollector, ack: () => void) => void)("report", message, () => {
        if (generation !== this.#generation) return;
        this.#unackedSince = undefined;
        this.#opts.events.acked?.();
      });
      return;
    }
    // Typed per event: the event name is the message's type (protocol/events.ts).
    (socket.emit as (event: string, message: AgentToCollector) => void)(message.type, message);
  }

  #connect(): void {
    if (this.#state === "closed" || this.#socket === undefined) return;
    this.#state = "connecting";
    this.#socket.connect();
  }

  #onConnect(): void {
    if (this.#state === "closed") return;
    this.#state = "handshaking";
    this.#lastError = undefined;
    this.#countBytes();
    this.#helloSentAt = this.#opts.now();
    this.#emit(this.#opts.hello());
    this.#handshakeTimer = setTimeout(() => {
      this.#socket?.disconnect();
      this.#onDown("no welcome from the collector");
    }, this.#opts.handshakeTimeoutMs ?? 5000);
    this.#handshakeTimer.unref?.();
  }

  #onWelcome(welcome: Welcome): void {
    if (this.#state === "closed") return;
    const receivedAt = this.#opts.now();
    if (welcome.protocol !== PROTOCOL_VERSION) {
      this.#lastError = { type: "error", code: "PROTOCOL_VERSION", message: `collector speaks protocol ${welcome.protocol}, this agent ${PROTOCOL_VERSION}` };
      this.#opts.events.collectorError(this.#lastError);
      this.#socket?.disconnect();
      this.#onDown(this.#lastError.message);
      return;
    }
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    this.#handshakeTimer = undefined;
    const first = this.#state !== "ready";
    if (first) {
      // A new collector process may have another clock: start the estimate afresh, seeded
      // with the welcome (its round trip includes the handshake, so pings soon replace it).
      this.clock.reset();
      this.#backoff.reset();
      this.stats.welcomes++;
    }
    this.clock.add({ agentSendMs: this.#helloSentAt, collectorMs: welcome.collectorTimeMs, agentReceiveMs: receivedAt });
    this.#state = "ready";
    this.#welcome = welcome;
    if (first) this.#startPings();
    this.#opts.events.welcome(welcome, first);
  }

  #startPings(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    // A quick burst gives a good estimate at once; then one now and then tracks drift.
    for (const delay of [0, 100, 250]) {
      const t = setTimeout(() => this.#ping(), delay);
      t.unref?.();
    }
    this.#pingTimer = setInterval(() => this.#ping(), this.#opts.pingIntervalMs ?? 5000);
    this.#pingTimer.unref?.();
  }

  #ping(): void {
    if (this.#state !== "ready") return;
    this.#emit({ type: "ping", id: ++this.#pingSeq, agentTimeMs: this.#opts.now() });
  }

  #onPong(pong: Pong): void {
    this.clock.add({ agentSendMs: pong.agentTimeMs, collectorMs: pong.collectorTimeMs, agentReceiveMs: this.#opts.now() });
  }

  #onCollectorError(error: ErrorMessage): void {
    // socket.io-client also emits "error"-free connect errors on "connect_error"; a
    // collector `error` message always has a code.
    if (typeof error !== "object" || error === null) return;
    this.#opts.events.collectorError(error);
    if (this.#state === "handshaking" && FATAL_HANDSHAKE_CODES.has(error.code)) {
      this.#lastError = error;
      this.#socket?.disconnect();
      this.#onDown(`collector refused the handshake: ${error.code}: ${error.message}`);
    }
  }

  // The collector refuses a wrong token in the socket.io auth payload before any hello: the
  // refusal arrives as a connect error carrying the protocol's error message in `data`.
  #onConnectError(error: Error & { data?: unknown }): void {
    const data = error.data as Partial<ErrorMessage> | undefined;
    const refusal = data?.type === "error" && typeof data.code === "string" && FATAL_HANDSHAKE_CODES.has(data.code) ? (data as ErrorMessage) : undefined;
    this.#lastError = refusal;
    if (refusal !== undefined) this.#opts.events.collectorError(refusal);
    this.#onDown(`cannot connect: ${error.message}`);
  }

  #onDown(reason: string): void {
    this.#generation++;
    this.#unackedSince = undefined;
    if (this.#state === "closed") return;
    if (this.#retryTimer !== undefined) return; // already scheduled (disconnect after connect_error)
    this.#clearTimers();
    this.#state = "connecting";
    this.stats.failures++;
    // A refused handshake will not fix itself quickly: wait the longest delay.
    let delay = this.#backoff.next();
    if (this.#lastError !== undefined && FATAL_HANDSHAKE_CODES.has(this.#lastError.code)) delay = Math.max(delay, this.#opts.backoff?.maxMs ?? 10_000);
    this.#opts.events.down(reason, delay);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      this.#connect();
    }, delay);
    this.#retryTimer.unref?.();
  }

  #countBytes(): void {
    // Counts what actually goes out, per socket.io packet (JSON text), for the overhead figures.
    const engine = this.#socket?.io.engine as unknown as
      | { __driftscopeCounted?: boolean; on(event: "packetCreate", fn: (packet: { data?: unknown }) => void): void }
      | undefined;
    if (engine === undefined || engine.__driftscopeCounted) return;
    engine.__driftscopeCounted = true;
    engine.on("packetCreate", (packet) => {
      const data = packet.data;
      if (typeof data === "string") this.stats.bytesSent += data.length;
    });
  }

  #clearTimers(): void {
    if (this.#retryTimer !== undefined) clearTimeout(this.#retryTimer);
    if (this.#handshakeTimer !== undefined) clearTimeout(this.#handshakeTimer);
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    this.#retryTimer = undefined;
    this.#handshakeTimer = undefined;
    this.#pingTimer = undefined;
  }
}
