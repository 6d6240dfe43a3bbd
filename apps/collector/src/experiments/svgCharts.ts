// The trade-off charts of an experiment as standalone SVG (docs/experiments.md): convergence
// vs interval, cost vs interval, convergence vs cost with the Pareto front. Written by the
// headless CLI; log–log axes with units, a legend, and the plan in the caption.
import type { ExperimentPlan, PointResult, Recommendation } from "@driftscope/protocol";

const W = 720;
const H = 440;
const M = { left: 70, right: 170, top: 40, bottom: 84 };
const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf"];

interface Series {
  label: string;
  points: Array<[number, number]>;
  dashed?: boolean;
  markers?: boolean;
}

const esc = (s: string) => s.replace(/[<>&"]/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;" })[c]!);
const fmt = (v: number) => (v >= 1000 ? `${Number((v / 1000).toPrecision(3))}k` : `${Number(v.toPrecision(3))}`);

/** A log–log chart of `series` with labelled axes, a legend and a caption. */
function chart(title: string, xLabel: string, yLabel: string, series: Series[], caption: string, notes: Array<{ at: [number, number]; text: string }> = []): string {
  const all = series.flatMap((s) => s.points).filter(([x, y]) => x > 0 && y > 0);
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="40">${esc(title)}: no data</text></svg>`;
  const decade = (v: number, up: boolean) => 10 ** (up ? Math.ceil(Math.log10(v)) : Math.floor(Math.log10(v)));
  const [x0, x1] = [decade(Math.min(...all.map((p) => p[0])), false), decade(Math.max(...all.map((p) => p[0])), true)];
  const [y0, y1] = [decade(Math.min(...all.map((p) => p[1])), false), decade(Math.max(...all.map((p) => p[1])), true)];
  const sx = (x: number) => M.left + ((Math.log10(x) - Math.log10(x0)) / Math.max(1e-9, Math.log10(x1) - Math.log10(x0))) * (W - M.left - M.right);
  const sy = (y: number) => H - M.bottom - ((Math.log10(y) - Math.log10(y0)) / Math.max(1e-9, Math.log10(y1) - Math.log10(y0))) * (H - M.top - M.bottom);
  const out: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`, `<rect width="${W}" height="${H}" fill="white"/>`];
  out.push(`<text x="${M.left}" y="22" font-size="14" font-weight="bold">${esc(title)}</text>`);
  for (let d = x0; d <= x1 * 1.0001; d *= 10) out.push(`<line x1="${sx(d)}" x2="${sx(d)}" y1="${M.top}" y2="${H - M.bottom}" stroke="#eee"/><text x="${sx(d)}" y="${H - M.bottom + 16}" text-anchor="middle">${fmt(d)}</text>`);
  for (let d = y0; d <= y1 * 1.0001; d *= 10) out.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${sy(d)}" y2="${sy(d)}" stroke="#eee"/><text x="${M.left - 6}" y="${sy(d) + 4}" text-anchor="end">${fmt(d)}</text>`);
  out.push(`<rect x="${M.left}" y="${M.top}" width="${W - M.left - M.right}" height="${H - M.top - M.bottom}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${(M.left + W - M.right) / 2}" y="${H - M.bottom + 36}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(M.top + H - M.bottom) / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  series.forEach((s, i) => {
    const colour = COLOURS[i % COLOURS.length]!;
    const pts = s.points.filter(([x, y]) => x > 0 && y > 0).sort((a, b) => a[0] - b[0]);
    if (pts.length > 1 && s.markers !== true) out.push(`<polyline fill="none" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""} points="${pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ")}"/>`);
    if (s.markers !== false) for (const [x, y] of pts) out.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3.5" fill="${colour}"/>`);
    const ly = M.top + 14 + i * 18;
    out.push(`<line x1="${W - M.right + 12}" x2="${W - M.right + 34}" y1="${ly - 4}" y2="${ly - 4}" stroke="${colour}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/><text x="${W - M.right + 40}" y="${ly}">${esc(s.label)}</text>`);
  });
  for (const n of notes) if (n.at[0] > 0 && n.at[1] > 0) out.push(`<text x="${sx(n.at[0]) + 6}" y="${sy(n.at[1]) - 6}" font-size="10">${esc(n.text)}</text>`);
  // The caption (the plan) wraps over up to three lines under the axis label.
  const words = caption.split(" ");
  const lines: string[] = [""];
  for (const w of words) {
    if ((lines.at(-1)! + w).length > 115 && lines.length < 3) lines.push("");
    lines[lines.length - 1] += `${lines.at(-1) === "" ? "" : " "}${w}`;
  }
  lines.forEach((l, i) => out.push(`<text x="12" y="${H - 34 + i * 13}" font-size="10" fill="#555">${esc(l)}</text>`));
  out.push("</svg>");
  return out.join("\n");
}

