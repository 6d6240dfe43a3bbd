// Timeline markers (config changes, faults) on every time chart. Lines are always drawn;
// labels are stacked into lanes so they never overlap, and dropped when lanes run out.

/** A timeline event as a chart needs it. */
export interface MarkerEvent {
  timeMs: number;
  kind: "config" | "fault" | "agent" | "run";
  label: string;
  /** The tooltip when it says more than the label (the tuner's reason). */
  title?: string;
}

/** A marker placed on a chart: x in px, its label's lane (null = label hidden, line only). */
export interface PlacedMarker extends MarkerEvent {
  x: number;
  lane: number | null;
  labelWidth: number;
}

/**
 * Places markers visible in [t0, t1] on a plot `width` px wide. Each label takes
 * `charWidth` px per character plus padding; a label goes to the first lane where it
 * clears the previous label by `gap` px.
 */
export function placeMarkers(
  events: readonly MarkerEvent[],
  t0: number,
  t1: number,
  width: number,
  opts: { lanes?: number; charWidth?: number; gap?: number; kinds?: ReadonlySet<MarkerEvent["kind"]> } = {},
): PlacedMarker[] {
  const lanes = opts.lanes ?? 2;
  const charWidth = opts.charWidth ?? 6;
  const gap = opts.gap ?? 6;
  const laneEnd = new Array<number>(lanes).fill(-Infinity);
  const placed: PlacedMarker[] = [];
  const span = t1 - t0 || 1;
  const visible = events
    .filter((e) => e.timeMs >= t0 && e.timeMs <= t1 && (!opts.kinds || opts.kinds.has(e.kind)))
    .sort((a, b) => a.timeMs - b.timeMs);
  for (const e of visible) {
    const x = ((e.timeMs - t0) / span) * width;
    const labelWidth = e.label.length * charWidth + 8;
    // Labels start at the line and run right; near the right edge they run left.
    const left = x + labelWidth > width ? x - labelWidth : x;
    let lane: number | null = null;
    for (let l = 0; l < lanes; l++) {
      if (left >= laneEnd[l]! + gap) {
        lane = l;
        laneEnd[l] = left + labelWidth;
        break;
      }
    }
    placed.push({ ...e, x, lane, labelWidth });
  }
  return placed;
}

/** Left edge of a placed label (it flips left near the right edge of the plot). */
export function labelLeft(m: PlacedMarker, width: number): number {
  return m.x + m.labelWidth > width ? m.x - m.labelWidth : m.x;
}
