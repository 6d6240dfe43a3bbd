// Standalone SVG for a chart export: title, legend, axes with units, markers, the data
// layers and the config as a caption — what a paper figure needs, with no page styles.
// The PNG export rasterises this same SVG, so both always agree.

import { decimateMinMax, thinScatter, type Points } from "./decimate.js";
import { placeLabels } from "./labels.js";
import { mergedMarkersText, moreText, placeMarkers, type MarkerEvent } from "./markers.js";
import { linearMap, logMap, type LinearMap } from "./scales.js";

/** An axis: label with unit, domain, tick positions and how to print them. */
export interface AxisSpec {
  label: string;
  domain: [number, number];
  ticks: readonly number[];
  format: (v: number) => string;
  log?: boolean;
  /** Domain start at the top (heatmap rows read downwards). */
  flip?: boolean;
}

/** A data layer, drawn in order. */
export type Layer =
  | { kind: "line"; points: Points; colour: string; width?: number; dash?: string }
  | { kind: "points"; points: Points; colour: string; radius?: number; opacity?: number }
  | { kind: "steps"; segments: readonly { from: number; to: number; y: number }[]; colour: string; width?: number; dash?: string }
  | { kind: "cells"; rgba: Uint8ClampedArray; cols: number; rows: number }
  /** A shaded range between two curves over the same xs (e.g. p50 to p95). */
  | { kind: "band"; xs: ArrayLike<number>; lo: ArrayLike<number>; hi: ArrayLike<number>; colour: string; opacity?: number }
  /** Few, individually meaningful points (experiment points), optionally labelled. */
  | { kind: "marks"; marks: readonly ChartMark[]; colour: string; shape?: MarkShape; radius?: number; group?: MarkGroup }
  /** Notes at data positions (e.g. "under-synchronised ↑" beside a reference line). */
  | { kind: "texts"; items: readonly ChartText[]; colour: string };

/** What marks stand for (their SVG group's class, so a reader or a test can tell them apart). */
export type MarkGroup = "measured" | "reference" | "recommended";

/** How a mark is drawn. */
export type MarkShape = "dot" | "square" | "ring";

/** One mark: a data position, a label drawn beside it when there is room, hollow for a lower bound. */
export interface ChartMark {
  x: number;
  y: number;
  label?: string;
  hollow?: boolean;
}

/** A note at a data position, offset in px. */
export interface ChartText {
  x: number;
  y: number;
  text: string;
  anchor?: "start" | "middle" | "end";
  dx?: number;
  dy?: number;
}

/** A legend entry. */
export interface LegendItem {
  label: string;
  colour: string;
  shape: "line" | "dash" | "dot" | "swatch" | "band" | "square" | "ring";
  /** The line's dash pattern, for a "dash" entry drawn otherwise than "5 3". */
  dash?: string;
  /** What the entry means (on screen, its tooltip): definition, window, unit, docs. */
  title?: string;
}

/** A colour bar for heatmaps: CSS colours from low to high and end labels. */
export interface ColourBar {
  label: string;
  stops: readonly string[];
  min: string;
  max: string;
}

/** One plot of a chart; several panels stack vertically and share the x axis. */
export interface PanelSpec {
  y: AxisSpec;
  layers: readonly Layer[];
  /** Plot height in px (default 340 for one panel, 200 each when stacked). */
  height?: number;
}

/** Everything an exported chart shows. */
export interface ChartSvgSpec {
  title: string;
  subtitle?: string;
  caption: readonly string[];
  width?: number;
  x: AxisSpec;
  panels: readonly PanelSpec[];
  legend: readonly LegendItem[];
  colourBar?: ColourBar;
  /** Timeline markers; `when` ("1:35") names a merged one in the caption. */
  markers?: readonly { timeMs: number; label: string; kind: string; when?: string }[];
}

const FONT = "Helvetica, Arial, sans-serif";
const MARGIN = { left: 72, right: 24 };

/** Escapes text for SVG content and attribute values. */
export function escapeXml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function r1(v: number): string {
  return (Math.round(v * 10) / 10).toString();
}

