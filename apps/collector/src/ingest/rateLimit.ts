// Token buckets: a connection (or an HTTP client address) may send `ratePerSec` on
// average and `burst` at once; beyond that its messages are dropped with RATE_LIMITED.

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
    const elapsed = Math.max(0, nowMs - this.lastMs);
    this.lastMs = nowMs;
    this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.ratePerSec) / 1000);
    if (this.tokens < cost) return false;
    this.tokens -= cost;
    return true;
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
    let entry = this.buckets.get(key);
    if (entry === undefined) {
      if (this.buckets.size >= this.maxKeys) this.evict(nowMs);
      entry = { bucket: new TokenBucket(this.ratePerSec, this.burst, nowMs), lastMs: nowMs };
      this.buckets.set(key, entry);
    }
    entry.lastMs = nowMs;
    return entry.bucket.take(nowMs, cost);
  }

  private evict(nowMs: number): void {
    // A bucket idle long enough to be full again carries no state worth keeping.
    const idleMs = (this.burst / this.ratePerSec) * 1000;
    for (const [key, entry] of this.buckets) if (nowMs - entry.lastMs > idleMs) this.buckets.delete(key);
    if (this.buckets.size >= this.maxKeys) this.buckets.clear();
  }
}

/** Limits of one agent or dashboard connection. */
export interface RateLimits {
  /** Messages per second on average. */
  messagesPerSec: number;
  /** Messages at once. */
  messageBurst: number;
  /** Bytes (characters) per second on average. */
  bytesPerSec: number;
  /** Bytes at once. */
  byteBurst: number;
  /** HTTP requests per second per client address (ingest, config). */
  httpRequestsPerSec: number;
  httpBurst: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  messagesPerSec: 200,
  messageBurst: 400,
  bytesPerSec: 32 * 1024 * 1024,
  byteBurst: 64 * 1024 * 1024,
  httpRequestsPerSec: 100,
  httpBurst: 200,
};
