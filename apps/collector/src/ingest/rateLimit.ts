// Token buckets: a connection (or an HTTP client address) may send `ratePerSec` on
// average and `burst` at once. Messages beyond that are dropped with RATE_LIMITED; bytes
// beyond it put the sender in debt, which the caller turns into a pause (backpressure).

export class TokenBucket {
  private tokens: number;
  private lastMs: number;

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    nowMs: number,
  ) {
    this.tokens = burst;
    this.lastMs = nowMs;
  }

  /** Takes `cost` tokens if available; false means the caller is over its rate. */
  take(nowMs: number, cost = 1): boolean {
    this.refill(nowMs);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
  }

  /**
   * Takes `cost` tokens even if that leaves the bucket in debt; returns how long (ms) until
   * the debt is paid back (0 when there is none). Bytes already read must be counted.
   */
  spend(nowMs: number, cost: number): number {
    this.refill(nowMs);
    this.tokens -= cost;
    return this.tokens >= 0 ? 0 : (-this.tokens * 1000) / this.ratePerSec;
  }

  /** Ms until `cost` tokens are available (0: now). */
  waitMs(nowMs: number, cost: number): number {
    this.refill(nowMs);
    return this.tokens >= cost ? 0 : ((cost - this.tokens) * 1000) / this.ratePerSec;
  }

  private refill(nowMs: number): void {
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSec) / 1000);
  }
}

/** Buckets per key (e.g. client address), forgetting idle keys so the map stays bounded. */
export class KeyedBuckets {
  private readonly buckets = new Map<string, { bucket: TokenBucket; lastMs: number }>();

  constructor(
    private readonly ratePerSec: number,
    private readonly burst: number,
    private readonly maxKeys = 10_000,
  ) {}

  take(key: string, nowMs: number, cost = 1): boolean {
    return this.get(key, nowMs).take(nowMs, cost);
  }

  /** {@link TokenBucket.spend} on the key's bucket. */
  spend(key: string, nowMs: number, cost: number): number {
    return this.get(key, nowMs).spend(nowMs, cost);
  }

  /** {@link TokenBucket.waitMs} on the key's bucket. */
  waitMs(key: string, nowMs: number, cost: number): number {
    return this.get(key, nowMs).waitMs(nowMs, cost);
  }

  private get(key: string, nowMs: number): TokenBucket {
    let entry = this.buckets.get(key);
    if (entry === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evict(nowMs);
      entry = { bucket: new TokenBucket(this.ratePerSec, this.burst, nowMs), lastMs: nowMs };
      this.buckets.set(key, entry);
    }
    entry.lastMs = nowMs;
    return entry.bucket;
  }

  private evict(nowMs: number): void {
    // A bucket idle long enough to be full again carries no state worth keeping.
    const idleMs = (this.burst / this.ratePerSec) * 1000;
    for (const [key, entry] of this.buckets) if (nowMs - entry.lastMs > idleMs) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

/** Limits of one agent or dashboard connection, and of one client address. */
export interface RateLimits {
  /** Messages per second on average, per connection. */
  messagesPerSec: number;
  /** Messages at once. */
  messageBurst: number;
  /** A connection sending more than twice its message rate for this long is closed (reading what is dropped still costs). */
  floodCloseMs: number;
  /** Bytes (characters) per second on average, per connection. */
  bytesPerSec: number;
  /** Bytes at once, per connection: a reconnecting agent's whole backlog (its buffer is 32 MiB) fits. */
  byteBurst: number;
  /** Bytes per second from one client address, sockets and HTTP ingest together. */
  ipBytesPerSec: number;
  ipByteBurst: number;
  /** Socket connections open at once from one client address. */
  connectionsPerIp: number;
  /** New socket connections per second from one client address (twice that at once). */
  newConnectionsPerIpPerSec: number;
  /** HTTP requests per second per client address (ingest, config). */
  httpRequestsPerSec: number;
  httpBurst: number;
  /** Ingest bodies waiting or being applied, in bytes, over all clients (memory bound). */
  ingestInFlightBytes: number;
  /** Event-loop time per second HTTP ingest may use over all clients (the rest is kept for frames and sockets). */
  ingestLoopMsPerSec: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  messagesPerSec: 200,
  messageBurst: 400,
  floodCloseMs: 5000,
  bytesPerSec: 16 * 1024 * 1024,
  byteBurst: 64 * 1024 * 1024,
  ipBytesPerSec: 32 * 1024 * 1024,
  ipByteBurst: 128 * 1024 * 1024,
  connectionsPerIp: 256,
  newConnectionsPerIpPerSec: 20,
  httpRequestsPerSec: 100,
  httpBurst: 200,
  ingestInFlightBytes: 32 * 1024 * 1024,
  ingestLoopMsPerSec: 250,
};