/** SVG path for a line; NaN y values break it into pieces. */
export function linePath(points: Points, x: (v: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  for (let i = 0; i < points.length; i++) {
    const yv = points.ys[i]!;
    if (!Number.isFinite(yv)) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${r1(x(points.xs[i]!))} ${r1(y(yv))}`;
    pen = true;
  }
  return d;
}

/**
 * SVG path of a step line: adjacent segments join with a vertical riser, so a value that
 * changes often still reads as one line (with a gap only where segments do not touch).
 */
export function stepPath(segments: readonly { from: number; to: number; y: number }[], x: (v: number) => number, y: (v: number) => number): string {
  let d = "";
  let prevTo = Number.NaN;
  for (const s of segments) {
    d += s.from === prevTo ? `V${r1(y(s.y))}` : `M${r1(x(s.from))} ${r1(y(s.y))}`;
    d += `H${r1(x(s.to))}`;
    prevTo = s.to;
  }
  return d;
}

/** Splits text at spaces into lines of at most `maxChars` (a longer word gets a line of its own). */
export function wrapText(text: string, maxChars: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
}

/** Approximate text width in px at 12 px Helvetica (for legend wrapping). */
function textWidth(s: string, size = 12): number {
  return s.length * size * 0.56;
}

/** Builds the SVG document. */
export function buildChartSvg(spec: ChartSvgSpec): string {
  const width = spec.width ?? 880;
  const plotWidth = width - MARGIN.left - MARGIN.right;
  const out: string[] = [];
  let yCursor = 28;
  const head: string[] = [];
  head.push(`<text x="${MARGIN.left - 56}" y="${yCursor}" font-size="17" font-weight="600" fill="#111827">${escapeXml(spec.title)}</text>`);
  if (spec.subtitle) {
    yCursor += 20;
    head.push(`<text x="${MARGIN.left - 56}" y="${yCursor}" font-size="12" fill="#4b5563">${escapeXml(spec.subtitle)}</text>`);
  }
  // Legend: items flow left to right, wrapping.
  yCursor += 22;
  let lx = MARGIN.left - 56;
  for (const item of spec.legend) {
    const w = 28 + textWidth(item.label) + 18;
    if (lx + w > width - MARGIN.right && lx > MARGIN.left - 56) {
      lx = MARGIN.left - 56;
      yCursor += 18;
    }
    head.push(legendSymbol(item, lx, yCursor - 4));
    head.push(`<text x="${r1(lx + 24)}" y="${yCursor}" font-size="12" fill="#374151">${escapeXml(item.label)}</text>`);
    lx += w;
  }
  if (spec.colourBar) {
    const cb = spec.colourBar;
    const barW = 160;
    const need = textWidth(cb.label) + barW + textWidth(cb.min) + textWidth(cb.max) + 40;
    if (lx + need > width - MARGIN.right && lx > MARGIN.left - 56) {
      lx = MARGIN.left - 56;
      yCursor += 18;
    }
    head.push(`<text x="${r1(lx)}" y="${yCursor}" font-size="12" fill="#374151">${escapeXml(cb.label)}</text>`);
    lx += textWidth(cb.label) + 8;
    head.push(`<text x="${r1(lx)}" y="${yCursor}" font-size="11" fill="#4b5563">${escapeXml(cb.min)}</text>`);
    lx += textWidth(cb.min, 11) + 4;
    head.push(
      `<defs><linearGradient id="cb" x1="0" x2="1" y1="0" y2="0">${cb.stops
        .map((c, i) => `<stop offset="${r1((i / Math.max(1, cb.stops.length - 1)) * 100)}%" stop-color="${escapeXml(c)}"/>`)
        .join("")}</linearGradient></defs>`,
      `<rect x="${r1(lx)}" y="${yCursor - 10}" width="${barW}" height="10" fill="url(#cb)" stroke="#d1d5db" stroke-width="0.5"/>`,
    );
    lx += barW + 4;
    head.push(`<text x="${r1(lx)}" y="${yCursor}" font-size="11" fill="#4b5563">${escapeXml(cb.max)}</text>`);
  }
  const markerLane = spec.markers && spec.markers.length > 0 ? 26 : 0;
  const gapBetween = 20;
  const defaultHeight = spec.panels.length > 1 ? 200 : 340;
  const firstTop = yCursor + 16 + markerLane;
  let top = firstTop;
  const boxes = spec.panels.map((p) => {
    const box = { top, bottom: top + (p.height ?? defaultHeight) };
    top = box.bottom + gapBetween;
    return box;
  });
  const plotBottom = boxes[boxes.length - 1]?.bottom ?? firstTop;
  const xMap = (spec.x.log ? logMap : linearMap)(spec.x.domain, [MARGIN.left, MARGIN.left + plotWidth]);
  // Markers: labels in two lanes above the plot; those with no room become "+n" after the label before, and the caption lists them.
  const placed = placeMarkers(
    (spec.markers ?? []).map((m) => ({ timeMs: m.timeMs, kind: m.kind as MarkerEvent["kind"], label: m.label.length > 48 ? `${m.label.slice(0, 47)}…` : m.label, when: m.when })),
    spec.x.domain[0],
    spec.x.domain[1],
    plotWidth,
    { lanes: 2, charWidth: 5.7 },
  );
  const merged = mergedMarkersText(placed);
  const captionLines = merged.length > 0 ? [...spec.caption, `Markers merged above: ${merged.join(" · ")}.`] : spec.caption;
  // Long caption lines (a plan, a config) wrap at the figure's width instead of running off it.
  const caption = captionLines.flatMap((line) => wrapText(line, Math.floor((width - 32) / (11 * 0.56))));
  const height = plotBottom + 48 + caption.length * 16 + 12;

  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    ...head,
  );
  spec.panels.forEach((panel, k) => {
    const { top: pTop, bottom: pBottom } = boxes[k]!;
    const pHeight = pBottom - pTop;
    const yRange: [number, number] = panel.y.flip ? [pTop, pBottom] : [pBottom, pTop];
    const yMap = (panel.y.log ? logMap : linearMap)(panel.y.domain, yRange);
    out.push(`<clipPath id="plot${k}"><rect x="${MARGIN.left}" y="${pTop}" width="${plotWidth}" height="${pHeight}"/></clipPath>`);
    out.push(`<g font-size="11" fill="#4b5563">`);
    for (const t of panel.y.ticks) {
      const py = yMap(t);
      if (py < pTop - 0.5 || py > pBottom + 0.5) continue;
      out.push(
        `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotWidth}" y1="${r1(py)}" y2="${r1(py)}" stroke="#eef0f3"/>`,
        `<text x="${MARGIN.left - 6}" y="${r1(py + 4)}" text-anchor="end">${escapeXml(panel.y.format(t))}</text>`,
      );
    }
    out.push(`</g>`);
    out.push(`<g clip-path="url(#plot${k})">`);
    for (const layer of panel.layers) {
      out.push(drawLayer(layer, xMap, yMap, plotWidth, { left: MARGIN.left, top: pTop, width: plotWidth, height: pHeight }));
    }
    out.push(`</g>`);
    out.push(markLabels(panel.layers, xMap, yMap, { left: MARGIN.left, top: pTop, right: MARGIN.left + plotWidth, bottom: pBottom }));
    out.push(
      `<rect x="${MARGIN.left}" y="${pTop}" width="${plotWidth}" height="${pHeight}" fill="none" stroke="#9ca3af"/>`,
      `<text transform="translate(${MARGIN.left - 56} ${pTop + pHeight / 2}) rotate(-90)" font-size="12" text-anchor="middle" fill="#111827">${escapeXml(panel.y.label)}</text>`,
    );
  });
  // x ticks under the last panel.
  out.push(`<g font-size="11" fill="#4b5563">`);
  for (const t of spec.x.ticks) {
    const px = xMap(t);
    if (px < MARGIN.left - 0.5 || px > MARGIN.left + plotWidth + 0.5) continue;
    out.push(
      `<line x1="${r1(px)}" x2="${r1(px)}" y1="${plotBottom}" y2="${plotBottom + 5}" stroke="#6b7280"/>`,
      `<text x="${r1(px)}" y="${plotBottom + 18}" text-anchor="middle">${escapeXml(spec.x.format(t))}</text>`,
    );
  }
  out.push(`</g>`);
  // A dashed line through every panel per marker; labels (and their +n) never overlap.
  for (const m of placed) {
    const px = MARGIN.left + m.x;
    const colour = m.kind === "fault" ? "#dc2626" : "#7c3aed";
    out.push(`<line x1="${r1(px)}" x2="${r1(px)}" y1="${firstTop - 2}" y2="${plotBottom}" stroke="${colour}" stroke-dasharray="3 3" stroke-width="1"/>`);
    if (m.lane !== null) {
      const y = firstTop - 18 + m.lane * 12;
      const more = m.more.length > 0 ? `<tspan dx="4" font-weight="600" fill="#374151">${moreText(m)}</tspan>` : "";
      out.push(`<text x="${r1(MARGIN.left + m.left + 3)}" y="${y}" font-size="10" fill="${colour}">${escapeXml(m.label)}${more}</text>`);
    }
  }
  out.push(
    `<text x="${MARGIN.left + plotWidth / 2}" y="${plotBottom + 38}" font-size="12" text-anchor="middle" fill="#111827">${escapeXml(spec.x.label)}</text>`,
  );
  caption.forEach((line, i) => {
    out.push(`<text x="${MARGIN.left - 56}" y="${plotBottom + 62 + i * 16}" font-size="11" fill="#4b5563">${escapeXml(line)}</text>`);
  });
  out.push(`</svg>`);
  return out.join("\n");
}

