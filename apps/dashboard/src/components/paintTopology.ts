// Canvas drawing of the topology picture (batched: a few draw calls however many replicas).

import type { TopologyPicture } from "../viz/topology.js";

/** Draws `p` on `canvas` at the device pixel ratio; `hovered` gets an outline. */
export function paintTopology(canvas: HTMLCanvasElement, p: TopologyPicture, hovered: string | null) {
  const dpr = Math.min(2, globalThis.devicePixelRatio || 1);
  if (canvas.width !== Math.round(p.width * dpr)) canvas.width = Math.round(p.width * dpr);
  if (canvas.height !== Math.round(p.height * dpr)) canvas.height = Math.round(p.height * dpr);
  const ctx = canvas.getContext("2d");
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, p.width, p.height);
  ctx.font = "12px sans-serif";
  ctx.textAlign = "center";
  for (const g of p.groups) {
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = "#cbd5e1";
    ctx.fillStyle = "#f8fafc";
    ctx.beginPath();
    ctx.arc(g.x, g.y, g.r, 0, Math.PI * 2);
    ctx.fill();
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.fillStyle = "#475569";
    ctx.fillText(g.label, g.x, Math.max(12, g.y - g.r - 6));
  }
  // Batched: one path per fade step for edges and one per fill colour for nodes, so 1,024
  // replicas and 2,000 exchanges cost a handful of draw calls.
  ctx.strokeStyle = "#2563eb";
  ctx.lineWidth = 1;
  const FADE_STEPS = 4;
  for (let step = 1; step <= FADE_STEPS; step++) {
    ctx.globalAlpha = (step / FADE_STEPS) * 0.6;
    ctx.beginPath();
    for (const e of p.edges) {
      if (Math.ceil(e.alpha * FADE_STEPS) !== step) continue;
      ctx.moveTo(e.x1, e.y1);
      ctx.lineTo(e.x2, e.y2);
    }
    ctx.stroke();
  }
  ctx.globalAlpha = 1;
  const byFill = new Map<string, TopologyPicture["nodes"][number][]>();
  for (const n of p.nodes) {
    const list = byFill.get(n.fill);
    if (list) list.push(n);
    else byFill.set(n.fill, [n]);
  }
  ctx.strokeStyle = "#ffffff";
  ctx.lineWidth = p.nodes.length > 256 ? 0.5 : 0.8;
  for (const [fill, nodes] of byFill) {
    ctx.beginPath();
    for (const n of nodes) {
      ctx.moveTo(n.x + n.r, n.y);
      ctx.arc(n.x, n.y, n.r, 0, Math.PI * 2);
    }
    ctx.fillStyle = fill;
    ctx.fill();
    ctx.stroke();
  }
  for (const n of p.nodes) {
    if (!n.selected && n.id !== hovered) continue;
    ctx.beginPath();
    ctx.arc(n.x, n.y, n.r + 1, 0, Math.PI * 2);
    ctx.lineWidth = 2.5;
    ctx.strokeStyle = n.selected ? "#9333ea" : "#111827";
    ctx.stroke();
  }
}
