// The topology as a picture: node positions (from the force layout), colours, recent
// exchanges and partition groups — what the canvas draws and the SVG export writes.

import type { SimulationNodeDatum } from "d3";
import type { ClusterModel } from "../store/clusterModel.js";
import { columnsAt, configAt } from "../store/replayView.js";
import { partitionsInForce } from "./common.js";
import { exchangeAlpha, groupCentres, nodeColour, nodeRadius, partitionGroups, type TopologyPicture } from "../viz/topology.js";

/** A node of the force layout. */
export interface SimNode extends SimulationNodeDatum {
  id: string;
  /** Position in the frame order (d3 keeps its own `index`). */
  k: number;
}

/** Height of the topology view in px. */
export const TOPOLOGY_HEIGHT = 340;
const STATUS_DOCS = "docs/metrics.md#per-replica-figures-frame-columns-snapshot-apiv1cluster";

/** Legend of node colours, each with what it means (the on-screen legend's tooltips). */
export const TOPOLOGY_LEGEND = [
  { label: "caught up", fill: "#3b82f6", title: `A live replica missing no update issued anywhere.\nWindow: the latest frame (a replay: the recorded frame at the scrubber's time)\nUnit: replica\nMore: ${STATUS_DOCS}` },
  {
    label: "behind (darker: more missing)",
    fill: "rgb(232,98,25)",
    title: `A live replica missing updates issued elsewhere; the darker, the more it misses (relative to the most behind now).\nWindow: the latest frame (a replay: the recorded frame at the scrubber's time)\nUnit: missing updates\nMore: ${STATUS_DOCS}`,
  },
  { label: "crashed", fill: "#9ca3af", title: `Simulated down (crashed by the config or its node): it neither gossips nor counts as live.\nWindow: the latest frame (a replay: the recorded frame at the scrubber's time)\nUnit: replica\nMore: ${STATUS_DOCS}` },
  { label: "unreachable", fill: "#d1d5db", title: `Its agent sent nothing for 3 report intervals and at least 2 s; not counted as live until it reports again.\nWindow: the latest frame (a replay: the recorded frame at the scrubber's time)\nUnit: replica\nMore: ${STATUS_DOCS}` },
];

/** The partitions drawn: those in force now, or in a replay those of the recorded config at `at`. */
export function partitionsShown(model: ClusterModel, at: number | null): string[][] {
  return at === null ? partitionsInForce(model) : (configAt(model, at).config?.network.partitions ?? []);
}

/** Everything drawn, from the current simulation positions (also what the SVG export shows); `at`: a replay's scrubber time. */
export function picture(model: ClusterModel, nodes: SimNode[], width: number, selected: readonly string[], at: number | null = null): TopologyPicture {
  const cols = columnsAt(model, at)?.columns;
  const maxMissing = cols ? Math.max(1, ...cols.missingUpdates) : 1;
  const r = nodeRadius(nodes.length, width, TOPOLOGY_HEIGHT);
  const byRow = new Map(model.order.map((id, i) => [model.orderRows[i]!, nodes[i]]));
  const partitions = partitionsShown(model, at);
  const { group, count } = partitionGroups(model.order, partitions);
  const centres = groupCentres(count, width, TOPOLOGY_HEIGHT);
  const groups =
    count > 1
      ? centres.map((c, k) => {
          const members = nodes.filter((_, i) => group[i] === k);
          const rad = Math.max(30, ...members.map((m) => Math.hypot((m.x ?? c.x) - c.x, (m.y ?? c.y) - c.y) + r + 6));
          return { x: c.x, y: c.y, r: rad, label: `group ${k + 1} (${members.length})` };
        })
      : [];
  const now = at ?? model.nowMs;
  const edges = model.exchanges
    .filter((e) => now - e.timeMs < 700 && e.timeMs <= now)
    .map((e) => ({ a: byRow.get(e.from), b: byRow.get(e.to), alpha: exchangeAlpha(now - e.timeMs) }))
    .filter((e) => e.a && e.b)
    .map((e) => ({ x1: e.a!.x ?? 0, y1: e.a!.y ?? 0, x2: e.b!.x ?? 0, y2: e.b!.y ?? 0, alpha: e.alpha }));
  return {
    title: "Topology",
    caption: [],
    width,
    height: TOPOLOGY_HEIGHT,
    groups,
    edges,
    legend: TOPOLOGY_LEGEND,
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