function legendSymbol(item: LegendItem, x: number, y: number): string {
  const c = escapeXml(item.colour);
  switch (item.shape) {
    case "line":
      return `<line x1="${r1(x)}" x2="${r1(x + 18)}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2"/>`;
    case "dash":
      return `<line x1="${r1(x)}" x2="${r1(x + 18)}" y1="${y}" y2="${y}" stroke="${c}" stroke-width="2" stroke-dasharray="${escapeXml(item.dash ?? "5 3")}"/>`;
    case "dot":
      return `<circle cx="${r1(x + 9)}" cy="${y}" r="3.5" fill="${c}"/>`;
    case "swatch":
      return `<rect x="${r1(x + 3)}" y="${y - 6}" width="12" height="12" fill="${c}"/>`;
    case "band":
      return `<rect x="${r1(x)}" y="${y - 5}" width="18" height="10" fill="${c}" fill-opacity="0.25"/>`;
    case "square":
      return `<rect x="${r1(x + 5)}" y="${y - 4}" width="8" height="8" fill="none" stroke="${c}" stroke-width="1.5"/>`;
    case "ring":
      return `<circle cx="${r1(x + 9)}" cy="${y}" r="5.5" fill="none" stroke="${c}" stroke-width="2"/>`;
  }
}

/** A white outline under text drawn over data, so it stays readable where it crosses a line or band. */
const HALO = ' stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"';

