/** A source of the current time in ms (epoch ms for real time; virtual ms since start otherwise). */
export interface Clock {
  now(): number;
}

/** Opaque handle of a scheduled callback. */
export interface Timer {
  readonly __timer: true;
}

/**
 * Timers, injected into everything that waits: the real one wraps Node's timers, the virtual one
 * runs a simulated cluster as fast as the CPU allows, deterministically.
 */
export interface Scheduler extends Clock {
  /** Runs `callback` once after `delayMs` (clamped to >= 0). */
  setTimeout(callback: () => void, delayMs: number): Timer;
  /** Runs `callback` every `intervalMs` (> 0), first after one interval. */
  setInterval(callback: () => void, intervalMs: number): Timer;
  /** Cancels a timeout or interval; cancelling twice or after it ran is harmless. */
  clearTimer(timer: Timer): void;
  /**
   * Runs `callback` once the current event is done (real: setImmediate; virtual: after every
   * event already queued for the current instant). Used to batch merges of one instant.
   */
  defer(callback: () => void): void;
  /** Timers scheduled and not yet run or cancelled (deferred callbacks included): leak checks. */
  readonly pendingTimers: number;
}
