// The one controller of the tracing stride k (DESIGN §3): every included dot at every
// replica would be N × update rate entries a second, so agents trace only seq % k === 0,
// k a power of two chosen from the measured rates. Pure: it is fed figures and answers
// the k it wants (or nothing); the core applies that as an ordinary config change.
//
// Damped, so it cannot feed on itself: it decides at most every `checkEveryMs`, moves only
// after the same verdict `confirmChecks` times in a row (lowering takes one more), and
// holds still while replicas are unreachable or the live set just changed — a collapse of
// deliveries then says nothing about the load.

export interface TracingFigures {
  nowMs: number;
  /** The stride in force. */
  k: number;
  deliveriesPerSec: number;
  updatesPerSec: number;
  unreachable: number;
  /** When a replica last entered or left the live set. */
  liveSetChangedAtMs: number;
}

export interface TracingControllerOptions {
  /** Traced entries (issued + included) per second to stay under; 0 turns the controller off. */
  budgetPerSec: number;
  checkEveryMs?: number;
  confirmChecks?: number;
  quietAfterLiveChangeMs?: number;
}

const MAX_K = 524_288;

export class TracingController {
  private lastCheckMs = -Infinity;
  private up = 0;
  private down = 0;
  private readonly checkEveryMs: number;
  private readonly confirm: number;
  private readonly quietMs: number;

  constructor(private readonly opts: TracingControllerOptions) {
    this.checkEveryMs = opts.checkEveryMs ?? 5000;
    this.confirm = opts.confirmChecks ?? 2;
    this.quietMs = opts.quietAfterLiveChangeMs ?? 10_000;
  }

  get budgetPerSec(): number {
    return this.opts.budgetPerSec;
  }

  /** The stride to switch to, or undefined to keep the current one. */
  decide(f: TracingFigures): number | undefined {
    const budget = this.opts.budgetPerSec;
    if (budget <= 0 || f.nowMs - this.lastCheckMs < this.checkEveryMs) return undefined;
    this.lastCheckMs = f.nowMs;
    if (f.unreachable > 0 || f.nowMs - f.liveSetChangedAtMs < this.quietMs) {
      this.up = this.down = 0;
      return undefined;
    }
    const perK1 = f.deliveriesPerSec + f.updatesPerSec; // traced entries per second if k were 1
    const k = f.k;
    if (perK1 / k > budget) {
      this.down = 0;
      if (++this.up < this.confirm) return undefined;
      this.up = 0;
      let wanted = 1;
      while (perK1 / wanted > budget && wanted < MAX_K) wanted *= 2;
      return wanted === k ? undefined : wanted;
    }
    if (k > 1 && perK1 / (k / 2) <= budget / 2) {
      this.up = 0;
      if (++this.down < this.confirm + 1) return undefined;
      this.down = 0;
      let wanted = 1;
      while (perK1 / wanted > budget / 2 && wanted < k) wanted *= 2;
      return wanted === k ? undefined : wanted;
    }
    this.up = this.down = 0;
    return undefined;
  }
}
