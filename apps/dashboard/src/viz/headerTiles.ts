// What the header shows, as data: one entry per tile, each with the figures it holds and
// their test ids. Pure, so the wording and the "≥" rule are tested without a browser.

import type { Kpis } from "@driftscope/protocol";
import { formatBytes, formatCount, formatDurationMs, formatShare } from "./format.js";
import { AT_LEAST, formatPercentileMs, lowerBoundNote, percentileTitle, type PercentileKey } from "./lowerBound.js";

/** One figure of a tile. */
export interface TileFigure {
  testId: string;
  text: string;
  /** Shown after the figure, in small type (part of its text). */
  unit?: string;
  /** A lower bound: `text` starts with "≥". */
  atLeast?: boolean;
  title?: string;
}

/** One header tile. */
export interface TileSpec {
  key: string;
  label: string;
  title: string;
  tone?: "good" | "warn";
  figures: TileFigure[];
  /** Between figures ("" when there is one). */
  separator?: string;
}

/** What else the header needs besides the KPIs. */
export interface HeaderContext {
  windowMs: number;
  /** Config version known locally, shown until a frame says which one is in force. */
  configVersion: number | undefined;
}

const PERCENTILES: { key: Exclude<PercentileKey, "max">; field: "convergenceP50Ms" | "convergenceP95Ms" | "convergenceP99Ms"; name: string }[] = [
  { key: "p50", field: "convergenceP50Ms", name: "median" },
  { key: "p95", field: "convergenceP95Ms", name: "95th percentile" },
  { key: "p99", field: "convergenceP99Ms", name: "99th percentile" },
];

function convergenceTile(k: Kpis | null, windowMs: number): TileSpec {
  const window = formatDurationMs(windowMs || 30_000);
  const figures = PERCENTILES.map(({ key, field, name }): TileFigure => {
    const atLeast = k !== null && k[field] !== null && k.convergenceAtLeast[key];
    return {
      testId: `kpi-convergence-${key}`,
      text: formatPercentileMs(k?.[field], atLeast),
      atLeast,
      title: percentileTitle(`Convergence time, ${name} over the last ${window}`, atLeast, k?.inFlight ?? 0),
    };
  });
  const censored = figures.some((f) => f.atLeast);
  const max = k ? ` Max ${formatPercentileMs(k.convergenceMaxMs, k.convergenceAtLeast.max)}.` : "";
  return {
    key: "convergence",
    label: "Convergence p50 / p95 / p99",
    title:
      `Time until every live replica had an update, over the last ${window}; updates still in flight count as at least their age (censored), so a partition shows at once.${max}` +
      (censored && k ? ` ${AT_LEAST}: ${lowerBoundNote(k.inFlight)}.` : ""),
    figures,
    separator: " / ",
  };
}

/** The header's tiles for the latest KPIs (`null` before the first frame: dashes). */
export function headerTiles(k: Kpis | null, ctx: HeaderContext): TileSpec[] {
  const dash = "–";
  const tiles: TileSpec[] = [
    {
      key: "replicas",
      label: "Replicas live",
      title: "Live replicas / all known (unreachable and crashed excluded from live)",
      tone: k && k.live < k.total ? "warn" : undefined,
      figures: [{ testId: "kpi-replicas", text: k ? `${k.live}/${k.total}` : dash }],
    },
    {
      key: "mean-missing",
      label: "Missing / replica",
      title: "Mean missing updates per live replica: updates issued somewhere and not yet visible there. Under continuous load it stays above 0; it says how far apart the replicas are.",
      tone: k?.meanMissingUpdates === 0 ? "good" : undefined,
      figures: [{ testId: "kpi-mean-missing", text: k ? formatCount(k.meanMissingUpdates) : dash }],
    },
    {
      key: "in-flight",
      label: "In flight · oldest",
      title: "Updates issued and not yet at every live replica, and the age of the oldest of them",
      tone: k?.inFlight === 0 ? "good" : undefined,
      figures: [
        { testId: "kpi-in-flight", text: k ? formatCount(k.inFlight) : dash, title: "Updates issued and not yet at every live replica" },
        { testId: "kpi-oldest-in-flight", text: k ? (k.inFlight > 0 ? formatDurationMs(k.oldestInFlightMs) : "none") : dash, title: "Age of the oldest update in flight" },
      ],
      separator: " · ",
    },
    {
      key: "converged",
      label: "Converged · states",
      title: "Share of live replicas that have seen every issued update (under continuous load rarely 100 %: see missing per replica) · distinct (version vector, state hash) among live replicas, 1 = converged",
      tone: k?.convergedShare === 1 && k.distinctStates === 1 ? "good" : undefined,
      figures: [
        { testId: "kpi-converged-share", text: k ? formatShare(k.convergedShare) : dash, title: "Share of live replicas that have seen every issued update" },
        { testId: "kpi-distinct-states", text: k ? String(k.distinctStates) : dash, title: "Distinct (version vector, state hash) among live replicas; 1 = converged" },
      ],
      separator: " · ",
    },
    convergenceTile(k, ctx.windowMs),
  ];
  if (k && k.lostUpdates > 0) {
    tiles.push({
      key: "lost",
      label: "Lost updates",
      title: "Updates lost since the run started: every replica that held them left or restarted empty. They no longer count as missing; the timeline says when and why.",
      tone: "warn",
      figures: [{ testId: "kpi-lost-updates", text: formatCount(k.lostUpdates) }],
    });
  }
  tiles.push(
    {
      key: "rates",
      label: "Updates · msgs · bytes /s",
      title: "Cluster-wide, per second: updates issued · gossip messages · gossip bytes",
      figures: [
        { testId: "kpi-updates-rate", text: k ? formatCount(k.updatesPerSec) : dash, title: "Updates issued per second, cluster-wide" },
        { testId: "kpi-messages-rate", text: k ? formatCount(k.messagesPerSec) : dash, title: "Gossip messages per second, cluster-wide" },
        { testId: "kpi-bytes-rate", text: k ? formatBytes(k.bytesPerSec) : dash, title: "Gossip bytes per second, cluster-wide" },
      ],
      separator: " · ",
    },
    {
      key: "config",
      label: `Config v${k?.configVersion ?? ctx.configVersion ?? dash}`,
      title: "Live replicas that acknowledged the current config version",
      tone: k && k.ackedReplicas >= k.live ? "good" : "warn",
      figures: [{ testId: "kpi-config", text: k ? `${k.ackedReplicas}/${k.live}` : dash, unit: " acked" }],
    },
  );
  return tiles;
}
