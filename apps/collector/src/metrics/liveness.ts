// The unreachable rule of DESIGN §3, written once: every part that asks "is this agent
// still with us?" (the lifecycle, the HTTP session table) calls this.
import { UNREACHABLE_AFTER_INTERVALS, UNREACHABLE_MIN_MS } from "@driftscope/protocol";

/** How long silence is tolerated before replicas count as unreachable. */
export interface LivenessRule {
  /** Report intervals of silence (default 3). */
  afterIntervals: number;
  /** And at least this long (default 2 s): a busy node whose telemetry is late is not unreachable. */
  minMs: number;
}

export const DEFAULT_LIVENESS: LivenessRule = { afterIntervals: UNREACHABLE_AFTER_INTERVALS, minMs: UNREACHABLE_MIN_MS };

/** Longest silence (ms) allowed to an agent that reports every `reportIntervalMs`. */
export function silenceLimitMs(reportIntervalMs: number, rule: LivenessRule = DEFAULT_LIVENESS): number {
  return Math.max(rule.afterIntervals * reportIntervalMs, rule.minMs);
}

/** Whether an agent last heard from at `lastSeenMs` has been silent too long at `nowMs`. */
export function isOverdue(lastSeenMs: number, reportIntervalMs: number, nowMs: number, rule: LivenessRule = DEFAULT_LIVENESS): boolean {
  return nowMs - lastSeenMs > silenceLimitMs(reportIntervalMs, rule);
}