/** SVG path of a band between `lo` and `hi` over `xs`; a non-finite value splits it into pieces. */
export function bandPath(xs: ArrayLike<number>, lo: ArrayLike<number>, hi: ArrayLike<number>, x: (v: number) => number, y: (v: number) => number): string {
  let d = "";
  let run: number[] = [];
  const flush = () => {
    if (run.length >= 2) {
      d += run.map((i, k) => `${k === 0 ? "M" : "L"}${r1(x(xs[i]!))} ${r1(y(hi[i]!))}`).join("");
      d += [...run].reverse().map((i) => `L${r1(x(xs[i]!))} ${r1(y(lo[i]!))}`).join("") + "Z";
    }
    run = [];
  };
  for (let i = 0; i < xs.length; i++) {
    if (Number.isFinite(lo[i]!) && Number.isFinite(hi[i]!)) run.push(i);
    else flush();
  }
  flush();
  return d;
}

/** One mark as SVG (hollow: outline only, for a figure that is only a lower bound). */
export function markSvg(shape: MarkShape, cx: number, cy: number, radius: number, colour: string, hollow = false): string {
  const c = escapeXml(colour);
  const paint = hollow ? `fill="#ffffff" stroke="${c}" stroke-width="1.5"` : `fill="${c}" stroke="#ffffff" stroke-width="0.75"`;
  switch (shape) {
    case "dot":
      return `<circle cx="${r1(cx)}" cy="${r1(cy)}" r="${radius}" ${paint}/>`;
    case "square":
      return `<rect x="${r1(cx - radius)}" y="${r1(cy - radius)}" width="${r1(radius * 2)}" height="${r1(radius * 2)}" ${paint}/>`;
    case "ring":
      return `<circle cx="${r1(cx)}" cy="${r1(cy)}" r="${radius}" fill="none" stroke="${c}" stroke-width="2"/>`;
  }
}

/** The marks' labels of one panel, placed together so none overlaps another. */
function markLabels(layers: readonly Layer[], x: LinearMap, y: LinearMap, bounds: { left: number; top: number; right: number; bottom: number }): string {
  const requests: { x: number; y: number; text: string; radius: number; colour: string }[] = [];
  for (const layer of layers) {
    if (layer.kind !== "marks") continue;
    for (const m of layer.marks) if (m.label) requests.push({ x: x(m.x), y: y(m.y), text: m.label, radius: (layer.radius ?? 4) + 1, colour: layer.colour });
  }
  if (requests.length === 0) return "";
  const placed = placeLabels(requests, bounds);
  const parts = ['<g font-size="10">'];
  placed.forEach((p, i) => {
    if (p) parts.push(`<text x="${r1(p.x)}" y="${r1(p.y)}" text-anchor="${p.anchor}" fill="${escapeXml(requests[i]!.colour)}"${HALO}>${escapeXml(requests[i]!.text)}</text>`);
  });
  parts.push("</g>");
  return parts.join("");
}

