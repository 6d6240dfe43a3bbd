// Scales shared by charts and controls. Sliders map a 0..SLIDER_STEPS position to a value
// (log for quantities spanning decades, such as the gossip interval 10 ms – 10 s), and
// charts get time-friendly ticks for "time since run start".

/** Positions a slider can take; fine enough that every nice value is reachable. */
export const SLIDER_STEPS = 1000;

/** How a slider maps position to value: linear, logarithmic, or logarithmic with 0 at the far left. */
export type SliderScale =
  | { kind: "linear"; min: number; max: number; step?: number }
  | { kind: "log"; min: number; max: number }
  | { kind: "log0"; min: number; max: number };

/** The gossip interval slider: 10 ms – 10 s on a log scale. */
export const INTERVAL_SCALE: SliderScale = { kind: "log", min: 10, max: 10_000 };

/** Rounds to `digits` significant figures (1234 → 1200 with 2), the granularity a log slider offers. */
export function roundSignificant(value: number, digits = 2): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  const factor = 10 ** (digits - 1 - magnitude);
  return Math.round(value * factor) / factor;
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

/** Slider position (0..SLIDER_STEPS) → value, rounded to what a person would type. */
export function sliderToValue(scale: SliderScale, position: number): number {
  const p = clamp(position, 0, SLIDER_STEPS) / SLIDER_STEPS;
  switch (scale.kind) {
    case "linear": {
      const raw = scale.min + p * (scale.max - scale.min);
      const step = scale.step ?? 1;
      return clamp(Math.round(raw / step) * step, scale.min, scale.max);
    }
    case "log": {
      const raw = scale.min * (scale.max / scale.min) ** p;
      return clamp(roundSignificant(raw, 2), scale.min, scale.max);
    }
    case "log0": {
      // The first step is 0; the rest spans min..max logarithmically.
      if (position <= 0) return 0;
      const q = (position - 1) / (SLIDER_STEPS - 1);
      return clamp(roundSignificant(scale.min * (scale.max / scale.min) ** q, 2), scale.min, scale.max);
    }
  }
}

/** Value → nearest slider position; the inverse of `sliderToValue` up to its rounding. */
export function valueToSlider(scale: SliderScale, value: number): number {
  switch (scale.kind) {
    case "linear":
      return Math.round((clamp(value, scale.min, scale.max) - scale.min) / (scale.max - scale.min || 1) * SLIDER_STEPS);
    case "log": {
      const v = clamp(value, scale.min, scale.max);
      return Math.round((Math.log(v / scale.min) / Math.log(scale.max / scale.min)) * SLIDER_STEPS);
    }
    case "log0": {
      if (value <= 0) return 0;
      const v = clamp(value, scale.min, scale.max);
      return 1 + Math.round((Math.log(v / scale.min) / Math.log(scale.max / scale.min)) * (SLIDER_STEPS - 1));
    }
  }
}

/** A value typed into a numeric box, clamped into the slider's range (NaN → null: reject). */
export function clampToScale(scale: SliderScale, value: number): number | null {
  if (!Number.isFinite(value)) return null;
  if (scale.kind === "log0" && value <= 0) return 0;
  return clamp(value, scale.kind === "log0" ? 0 : scale.min, scale.max);
}

/** A nice [0, max] (or [min, max]) domain for a value axis, never empty. */
export function valueDomain(min: number, max: number, opts: { zero?: boolean } = {}): [number, number] {
  let lo = opts.zero !== false ? Math.min(0, min) : min;
  let hi = max;
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [0, 1];
  if (hi <= lo) hi = lo + (lo === 0 ? 1 : Math.abs(lo) * 0.1);
  const step = niceStep((hi - lo) / 5);
  lo = Math.floor(lo / step) * step;
  hi = Math.ceil(hi / step) * step;
  return [lo, hi];
}

/** Step of 1, 2 or 5 × 10^k closest above `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  const nice = r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
  return nice * magnitude;
}

/** Linear ticks (1-2-5 steps) inside [lo, hi], about `count` of them. */
export function linearTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const step = niceStep((hi - lo) / Math.max(1, count));
  const first = Math.ceil(lo / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Decade ticks (and 2, 5 multiples when few decades) for a log axis. */
export function logTicks(lo: number, hi: number): number[] {
  if (!(lo > 0) || !(hi > lo)) return [lo];
  const ticks: number[] = [];
  const decades = Math.log10(hi / lo);
  const mults = decades <= 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of mults) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

const ELAPSED_STEPS_MS = [
  100, 200, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Ticks for an elapsed-time axis at steps a clock reader expects (10 s, 30 s, 1 min, 5 min…). */
export function elapsedTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / Math.max(1, count);
  const step = ELAPSED_STEPS_MS.find((s) => s >= raw) ?? niceStep(raw / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi; v += step) ticks.push(v);
  return ticks;
}

/** Elapsed time as m:ss (or h:mm:ss), with tenths when the step is below a second. */
export function formatElapsed(ms: number, stepMs = 1000): string {
  const sign = ms < 0 ? "-" : "";
  let rest = Math.abs(ms);
  const h = Math.floor(rest / 3_600_000);
  rest -= h * 3_600_000;
  const m = Math.floor(rest / 60_000);
  rest -= m * 60_000;
  const s = rest / 1000;
  const sStr = stepMs < 1000 ? s.toFixed(1).padStart(4, "0") : String(Math.floor(s + 1e-9)).padStart(2, "0");
  return h > 0 ? `${sign}${h}:${String(m).padStart(2, "0")}:${sStr}` : `${sign}${m}:${sStr}`;
}

/** A linear map from domain to range, as a plain function with its inverse. */
export interface LinearMap {
  (v: number): number;
  invert(px: number): number;
  domain: [number, number];
  range: [number, number];
}

/** Builds a linear map; a zero-width domain maps everything to the range start. */
export function linearMap(domain: [number, number], range: [number, number]): LinearMap {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const k = d1 === d0 ? 0 : (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as LinearMap;
  f.invert = (px: number) => (k === 0 ? d0 : d0 + (px - r0) / k);
  f.domain = domain;
  f.range = range;
  return f;
}

/** A log10 map from a positive domain to range; values ≤ 0 are clamped to the domain start. */
export function logMap(domain: [number, number], range: [number, number]): LinearMap {
  const l0 = Math.log10(domain[0]);
  const l1 = Math.log10(domain[1]);
  const inner = linearMap([l0, l1], range);
  const f = ((v: number) => inner(v > 0 ? Math.log10(v) : l0)) as LinearMap;
  f.invert = (px: number) => 10 ** inner.invert(px);
  f.domain = domain;
  f.range = range;
  return f;
}

/**
 * A log axis domain around positive values: their range widened by `pad` (a factor) each
 * side, so end points do not sit on the frame; a single value gets a decade around it.
 */
export function logDomain(values: Iterable<number | null | undefined>, pad = 1.6): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === null || v === undefined || !(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (!Number.isFinite(lo)) return [1, 10];
  if (hi / lo < 1.01) return [lo / Math.sqrt(10), hi * Math.sqrt(10)];
  return [lo / pad, hi * pad];
}
