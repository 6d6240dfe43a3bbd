// Bytes/s per replica of a config not yet run, from the ones that were: bytes ≈ b₀·(m/m₀)^β with
// m = fanout ÷ interval (messages per second). β is not 1: the per-message overhead scales
// with m but each update's payload must reach every replica whatever m is, so at a high update
// rate bytes hardly fall with a longer interval (β ≈ 0.2 in the runtime at 10 updates/s per
// replica, ≈ 1.5 at 1/s). β is learned from two settled configs of the same workload.

const DEFAULT_EXPONENT = 1;
const MIN_EXPONENT = 0.1;
const MAX_EXPONENT = 2;
/** Message rates closer than this (log ratio) say nothing about the exponent. */
const MIN_LOG_SPREAD = 0.1;

export class BytesModel {
  private last: { messageRate: number; bytes: number } | null = null;
  private exponent = DEFAULT_EXPONENT;

  /** β as learned so far. */
  get beta(): number {
    return this.exponent;
  }

  /** A settled measurement: bytes/s per replica at this fanout and interval. */
  observe(fanout: number, intervalMs: number, bytesPerSec: number): void {
    const messageRate = fanout / intervalMs;
    const last = this.last;
    if (last !== null && last.bytes > 0 && bytesPerSec > 0) {
      const spread = Math.log(messageRate / last.messageRate);
      if (Math.abs(spread) >= MIN_LOG_SPREAD) {
        const seen = Math.log(bytesPerSec / last.bytes) / spread;
        this.exponent = Math.min(MAX_EXPONENT, Math.max(MIN_EXPONENT, seen));
      }
    }
    this.last = { messageRate, bytes: bytesPerSec };
  }

  /** The workload changed: bytes measured before say little about bytes now. */
  reset(): void {
    this.last = null;
    this.exponent = DEFAULT_EXPONENT;
  }

  /** Predicted bytes/s per replica (0 while nothing was measured). */
  predict(fanout: number, intervalMs: number): number {
    if (this.last === null) return 0;
    return this.last.bytes * Math.pow(fanout / intervalMs / this.last.messageRate, this.exponent);
  }
}