function drawLayer(
  layer: Layer,
  x: LinearMap,
  y: LinearMap,
  plotWidth: number,
  plot: { left: number; top: number; width: number; height: number },
): string {
  switch (layer.kind) {
    case "line": {
      const d = decimateMinMax(layer.points, x.domain[0], x.domain[1], plotWidth);
      const dash = layer.dash ? ` stroke-dasharray="${layer.dash}"` : "";
      return `<path d="${linePath(d, x, y)}" fill="none" stroke="${escapeXml(layer.colour)}" stroke-width="${layer.width ?? 1.5}" stroke-linejoin="round"${dash}/>`;
    }
    case "points": {
      const kept = thinScatter(layer.points.xs, layer.points.ys, layer.points.length, x, y, 1.5);
      const r = layer.radius ?? 1.8;
      const parts: string[] = [`<g fill="${escapeXml(layer.colour)}" fill-opacity="${layer.opacity ?? 0.6}">`];
      for (const i of kept) parts.push(`<circle cx="${r1(x(layer.points.xs[i]!))}" cy="${r1(y(layer.points.ys[i]!))}" r="${r}"/>`);
      parts.push(`</g>`);
      return parts.join("");
    }
    case "steps": {
      const dash = layer.dash ? ` stroke-dasharray="${layer.dash}"` : "";
      const d = stepPath(layer.segments, x, y);
      return `<path d="${d}" fill="none" stroke="${escapeXml(layer.colour)}" stroke-width="${layer.width ?? 1.5}"${dash}/>`;
    }
    case "cells":
      return cellRects(layer.rgba, layer.cols, layer.rows, plot);
    case "band":
      return `<path d="${bandPath(layer.xs, layer.lo, layer.hi, x, y)}" fill="${escapeXml(layer.colour)}" fill-opacity="${layer.opacity ?? 0.18}" stroke="none"/>`;
    case "marks": {
      const radius = layer.radius ?? 4;
      const marks = layer.marks.map((m) => markSvg(layer.shape ?? "dot", x(m.x), y(m.y), radius, layer.colour, m.hollow)).join("");
      return `<g class="marks ${layer.group ?? "measured"}">${marks}</g>`;
    }
    case "texts":
      return layer.items
        .map(
          (t) =>
            `<text x="${r1(x(t.x) + (t.dx ?? 0))}" y="${r1(y(t.y) + (t.dy ?? 0))}" font-size="10" text-anchor="${t.anchor ?? "start"}" fill="${escapeXml(layer.colour)}"${HALO}>${escapeXml(t.text)}</text>`,
        )
        .join("");
  }
}

/** Heatmap cells as run-length rects: one rect per run of equal colour in a row. */
export function cellRects(
  rgba: Uint8ClampedArray,
  cols: number,
  rows: number,
  plot: { left: number; top: number; width: number; height: number },
): string {
  const cw = plot.width / cols;
  const ch = plot.height / rows;
  const parts: string[] = ['<g shape-rendering="crispEdges">'];
  for (let r = 0; r < rows; r++) {
    let c = 0;
    while (c < cols) {
      const o = (r * cols + c) * 4;
      const key = rgba[o]! * 16_777_216 + rgba[o + 1]! * 65_536 + rgba[o + 2]! * 256 + rgba[o + 3]!;
      let end = c + 1;
      while (end < cols) {
        const p = (r * cols + end) * 4;
        if (rgba[p]! * 16_777_216 + rgba[p + 1]! * 65_536 + rgba[p + 2]! * 256 + rgba[p + 3]! !== key) break;
        end++;
      }
      const a = rgba[o + 3]!;
      if (a > 0) {
        const fill = `rgb(${rgba[o]},${rgba[o + 1]},${rgba[o + 2]})`;
        const op = a < 255 ? ` fill-opacity="${(a / 255).toFixed(2)}"` : "";
        parts.push(
          `<rect x="${r1(plot.left + c * cw)}" y="${r1(plot.top + r * ch)}" width="${r1((end - c) * cw + 0.2)}" height="${r1(ch + 0.2)}" fill="${fill}"${op}/>`,
        );
      }
      c = end;
    }
  }
  parts.push("</g>");
  return parts.join("");
}
