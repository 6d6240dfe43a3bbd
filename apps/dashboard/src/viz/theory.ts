// Theory reference lines (DESIGN §3) for the convergence chart. The collector sends, for the
// current N, interval, fanout, mode and loss: "expected", the asynchronous model (independent
// timer phases, what real time shows), E·T of synchronous rounds (a bound-like reference) and
// the push-only lower bound; the chart draws them as step lines, moved by each config change.

/** The theory values in force from `timeMs` on. */
export interface TheoryPoint {
  timeMs: number;
  n: number;
  intervalMs: number;
  fanout: number;
  mode: string;
  lossRate: number;
  /** The asynchronous model's mean (null where the collector sends none). */
  expectedMs: number | null;
  /** E·T of synchronous rounds. */
  syncMs: number | null;
  lowerBoundMs: number | null;
}

/** One horizontal piece of a reference line. */
export interface TheorySegment {
  from: number;
  to: number;
  expectedMs: number | null;
  syncMs: number | null;
  lowerBoundMs: number | null;
  point: TheoryPoint;
}

function sameTheory(a: TheoryPoint, b: TheoryPoint): boolean {
  return (
    a.n === b.n &&
    a.intervalMs === b.intervalMs &&
    a.fanout === b.fanout &&
    a.mode === b.mode &&
    a.lossRate === b.lossRate &&
    a.expectedMs === b.expectedMs &&
    a.syncMs === b.syncMs &&
    a.lowerBoundMs === b.lowerBoundMs
  );
}

/**
 * Appends a frame's theory to the change list when it differs from the last one (a run has
 * as many entries as config/membership changes, not frames). Returns true if appended.
 */
export function recordTheory(history: TheoryPoint[], point: TheoryPoint, maxEntries = 10_000): boolean {
  const last = history[history.length - 1];
  if (last && sameTheory(last, point)) return false;
  if (last && point.timeMs < last.timeMs) return false;
  history.push(point);
  if (history.length > maxEntries) history.splice(0, history.length - maxEntries);
  return true;
}

/** The step segments visible in [t0, t1]; the last one runs until `endMs` (now, or the run's end). */
export function theorySegments(history: readonly TheoryPoint[], t0: number, t1: number, endMs: number): TheorySegment[] {
  const segments: TheorySegment[] = [];
  for (let i = 0; i < history.length; i++) {
    const p = history[i]!;
    const from = p.timeMs;
    const to = i + 1 < history.length ? history[i + 1]!.timeMs : endMs;
    if (to <= t0 || from >= t1) continue;
    segments.push({
      from: Math.max(from, t0),
      to: Math.min(to, t1),
      expectedMs: p.expectedMs,
      syncMs: p.syncMs,
      lowerBoundMs: p.lowerBoundMs,
      point: p,
    });
  }
  return segments;
}

/** Legend text for the theory in force, e.g. "expected 1.6 s, E·T 2.4 s, no lower bound for push-pull (N=32, T=1 s, f=2, push-pull)". */
export function theoryCaption(p: TheoryPoint, format: (ms: number) => string): string {
  const params = `N=${p.n}, T=${format(p.intervalMs)}, f=${p.fanout}, ${p.mode}${p.lossRate > 0 ? `, loss ${Math.round(p.lossRate * 1000) / 10} %` : ""}`;
  const expected = p.expectedMs === null ? "expected –" : `expected ${format(p.expectedMs)}`;
  const sync = p.syncMs === null ? "" : `, E·T ${format(p.syncMs)}`;
  const bound = p.lowerBoundMs === null ? `no lower bound for ${p.mode}` : `lower bound ${format(p.lowerBoundMs)}`;
  return `${expected}${sync}, ${bound} (${params})`;
}

/** Largest theory value in view, so the y axis keeps the reference lines visible. */
export function theoryMax(segments: readonly TheorySegment[]): number {
  let max = 0;
  for (const s of segments) max = Math.max(max, s.expectedMs ?? 0, s.syncMs ?? 0, s.lowerBoundMs ?? 0);
  return max;
}
