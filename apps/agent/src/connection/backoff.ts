// Reconnect delays: exponential growth with "full jitter" (a uniform draw between a floor
// and the exponential ceiling), so that many agents cut off by the same collector restart
// do not all knock at the same instant.

/** Options of {@link createBackoff}; every duration is in milliseconds. */
export interface BackoffOptions {
  /** Ceiling of the first delay. */
  initialMs?: number;
  /** Largest ceiling a delay can reach. */
  maxMs?: number;
  /** Growth of the ceiling per failed attempt. */
  factor?: number;
  /** Share (0..1) of the ceiling that is randomised; 1 = full jitter, 0 = none. */
  jitter?: number;
  /** Random source in [0, 1); injectable so that tests are deterministic. */
  random?: () => number;
}

/** A reconnect schedule: `next()` gives the delay before the next attempt, `reset()` after a success. */
export interface Backoff {
  next(): number;
  reset(): void;
  /** Failed attempts since the last reset. */
  readonly attempts: number;
}

export const DEFAULT_BACKOFF: Required<Omit<BackoffOptions, "random">> = {
  initialMs: 250,
  maxMs: 10_000,
  factor: 2,
  jitter: 0.5,
};

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const initialMs = Math.max(1, options.initialMs ?? DEFAULT_BACKOFF.initialMs);
  const maxMs = Math.max(initialMs, options.maxMs ?? DEFAULT_BACKOFF.maxMs);
  const factor = Math.max(1, options.factor ?? DEFAULT_BACKOFF.factor);
  const jitter = Math.min(1, Math.max(0, options.jitter ?? DEFAULT_BACKOFF.jitter));
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      // Computed from the attempt count (not by multiplying a running value) so that a long
      // outage cannot overflow to Infinity.
      const ceiling = Math.min(maxMs, initialMs * factor ** Math.min(attempts, 64));
      attempts++;
      const floor = ceiling * (1 - jitter);
      return Math.round(floor + (ceiling - floor) * random());
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
