import { forceCollide, forceManyBody, forceSimulation, forceX, forceY, type Simulation, type SimulationNodeDatum } from "d3";
import { useEffect, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { configCaption } from "../charts/common.js";
import { exportCsv } from "../charts/exports.js";
import { downloadBlob, downloadFile, svgToPng } from "../export/download.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useView } from "../hooks/useView.js";
import type { ClusterModel } from "../store/clusterModel.js";
import { useDashboard } from "../store/store.js";
import { exportFileName } from "../viz/fileName.js";
import { exchangeAlpha, groupCentres, nodeColour, nodeRadius, partitionGroups, topologySvg, type TopologyPicture } from "../viz/topology.js";
import { ChartCard } from "./ChartCard.js";
import { TopologyTip } from "./TopologyTip.js";
import type { ExportFormat } from "./ExportButtons.js";

export interface TopologyViewProps {
  className?: string;
}

interface SimNode extends SimulationNodeDatum {
  id: string;
  /** Position in the frame order (d3 keeps its own `index`). */
  k: number;
}

const HEIGHT = 340;
const LEGEND = [
  { label: "caught up", fill: "#3b82f6" },
  { label: "behind (darker: more missing)", fill: "rgb(232,98,25)" },
  { label: "crashed", fill: "#9ca3af" },
  { label: "unreachable", fill: "#d1d5db" },
];

/** Everything drawn, from the current simulation positions (also what the SVG export shows). */
function picture(model: ClusterModel, nodes: SimNode[], width: number, selected: readonly string[]): TopologyPicture {
  const f = model.latest;
  const cols = f?.columns;
  const maxMissing = cols ? Math.max(1, ...cols.missingUpdates) : 1;
  const r = nodeRadius(nodes.length, width, HEIGHT);
  const byRow = new Map(model.order.map((id, i) => [model.orderRows[i]!, nodes[i]]));
  const partitions = model.config?.network.partitions ?? [];
  const { group, count } = partitionGroups(model.order, partitions);
  const centres = groupCentres(count, width, HEIGHT);
  const groups =
    count > 1
      ? centres.map((c, k) => {
          const members = nodes.filter((_, i) => group[i] === k);
          const rad = Math.max(30, ...members.map((m) => Math.hypot((m.x ?? c.x) - c.x, (m.y ?? c.y) - c.y) + r + 6));
          return { x: c.x, y: c.y, r: rad, label: `group ${k + 1} (${members.length})` };
        })
      : [];
  const now = model.nowMs;
  const edges = model.exchanges
    .filter((e) => now - e.timeMs < 700)
    .map((e) => ({ a: byRow.get(e.from), b: byRow.get(e.to), alpha: exchangeAlpha(now - e.timeMs) }))
    .filter((e) => e.a && e.b)
    .map((e) => ({ x1: e.a!.x ?? 0, y1: e.a!.y ?? 0, x2: e.b!.x ?? 0, y2: e.b!.y ?? 0, alpha: e.alpha }));
  return {
    title: "Topology",
    caption: [],
    width,
    height: HEIGHT,
    groups,
    edges,
    legend: LEGEND,
    nodes: nodes.map((n, i) => ({
      id: n.id,
      x: n.x ?? 0,
      y: n.y ?? 0,
      r,
      fill: nodeColour(cols?.status[i] ?? 0, cols?.missingUpdates[i] ?? 0, maxMissing),
      selected: selected.includes(n.id),
    })),
  };
}

function paint(canvas: HTMLCanvasElement, p: TopologyPicture, hovered: string | null) {
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

/** Replicas as nodes (d3-force), exchanges lit as they happen, partitions as groups. */
export function TopologyView({ className }: TopologyViewProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const { ref, width } = useElementSize();
  const { model, version } = useView(150);
  const { selected, hovered, selectReplica, setHovered } = useDashboard(
    useShallow((s) => ({ selected: s.selected, hovered: s.hovered, selectReplica: s.selectReplica, setHovered: s.setHovered })),
  );
  const nodesRef = useRef<SimNode[]>([]);
  const simRef = useRef<Simulation<SimNode, undefined> | null>(null);
  const redraw = useRef<() => void>(() => {});
  const [tip, setTip] = useState<{ id: string; x: number; y: number } | null>(null);
  const partitions = model.config?.network.partitions ?? [];
  const layoutKey = `${model.membershipVersion}:${model.order.length}|${JSON.stringify(partitions)}|${Math.round(width)}`;

  useEffect(() => {
    redraw.current = () => {
      if (canvasRef.current && width > 0) paint(canvasRef.current, picture(model, nodesRef.current, width, selected), hovered);
    };
    redraw.current();
  }, [model, version, width, selected, hovered]);

  useEffect(() => {
    if (width <= 0) return;
    const old = new Map(nodesRef.current.map((n) => [n.id, n]));
    const { group, count } = partitionGroups(model.order, partitions);
    const centres = groupCentres(count, width, HEIGHT);
    const nodes: SimNode[] = model.order.map((id, k) => {
      const c = centres[group[k]!]!;
      const prev = old.get(id);
      return { id, k, x: prev?.x ?? c.x + (Math.random() - 0.5) * 40, y: prev?.y ?? c.y + (Math.random() - 0.5) * 40 };
    });
    nodesRef.current = nodes;
    const r = nodeRadius(nodes.length, width, HEIGHT);
    simRef.current?.stop();
    const sim = forceSimulation(nodes)
      .force("x", forceX<SimNode>((d) => centres[group[d.k]!]!.x).strength(0.12))
      .force("y", forceY<SimNode>((d) => centres[group[d.k]!]!.y).strength(0.12))
      .force("charge", forceManyBody<SimNode>().strength(-Math.max(4, r * r * 0.9)).distanceMax(160))
      .force("collide", forceCollide<SimNode>(r + 1.5))
      .alphaDecay(0.05)
      .on("tick", () => redraw.current());
    simRef.current = sim;
    return () => {
      sim.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- layoutKey captures membership, partitions and width
  }, [layoutKey]);

  const nodeAt = (x: number, y: number) => {
    const r = nodeRadius(nodesRef.current.length, width, HEIGHT) + 3;
    let best: SimNode | null = null;
    let bestD = r * r;
    for (const n of nodesRef.current) {
      const d = ((n.x ?? 0) - x) ** 2 + ((n.y ?? 0) - y) ** 2;
      if (d <= bestD) {
        bestD = d;
        best = n;
      }
    }
    return best;
  };

  const onExport = (format: ExportFormat) => {
    const at = new Date();
    const domain: [number, number] = [model.startMs, model.nowMs];
    if (format === "csv") return downloadFile(exportCsv("topology", model, { domain, selected, at }));
    // Centre the on-screen layout in a page-wide figure so the caption fits.
    const base = picture(model, nodesRef.current, width, selected);
    const W = Math.max(900, width);
    const dx = (W - width) / 2;
    const pic: TopologyPicture = {
      ...base,
      width: W,
      caption: configCaption(model, domain, at),
      nodes: base.nodes.map((n) => ({ ...n, x: n.x + dx })),
      edges: base.edges.map((e) => ({ ...e, x1: e.x1 + dx, x2: e.x2 + dx })),
      groups: base.groups.map((g) => ({ ...g, x: g.x + dx })),
    };
    const svg = topologySvg(pic);
    const name = exportFileName({ chart: "topology", runId: model.run?.id, intervalMs: model.config?.gossip.intervalMs, fanout: model.config?.gossip.fanout, at, ext: format });
    if (format === "svg") downloadFile({ name, mime: "image/svg+xml", text: svg });
    else void svgToPng(svg).then((b) => downloadBlob(name, b));
  };

  const groups = partitions.length;
  return (
    <ChartCard
      id="topology"
      title="Topology"
      subtitle={`${model.order.length} replicas${groups ? ` in ${groups + (model.order.length > partitions.flat().length ? 1 : 0)} partition groups` : ""} · lines: gossip exchanges of the last 0.7 s`}
      legend={LEGEND.map((l) => ({ label: l.label, colour: l.fill, shape: "dot" as const }))}
      className={className}
      onExport={onExport}
    >
      <div ref={ref} className="plot" style={{ height: HEIGHT }}>
        <canvas
          ref={canvasRef}
          style={{ width, height: HEIGHT, cursor: tip ? "pointer" : "default" }}
          data-testid="topology-canvas"
          role="img"
          aria-label="Replica topology: nodes are replicas, lines are recent gossip exchanges, dashed circles are partition groups"
          onPointerMove={(e) => {
            const b = e.currentTarget.getBoundingClientRect();
            const n = nodeAt(e.clientX - b.left, e.clientY - b.top);
            setHovered(n?.id ?? null);
            setTip(n ? { id: n.id, x: e.clientX - b.left, y: e.clientY - b.top } : null);
          }}
          onPointerLeave={() => {
            setHovered(null);
            setTip(null);
          }}
          onClick={(e) => {
            const b = e.currentTarget.getBoundingClientRect();
            const n = nodeAt(e.clientX - b.left, e.clientY - b.top);
            if (n) selectReplica(n.id, e.shiftKey || e.metaKey || e.ctrlKey);
          }}
        />
        {tip && <TopologyTip model={model} id={tip.id} x={tip.x} y={tip.y} width={width} />}
      </div>
    </ChartCard>
  );
}
