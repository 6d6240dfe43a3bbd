import { forceCollide, forceManyBody, forceSimulation, forceX, forceY, type Simulation } from "d3";
import { useEffect, useRef, useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { configCaption } from "../charts/common.js";
import { partitionsShown, picture, TOPOLOGY_HEIGHT, TOPOLOGY_LEGEND, type SimNode } from "../charts/topologyPicture.js";
import { exportCsv } from "../charts/exports.js";
import { downloadBlob, downloadFile, svgToPng } from "../export/download.js";
import { useElementSize } from "../hooks/useElementSize.js";
import { useReplicaCursor } from "../hooks/useReplicaCursor.js";
import { useView } from "../hooks/useView.js";
import { replayAtMs, shownTimeLabel } from "../store/replayView.js";
import { useDashboard } from "../store/store.js";
import { exportFileName } from "../viz/fileName.js";
import { groupCells, groupCentres, nodeRadius, partitionGroups, topologySvg, type TopologyPicture } from "../viz/topology.js";
import { ChartCard } from "./ChartCard.js";
import { paintTopology } from "./paintTopology.js";
import { TopologyTip } from "./TopologyTip.js";
import type { ExportFormat } from "./ExportButtons.js";

export interface TopologyViewProps {
  className?: string;
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
  // A replay draws the recorded frame and partitions at the scrubber's time.
  const shownAt = useDashboard(replayAtMs);
  const partitions = partitionsShown(model, shownAt);
  const configured = model.config?.network.partitions.length ?? 0;
  const layoutKey = `${model.membershipVersion}:${model.order.length}|${JSON.stringify(partitions)}|${Math.round(width)}`;
  const [keyTip, setKeyTip] = useState<{ id: string; x: number; y: number } | null>(null);
  const cursor = useReplicaCursor(sortedIds(model.order), selectReplica, (id) => {
    const n = id === null ? undefined : nodesRef.current.find((node) => node.id === id);
    setKeyTip(n ? { id: n.id, x: n.x ?? 0, y: n.y ?? 0 } : null);
  });
  const ringed = hovered ?? cursor.cursorId;

  useEffect(() => {
    redraw.current = () => {
      if (canvasRef.current && width > 0) paintTopology(canvasRef.current, picture(model, nodesRef.current, width, selected, shownAt), ringed);
    };
    redraw.current();
  }, [model, version, width, selected, ringed, shownAt]);

  useEffect(() => {
    if (width <= 0) return;
    const old = new Map(nodesRef.current.map((n) => [n.id, n]));
    const { group, count } = partitionGroups(model.order, partitions);
    const centres = groupCentres(count, width, TOPOLOGY_HEIGHT);
    const nodes: SimNode[] = model.order.map((id, k) => {
      const c = centres[group[k]!]!;
      const prev = old.get(id);
      return { id, k, x: prev?.x ?? c.x + (Math.random() - 0.5) * 40, y: prev?.y ?? c.y + (Math.random() - 0.5) * 40 };
    });
    nodesRef.current = nodes;
    const r = nodeRadius(nodes.length, width, TOPOLOGY_HEIGHT);
    simRef.current?.stop();
    const sim = forceSimulation(nodes)
      .force("x", forceX<SimNode>((d) => centres[group[d.k]!]!.x).strength(0.12))
      .force("y", forceY<SimNode>((d) => centres[group[d.k]!]!.y).strength(0.12))
      .force("charge", forceManyBody<SimNode>().strength(-Math.max(4, r * r * 0.9)).distanceMax(160))
      .force("collide", forceCollide<SimNode>(r + 1.5))
      .alphaDecay(0.05)
      .on("tick", () => {
        // Every replica stays inside its group's cell, so no group is cut off by the card.
        const cells = groupCells(count, width, TOPOLOGY_HEIGHT);
        const pad = (count > 1 ? 8 : 2) + r;
        for (const n of nodes) {
          const c = cells[group[n.k]!]!;
          n.x = Math.min(c.x1 - pad, Math.max(c.x0 + pad, n.x ?? 0));
          n.y = Math.min(c.y1 - pad, Math.max(c.y0 + pad, n.y ?? 0));
        }
        redraw.current();
      });
    simRef.current = sim;
    return () => {
      sim.stop();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- layoutKey captures membership, partitions and width
  }, [layoutKey]);

  const nodeAt = (x: number, y: number) => {
    const r = nodeRadius(nodesRef.current.length, width, TOPOLOGY_HEIGHT) + 3;
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
    const base = picture(model, nodesRef.current, width, selected, shownAt);
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
      subtitle={`${shownAt === null ? "" : `${shownTimeLabel(model, shownAt)} of the recording · `}${model.order.length} replicas${groups ? ` in ${groups + (model.order.length > partitions.flat().length ? 1 : 0)} partition groups` : configured ? " · a partition is configured but in force nowhere (no live replica applies the network section)" : ""} · lines: gossip exchanges of the last 0.7 s`}
      legend={TOPOLOGY_LEGEND.map((l) => ({ label: l.label, colour: l.fill, shape: "dot" as const, title: l.title }))}
      className={className}
      onExport={onExport}
    >
      <div
        ref={ref}
        className="plot"
        style={{ height: TOPOLOGY_HEIGHT }}
        role="application"
        tabIndex={0}
        data-testid="topology-plot"
        aria-label="Topology. Arrow keys move between replicas, Enter selects, Shift+Enter adds to the selection."
        onKeyDown={cursor.onKeyDown}
        onBlur={cursor.onBlur}
      >
        <canvas
          ref={canvasRef}
          style={{ width, height: TOPOLOGY_HEIGHT, cursor: tip ? "pointer" : "default" }}
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
        {!tip && keyTip && keyTip.id === cursor.cursorId && <TopologyTip model={model} id={keyTip.id} x={keyTip.x} y={keyTip.y} width={width} />}
        <span className="sr-only" aria-live="polite" data-testid="topology-cursor">
          {cursor.cursorId !== null ? `${cursor.cursorId}${selected.includes(cursor.cursorId) ? ", selected" : ""}` : ""}
        </span>
      </div>
    </ChartCard>
  );
}

const collator = new Intl.Collator(undefined, { numeric: true });
const sortedCache = new WeakMap<readonly string[], string[]>();
/** Replica ids in natural order (r2 before r10), the order the arrow keys walk; cached per membership. */
function sortedIds(ids: readonly string[]): string[] {
  let sorted = sortedCache.get(ids);
  if (!sorted) sortedCache.set(ids, (sorted = [...ids].sort(collator.compare)));
  return sorted;
}
