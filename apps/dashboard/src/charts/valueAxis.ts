// Value axes of the time charts: linear from 0 or log, with units in the tick labels and
// durations at round values (500 ms, 1 s, 30 s, 1 min — never "1.7 min").

import type { AxisSpec } from "../viz/chartSvg.js";
import { durationLinear, durationLogDomain, durationLogTicks } from "../viz/durationAxis.js";
import { formatBytes, formatCount, formatDurationTick } from "../viz/format.js";
import { linearTicks, logTicks, valueDomain } from "../viz/scales.js";

/** Kinds of value an axis shows; each has its unit and tick format. */
export type ValueKind = "count" | "durationMs" | "perSec" | "bytesPerSec" | "share";

function formatOf(kind: ValueKind): (v: number) => string {
  return kind === "durationMs" ? formatDurationTick : kind === "bytesPerSec" ? (v: number) => formatBytes(v) : formatCount;
}

/** A value axis from 0 to a nice maximum, with a unit in its label. */
export function valueAxis(label: string, kind: ValueKind, max: number, heightPx: number): AxisSpec {
  const top = Number.isFinite(max) && max > 0 ? max * 1.05 : 1;
  const count = Math.max(2, Math.floor(heightPx / 32));
  if (kind === "durationMs") {
    const { domain, ticks } = durationLinear(top, count);
    return { label, domain, ticks, format: formatDurationTick };
  }
  const [lo, hi] = valueDomain(0, top);
  return { label, domain: [lo, hi], ticks: linearTicks(lo, hi, count), format: formatOf(kind) };
}

/** A log value axis over the positive values in view (`minPositive`..`max`), whole decades or round durations at the ends. */
export function logValueAxis(label: string, kind: ValueKind, minPositive: number, max: number): AxisSpec {
  const format = formatOf(kind);
  if (kind === "durationMs") {
    const domain = durationLogDomain(minPositive, max);
    return { label: `${label} (log)`, domain, ticks: durationLogTicks(domain[0], domain[1]), format, log: true };
  }
  const hi = 10 ** Math.ceil(Math.log10(Math.max(max, 1)));
  let lo = 10 ** Math.floor(Math.log10(minPositive > 0 && Number.isFinite(minPositive) ? minPositive : hi / 10));
  if (hi / lo < 10) lo = hi / 10;
  return { label: `${label} (log)`, domain: [lo, hi], ticks: logTicks(lo, hi), format, log: true };
}

/** Smallest positive and largest finite value among parts within [t0, t1] (Infinity / 0 if none). */
export function rangeIn(parts: readonly { xs: ArrayLike<number>; ys: ArrayLike<number>; length: number }[], t0: number, t1: number): { minPositive: number; max: number } {
  let minPositive = Infinity;
  let max = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i++) {
      const x = p.xs[i]!;
      if (x < t0 || x > t1) continue;
      const y = p.ys[i]!;
      if (y > max) max = y;
      if (y > 0 && y < minPositive) minPositive = y;
    }
  }
  return { minPositive, max };
}
