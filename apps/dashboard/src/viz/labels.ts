// Labels next to the points of a scatter (each point of a trade-off chart names its config):
// each label tries the right, left, top and bottom of its point and takes the first place
// that stays inside the plot and clear of other labels and points. A label with no free
// place is left out (its point's tooltip and the table still name it) rather than overlap.

/** A point to label, in pixels. */
export interface LabelRequest {
  x: number;
  y: number;
  text: string;
  /** The mark's radius: the label keeps clear of it. */
  radius: number;
}

/** Where a label's text goes (baseline position and anchor). */
export interface PlacedLabel {
  x: number;
  y: number;
  anchor: "start" | "middle" | "end";
}

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

/** Places labels in the order given (put the most important first); null where none fits. */
export function placeLabels(
  items: readonly LabelRequest[],
  bounds: { left: number; top: number; right: number; bottom: number },
  font: { charWidth: number; height: number } = { charWidth: 5.8, height: 11 },
): (PlacedLabel | null)[] {
  const taken: Box[] = items.map((p) => ({ x0: p.x - p.radius, y0: p.y - p.radius, x1: p.x + p.radius, y1: p.y + p.radius }));
  return items.map((p, i) => {
    const w = p.text.length * font.charWidth;
    const h = font.height;
    const gap = p.radius + 3;
    const candidates: (PlacedLabel & { box: Box })[] = [
      { x: p.x + gap, y: p.y + h / 2 - 2, anchor: "start", box: { x0: p.x + gap, y0: p.y - h / 2, x1: p.x + gap + w, y1: p.y + h / 2 } },
      { x: p.x - gap, y: p.y + h / 2 - 2, anchor: "end", box: { x0: p.x - gap - w, y0: p.y - h / 2, x1: p.x - gap, y1: p.y + h / 2 } },
      { x: p.x, y: p.y - gap - 2, anchor: "middle", box: { x0: p.x - w / 2, y0: p.y - gap - h, x1: p.x + w / 2, y1: p.y - gap } },
      { x: p.x, y: p.y + gap + h - 2, anchor: "middle", box: { x0: p.x - w / 2, y0: p.y + gap, x1: p.x + w / 2, y1: p.y + gap + h } },
    ];
    for (const c of candidates) {
      const b = c.box;
      if (b.x0 < bounds.left || b.x1 > bounds.right || b.y0 < bounds.top || b.y1 > bounds.bottom) continue;
      if (taken.some((t, k) => k !== i && overlaps(t, b))) continue;
      taken.push(b);
      return { x: c.x, y: c.y, anchor: c.anchor };
    }
    return null;
  });
}
