// Which values a time chart's y-axis fits. By default everything in the visible window;
// but when the latest change in view (a config change or fault) started a regime whose
// values would sit in the bottom third of that axis, the axis fits that regime instead and
// says how far the earlier values reach above it — so the change just made is readable
// without a log axis. A person can ask for everything in view instead.

/** Regimes shorter than this are not fitted alone (too little data to judge). */
export const MIN_REGIME_MS = 8_000;
/** The latest regime is fitted alone when its top is below this share of the whole view's. */
export const SQUASHED_BELOW = 1 / 3;

/** What the y-axis fits. */
export interface YFit {
  /** The largest value the axis must show. */
  max: number;
  /** Start of the fitted regime (collector time), or null: everything in view. */
  fittedFrom: number | null;
  /** The largest value in view when it lies off scale (fitted to the regime), else null. */
  offScaleMax: number | null;
}

/**
 * `maxBetween(t0, t1)` is the chart's largest value over that span; `changesMs` the times
 * of changes (any order). With `all`, the whole view is fitted.
 */
export function fitY(maxBetween: (t0: number, t1: number) => number, domain: readonly [number, number], changesMs: readonly number[], all = false): YFit {
  const [t0, t1] = domain;
  const whole = maxBetween(t0, t1);
  let from = -Infinity;
  for (const c of changesMs) if (c > t0 && c <= t1 - MIN_REGIME_MS && c > from) from = c;
  if (all || !Number.isFinite(from) || !(whole > 0)) return { max: whole, fittedFrom: null, offScaleMax: null };
  const recent = maxBetween(from, t1);
  if (!(recent > 0) || recent >= whole * SQUASHED_BELOW) return { max: whole, fittedFrom: null, offScaleMax: null };
  return { max: recent, fittedFrom: from, offScaleMax: whole };
}
