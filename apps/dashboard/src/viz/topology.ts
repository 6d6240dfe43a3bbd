// Topology view maths: which partition group each replica is in, where groups sit, how big
// nodes are, how exchanges fade, and the standalone SVG of the picture for export.

import { escapeXml } from "./chartSvg.js";

/** Group index per replica (in `order`); replicas in no listed group form one more group. */
export function partitionGroups(order: readonly string[], partitions: readonly (readonly string[])[]): { group: Int32Array; count: number } {
  const groupOf = new Map<string, number>();
  partitions.forEach((g, k) => g.forEach((id) => groupOf.set(id, k)));
  const rest = partitions.length;
  const group = Int32Array.from(order, (id) => groupOf.get(id) ?? rest);
  const used = new Set(group);
  return { group, count: partitions.length === 0 ? 1 : Math.max(...used, 0) + 1 };
}

/** Room at the top of a group's cell for its label. */
const GROUP_LABEL_PX = 18;

/**
 * Cells for `k` partition groups side by side in a width × height area: as many columns
 * as the area's shape suits (two groups in a wide card sit left and right, not stacked
 * out of it), the last row centred. Each group's replicas are kept inside its cell.
 */
export function groupCells(k: number, width: number, height: number): { x0: number; y0: number; x1: number; y1: number }[] {
  if (k <= 1) return [{ x0: 0, y0: 0, x1: width, y1: height }];
  const cols = Math.max(1, Math.min(k, Math.round(Math.sqrt((k * width) / Math.max(1, height)))));
  const rows = Math.ceil(k / cols);
  const cw = width / cols;
  const ch = height / rows;
  return Array.from({ length: k }, (_, i) => {
    const row = Math.floor(i / cols);
    const inRow = row === rows - 1 ? k - row * cols : cols;
    const x0 = ((cols - inRow) * cw) / 2 + (i % cols) * cw;
    return { x0, y0: row * ch + GROUP_LABEL_PX, x1: x0 + cw, y1: (row + 1) * ch };
  });
}

/** Where each partition group gathers: the centre of its cell. */
export function groupCentres(k: number, width: number, height: number): { x: number; y: number }[] {
  if (k <= 1) return [{ x: width / 2, y: height / 2 }];
  return groupCells(k, width, height).map((c) => ({ x: (c.x0 + c.x1) / 2, y: (c.y0 + c.y1) / 2 }));
}

/** Node radius so `n` nodes fill a fair share of the area: 9 px for a few, 2 px for thousands. */
export function nodeRadius(n: number, width: number, height: number): number {
  if (n <= 0) return 6;
  const perNode = Math.sqrt((width * height) / n);
  return Math.max(2, Math.min(9, perNode / 4.5));
}

/** Opacity of an exchange `ageMs` old: lit at once, gone after `fadeMs`. */
export function exchangeAlpha(ageMs: number, fadeMs = 700): number {
  if (ageMs < 0) return 1;
  return Math.max(0, 1 - ageMs / fadeMs);
}

/** Fill colour of a node: caught up, behind (by how much), crashed or unreachable. */
export function nodeColour(status: number, missing: number, maxMissing: number): string {
  if (status === 2) return "#9ca3af";
  if (status === 1) return "#d1d5db";
  if (missing <= 0) return "#3b82f6";
  // Eight steps, so nodes share a few fills and draw in a few batches.
  const t = Math.ceil(Math.min(1, Math.sqrt(missing / Math.max(1, maxMissing))) * 8) / 8;
  // amber → red
  const r = Math.round(245 + (220 - 245) * t);
  const g = Math.round(158 + (38 - 158) * t);
  const b = Math.round(11 + (38 - 11) * t);
  return `rgb(${r},${g},${b})`;
}

/** What the topology export draws. */
export interface TopologyPicture {
  title: string;
  caption: readonly string[];
  width: number;
  height: number;
  nodes: readonly { id: string; x: number; y: number; r: number; fill: string; selected: boolean }[];
  edges: readonly { x1: number; y1: number; x2: number; y2: number; alpha: number }[];
  groups: readonly { x: number; y: number; r: number; label: string }[];
  legend: readonly { label: string; fill: string }[];
}

/** The topology as a standalone SVG. */
export function topologySvg(p: TopologyPicture): string {
  const head = 56;
  const foot = 20 + p.caption.length * 16;
  const H = head + p.height + foot;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${p.width}" height="${H}" viewBox="0 0 ${p.width} ${H}" font-family="Helvetica, Arial, sans-serif">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="26" font-size="17" font-weight="600" fill="#111827">${escapeXml(p.title)}</text>`,
  ];
  let lx = 16;
  for (const l of p.legend) {
    out.push(`<circle cx="${lx + 6}" cy="44" r="5" fill="${l.fill}"/><text x="${lx + 16}" y="48" font-size="12" fill="#374151">${escapeXml(l.label)}</text>`);
    lx += 30 + l.label.length * 6.7;
  }
  out.push(`<g transform="translate(0 ${head})">`);
  for (const g of p.groups) {
    out.push(
      `<circle cx="${g.x.toFixed(1)}" cy="${g.y.toFixed(1)}" r="${g.r.toFixed(1)}" fill="#f8fafc" stroke="#cbd5e1" stroke-dasharray="4 3"/>`,
      `<text x="${g.x.toFixed(1)}" y="${(g.y - g.r - 6).toFixed(1)}" font-size="12" text-anchor="middle" fill="#475569">${escapeXml(g.label)}</text>`,
    );
  }
  for (const e of p.edges) {
    out.push(`<line x1="${e.x1.toFixed(1)}" y1="${e.y1.toFixed(1)}" x2="${e.x2.toFixed(1)}" y2="${e.y2.toFixed(1)}" stroke="#2563eb" stroke-opacity="${(e.alpha * 0.6).toFixed(2)}"/>`);
  }
  for (const n of p.nodes) {
    const stroke = n.selected ? ` stroke="#9333ea" stroke-width="2.5"` : ` stroke="#ffffff" stroke-width="0.8"`;
    out.push(`<circle cx="${n.x.toFixed(1)}" cy="${n.y.toFixed(1)}" r="${n.r.toFixed(1)}" fill="${n.fill}"${stroke}><title>${escapeXml(n.id)}</title></circle>`);
  }
  out.push(`</g>`);
  p.caption.forEach((line, i) => out.push(`<text x="16" y="${head + p.height + 18 + i * 16}" font-size="11" fill="#4b5563">${escapeXml(line)}</text>`));
  out.push(`</svg>`);
  return out.join("\n");
}
