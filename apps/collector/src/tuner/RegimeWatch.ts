// A change of regime: the update rate per replica (or the live replica count, which the model
// takes) moved by more than `factor` from the regime's reference and stayed there for
// `confirmMs`. Only then is the model's first guess worth more than what was measured: a
// one-second burst is noise the feedback absorbs.

/** Values below this count as none (no workload, no live replica). */
const IDLE_PER_SEC = 1e-3;

export class RegimeWatch {
  private reference: { rate: number; live: number } | null = null;
  private awaySinceMs: number | null = null;

  constructor(
    private readonly factor: number,
    private readonly confirmMs: number,
  ) {}

  /** The update rate per replica of the current regime (its reference, taken when it began). */
  get rate(): number {
    return this.reference?.rate ?? 0;
  }

  /** The figures left the regime and have not yet stayed away long enough to start a new one. */
  get moving(): boolean {
    return this.awaySinceMs !== null;
  }

  /** Feeds one measurement; true when a new regime begins (the first call starts one). */
  observe(nowMs: number, ratePerReplica: number, live: number): boolean {
    const ref = this.reference;
    if (ref === null || ((this.away(ref.rate, ratePerReplica) || this.away(ref.live, live)) && this.held(nowMs))) {
      this.reference = { rate: ratePerReplica, live };
      this.awaySinceMs = null;
      return true;
    }
    if (!this.away(ref.rate, ratePerReplica) && !this.away(ref.live, live)) this.awaySinceMs = null;
    return false;
  }

  /** Whether the values stayed away long enough (starting the clock on the first call away). */
  private held(nowMs: number): boolean {
    this.awaySinceMs ??= nowMs;
    return nowMs - this.awaySinceMs >= this.confirmMs;
  }

  private away(reference: number, value: number): boolean {
    const idleRef = reference < IDLE_PER_SEC;
    const idleNow = value < IDLE_PER_SEC;
    if (idleRef || idleNow) return idleRef !== idleNow;
    return value > reference * this.factor || value < reference / this.factor;
  }
}
