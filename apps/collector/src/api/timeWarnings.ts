// Times an HTTP node sent that are probably wrong, said back in the ingest answer: a
// collector keeps them within [arrival − 1 h, arrival] (docs/metrics.md), so a node that
// sends seconds, or a clock far off, would otherwise see its figures go strange in silence.
import type { IngestMessage } from "@driftscope/protocol";
import { MAX_REPORT_AGE_MS } from "../metrics/MetricsEngine.js";

/** Below this, a "ms since the epoch" is before 1973: almost surely seconds (1.7e9 s is 2023). */
const LOOKS_LIKE_SECONDS = 1e11;

/** What is wrong with the times of one accepted message, in words, or undefined. */
export function timeWarning(message: IngestMessage, nowMs: number): string | undefined {
  const times: Array<[string, number]> = [];
  if (message.type === "hello") times.push(["clock.agentTimeMs", message.clock.agentTimeMs]);
  if (message.type === "report") {
    times.push(["timeMs", message.timeMs]);
    for (const [i, r] of message.replicas.entries()) {
      const first = r.issued?.[0];
      if (first !== undefined) times.push([`replicas[${i}].issued[0][1]`, first[1]]);
      const inc = r.included?.[0];
      if (inc !== undefined) times.push([`replicas[${i}].included[0][2]`, inc[2]]);
      if (times.length > 8) break;
    }
  }
  for (const [path, t] of times) {
    if (t < LOOKS_LIKE_SECONDS) return `${path} ${t} looks like seconds: times are milliseconds since the epoch (${Math.round(nowMs)} now)`;
    if (message.type === "report" && (t > nowMs + 60_000 || t < nowMs - MAX_REPORT_AGE_MS)) {
      return `${path} ${t} is ${t > nowMs ? "in the future" : "more than an hour old"} by the collector's clock (${Math.round(nowMs)}): clamped to [now − 1 h, now]; correct the clock offset (docs/protocol.md §3.2)`;
    }
  }
  return undefined;
}