const byRate = (points: readonly PointResult[]) => {
  const groups = new Map<number, PointResult[]>();
  for (const p of points) groups.set(p.config.updatesPerSecPerReplica, [...(groups.get(p.config.updatesPerSecPerReplica) ?? []), p]);
  return [...groups.entries()].sort((a, b) => a[0] - b[0]);
};

/** Which swept settings a plan varies, and its cluster, in a line. */
export function planCaption(plan: ExperimentPlan): string {
  const swept = Object.entries(plan.sweep).map(([k, v]) => `${k} ${Array.isArray(v) ? v.join("/") : `${v.from}…${v.to} (${v.points})`}`);
  const cluster = plan.cluster ? `${plan.cluster.replicas} × ${plan.cluster.crdtType}` : "live cluster";
  const fixed = Object.entries(plan.fixed).map(([k, v]) => `${k} ${String(v)}`);
  return `${plan.name} — ${plan.engine}, ${cluster}; swept ${swept.join(", ")}; fixed ${fixed.join(", ") || "none"}; warm-up ${plan.warmupMs} ms`;
}

export function convergenceVsInterval(plan: ExperimentPlan, points: readonly PointResult[]): string {
  const series: Series[] = [];
  for (const [rate, ps] of byRate(points)) {
    series.push({ label: `p50, ${rate} upd/s`, points: ps.map((p) => [p.config.intervalMs, p.convergence.p50Ms ?? 0]) });
    series.push({ label: `p95, ${rate} upd/s`, points: ps.map((p) => [p.config.intervalMs, p.convergence.p95Ms ?? 0]), dashed: true });
    series.push({ label: `update period, ${rate}/s`, points: ps.map((p) => [p.config.intervalMs, 1000 / rate]), dashed: true, markers: false });
  }
  series.push({ label: "expected (async model)", points: points.map((p) => [p.config.intervalMs, p.theory.asyncExpectedMs ?? 0]), markers: false });
  series.push({ label: "E·T (sync. rounds)", points: points.map((p) => [p.config.intervalMs, p.theory.syncExpectedMs ?? 0]), dashed: true, markers: false });
  return chart("Convergence vs sync interval", "sync interval (ms, log)", "convergence time (ms, log)", series, planCaption(plan));
}

export function costVsInterval(plan: ExperimentPlan, points: readonly PointResult[]): string {
  return chart(
    "Sync cost vs interval",
    "sync interval (ms, log)",
    "per replica (log)",
    [
      { label: "bytes/s per replica", points: points.map((p) => [p.config.intervalMs, p.bytesPerSecPerReplica]) },
      { label: "messages/s per replica", points: points.map((p) => [p.config.intervalMs, p.messagesPerSecPerReplica]) },
    ],
    planCaption(plan),
  );
}

/** Points no other point beats on both cost and p50 (the Pareto front), cheapest first. */
export function paretoFront(points: readonly PointResult[]): PointResult[] {
  const ok = points.filter((p) => p.convergence.p50Ms !== null).sort((a, b) => a.bytesPerSecPerReplica - b.bytesPerSecPerReplica);
  const front: PointResult[] = [];
  let best = Infinity;
  for (const p of ok) {
    if (p.convergence.p50Ms! >= best) continue;
    best = p.convergence.p50Ms!;
    front.push(p);
  }
  return front;
}

export function convergenceVsCost(plan: ExperimentPlan, points: readonly PointResult[], recommendation?: Recommendation): string {
  const xy = (p: PointResult): [number, number] => [p.bytesPerSecPerReplica, p.convergence.p50Ms ?? 0];
  const series: Series[] = [
    { label: "points (p50)", points: points.map(xy), markers: true },
    { label: "Pareto front", points: paretoFront(points).map(xy), dashed: true, markers: false },
  ];
  if (recommendation?.met) series.push({ label: "recommended", points: [xy(recommendation.point)], markers: true });
  const notes = points.map((p) => ({ at: xy(p), text: `${p.config.intervalMs} ms·f${p.config.fanout}` }));
  return chart("Convergence vs cost", "bytes/s per replica (log)", "p50 convergence (ms, log)", series, planCaption(plan), notes);
}
