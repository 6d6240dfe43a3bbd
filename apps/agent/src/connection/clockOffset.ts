// Clock-offset estimation against the collector (DESIGN §3: times are collector-clock
// times). Each ping/pong exchange gives agent send time t0, collector time tc and agent
// receive time t1; assuming symmetric delays, offset = tc − (t0 + t1) / 2, with an error
// of at most rtt / 2. As in NTP's clock filter, the sample with the smallest round trip
// among the recent ones is the most trustworthy, so that one wins.

/** One ping exchange, in milliseconds: agent clock at send and receive, collector clock in between. */
export interface ClockSample {
  agentSendMs: number;
  collectorMs: number;
  agentReceiveMs: number;
}

export interface ClockOffsetEstimate {
  /** Add to an agent time to get a collector time. */
  offsetMs: number;
  /** Round trip of the sample the offset comes from (the offset is good to ± rttMs / 2). */
  rttMs: number;
  /** Samples the estimate was chosen from. */
  samples: number;
}

export class ClockOffsetEstimator {
  readonly #window: number;
  #samples: Array<{ offsetMs: number; rttMs: number }> = [];
  #best: ClockOffsetEstimate | undefined;

  /** @param window how many recent samples to choose the best one from */
  constructor(window = 8) {
    this.#window = Math.max(1, window);
  }

  /** Records an exchange; returns false (and ignores it) when its times are inconsistent. */
  add(sample: ClockSample): boolean {
    const { agentSendMs, collectorMs, agentReceiveMs } = sample;
    if (![agentSendMs, collectorMs, agentReceiveMs].every(Number.isFinite)) return false;
    const rttMs = agentReceiveMs - agentSendMs;
    if (rttMs < 0) return false;
    this.#samples.push({ offsetMs: collectorMs - (agentSendMs + agentReceiveMs) / 2, rttMs });
    if (this.#samples.length > this.#window) this.#samples.shift();
    let best = this.#samples[0]!;
    for (const s of this.#samples) if (s.rttMs < best.rttMs) best = s;
    this.#best = { offsetMs: best.offsetMs, rttMs: best.rttMs, samples: this.#samples.length };
    return true;
  }

  /** The current estimate, or undefined before the first exchange. */
  get estimate(): ClockOffsetEstimate | undefined {
    return this.#best;
  }

  /** Offset to add to agent times (0 until the first exchange). */
  get offsetMs(): number {
    return this.#best?.offsetMs ?? 0;
  }

  /** Converts an agent-clock time to collector-clock time. */
  toCollectorMs(agentMs: number): number {
    return agentMs + this.offsetMs;
  }

  /** Forgets all samples (a new collector process may have another clock). */
  reset(): void {
    this.#samples = [];
    this.#best = undefined;
  }
}
