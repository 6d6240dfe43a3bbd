// Timeline markers (config changes, faults) on every time chart. Lines are always drawn;
// labels are stacked into lanes so they never overlap. A label with no room left is merged
// into the nearest label before it, which then reads "… +3" and lists them on hover (and in
// an export's caption): no marker goes unnamed.

/** A timeline event as a chart needs it. */
export interface MarkerEvent {
  timeMs: number;
  kind: "config" | "fault" | "agent" | "run";
  label: string;
  /** The tooltip when it says more than the label (the collector's summary, the tuner's reason). */
  title?: string;
  /** Time since the run's start as the x axis prints it ("1:35"), for the merged list. */
  when?: string;
}

/** A marker placed on a chart: x in px, its label's lane (null = label merged into another's "+n"). */
export interface PlacedMarker extends MarkerEvent {
  x: number;
  lane: number | null;
  labelWidth: number;
  /** Left edge of the label's box, px (it runs left of the line near the right edge). */
  left: number;
  /** Width of the label plus its "+n" badge, px. */
  boxWidth: number;
  /** Markers whose labels had no room, shown as "+n" after this label. */
  more: MarkerEvent[];
}

/** The badge after a label that took others in: "+3". */
export function moreText(m: Pick<PlacedMarker, "more">): string {
  return m.more.length > 0 ? `+${m.more.length}` : "";
}

/**
 * Places markers visible in [t0, t1] on a plot `width` px wide. Each label takes
 * `charWidth` px per character plus padding; a label goes to the first lane where it
 * clears the previous label by `gap` px, else it is merged into the label placed last.
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
  // Where each placed label may start at the earliest (the end of the one before it in its lane).
  const floors = new Map<PlacedMarker, number>();
  const placed: PlacedMarker[] = [];
  let lastLabelled: PlacedMarker | null = null;
  const span = t1 - t0 || 1;
  const visible = events
    .filter((e) => e.timeMs >= t0 && e.timeMs <= t1 && (!opts.kinds || opts.kinds.has(e.kind)))
    .sort((a, b) => a.timeMs - b.timeMs);
  const leftOf = (x: number, box: number) => (x + box > width ? x - box : x);
  for (const e of visible) {
    const x = ((e.timeMs - t0) / span) * width;
    const labelWidth = e.label.length * charWidth + 8;
    const left = leftOf(x, labelWidth);
    let lane: number | null = null;
    for (let l = 0; l < lanes; l++) {
      if (left >= laneEnd[l]! + gap) {
        lane = l;
        break;
      }
    }
    const m: PlacedMarker = { ...e, x, lane, labelWidth, left, boxWidth: labelWidth, more: [] };
    placed.push(m);
    if (lane !== null) {
      floors.set(m, laneEnd[lane]! + gap);
      laneEnd[lane] = left + labelWidth;
      lastLabelled = m;
    } else if (lastLabelled && lastLabelled.lane !== null) {
      // No lane has room: the nearest label before it takes it in and grows by its badge.
      const host: PlacedMarker = lastLabelled;
      host.more.push(e);
      host.boxWidth = host.labelWidth + (moreText(host).length * charWidth + 6);
      host.left = Math.max(floors.get(host)!, leftOf(host.x, host.boxWidth));
      laneEnd[host.lane!] = host.left + host.boxWidth;
    }
  }
  return placed;
}

/** Left edge of a placed label (it flips left near the right edge of the plot). */
export function labelLeft(m: PlacedMarker, _width?: number): number {
  return m.left;
}

/** The markers merged into "+n" badges, as caption text: "+2 at 0:35: interval 1000 → 51 ms; crash r3". */
export function mergedMarkersText(placed: readonly PlacedMarker[]): string[] {
  return placed
    .filter((m) => m.more.length > 0)
    .map((m) => `${moreText(m)} after "${m.label}": ${m.more.map((e) => `${e.when ? `${e.when} ` : ""}${e.label}`).join("; ")}`);
}
