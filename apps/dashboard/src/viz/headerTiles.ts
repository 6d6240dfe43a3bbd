// What the header shows, as data: one entry per tile, each with the figures it holds and
// their test ids. Pure, so the wording and the "≥" rule are tested without a browser.

import type { Kpis, Sampling } from "@driftscope/protocol";
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

/** What a tile's tooltip explains: the figure's definition, the time it covers, its unit, and where the docs say more. */
export interface TileHelp {
  definition: string;
  window: string;
  unit: string;
  /** A section of the docs, as `docs/<file>.md#<anchor>`. */
  docs: string;
}

/** One header tile. */
export interface TileSpec {
  key: string;
  label: string;
  /** The tooltip: `help` in words, plus what the current figures need said (a lower bound). */
  title: string;
  help: TileHelp;
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
  /** A recording is shown: the figures are the recorded frame at the scrubber's time. */
  replay?: boolean;
  /** What an overloaded collector shed (the frame's `sampling.ingest`). */
  ingest?: Sampling["ingest"];
}

/** Sections of docs/metrics.md the tooltips point to (tooltipDocs.test.ts checks they exist). */
export const DOCS = {
  cluster: "docs/metrics.md#cluster-figures-frame-kpis",
  convergence: "docs/metrics.md#convergence-time-of-an-update",
  theory: "docs/gossip.md#the-reference-line-and-how-to-read-it",
  theoryFigures: "docs/metrics.md#theoretical-reference-frame-theory",
  overload: "docs/metrics.md#under-overload",
} as const;

/** The tooltip text of a tile: definition, then window, unit and docs on their own lines. */
export function helpText(h: TileHelp, extra = ""): string {
  return `${h.definition}${extra ? ` ${extra}` : ""}\nWindow: ${h.window}\nUnit: ${h.unit}\nMore: ${h.docs}`;
}

function frameWindow(ctx: HeaderContext): string {
  return ctx.replay ? "the recorded frame at the scrubber's time (recordings keep one frame a second)" : "the latest frame (10 a second)";
}

const PERCENTILES: { key: Exclude<PercentileKey, "max">; field: "convergenceP50Ms" | "convergenceP95Ms" | "convergenceP99Ms"; name: string }[] = [
  { key: "p50", field: "convergenceP50Ms", name: "median" },
  { key: "p95", field: "convergenceP95Ms", name: "95th percentile" },
  { key: "p99", field: "convergenceP99Ms", name: "99th percentile" },
];

function convergenceTile(k: Kpis | null, ctx: HeaderContext): TileSpec {
  const window = formatDurationMs(ctx.windowMs || 30_000);
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
  const help: TileHelp = {
    definition:
      "Convergence time of an update: from its issue until the last live replica included it. Median, 95th and 99th percentile; updates still in flight count as at least their age (censored), so a partition shows at once.",
    window: `the updates issued in the last ${window}${ctx.replay ? " before the scrubber's time" : ""} (after a gossip or workload change, only those issued since it)`,
    unit: "ms or s",
    docs: DOCS.convergence,
  };
  return {
    key: "convergence",
    label: "Convergence p50 / p95 / p99",
    help,
    title: helpText(help, `${max.trim()}${censored && k ? ` ${AT_LEAST}: ${lowerBoundNote(k.inFlight)}.` : ""}`),
    figures,
    separator: " / ",
  };
}

/** A tile whose title is its help. */
function tile(spec: Omit<TileSpec, "title">): TileSpec {
  return { ...spec, title: helpText(spec.help) };
}

/** The header's tiles for the latest KPIs (`null` before the first frame: dashes). */
export function headerTiles(k: Kpis | null, ctx: HeaderContext): TileSpec[] {
  const dash = "–";
  const now = frameWindow(ctx);
  const tiles: TileSpec[] = [
    tile({
      key: "replicas",
      label: "Replicas live",
      help: { definition: "Live replicas / all known replicas; unreachable (silent for 3 report intervals and 2 s) and crashed ones are not live.", window: now, unit: "replicas", docs: DOCS.cluster },
      tone: k && k.live < k.total ? "warn" : undefined,
      figures: [{ testId: "kpi-replicas", text: k ? `${k.live}/${k.total}` : dash }],
    }),
    tile({
      key: "mean-missing",
      label: "Missing / replica",
      help: {
        definition: "Mean missing updates per live replica: updates issued somewhere and not yet visible there. Under continuous load it stays above 0; it says how far apart the replicas are.",
        window: now,
        unit: "updates",
        docs: DOCS.cluster,
      },
      tone: k?.meanMissingUpdates === 0 ? "good" : undefined,
      figures: [{ testId: "kpi-mean-missing", text: k ? formatCount(k.meanMissingUpdates) : dash }],
    }),
    tile({
      key: "in-flight",
      label: "In flight · oldest",
      help: { definition: "Updates issued and not yet at every live replica, and the age of the oldest of them.", window: now, unit: "updates · ms or s", docs: DOCS.cluster },
      tone: k?.inFlight === 0 ? "good" : undefined,
      figures: [
        { testId: "kpi-in-flight", text: k ? formatCount(k.inFlight) : dash, title: "Updates issued and not yet at every live replica" },
        { testId: "kpi-oldest-in-flight", text: k ? (k.inFlight > 0 ? formatDurationMs(k.oldestInFlightMs) : "none") : dash, title: "Age of the oldest update in flight" },
      ],
      separator: " · ",
    }),
    tile({
      key: "converged",
      label: "Converged · states",
      help: {
        definition:
          "Share of live replicas that have seen every issued update (under continuous load rarely 100 %: see missing per replica) · distinct (version vector, state hash) pairs among live replicas, 1 = converged.",
        window: now,
        unit: "% of live replicas · states",
        docs: DOCS.cluster,
      },
      tone: k?.convergedShare === 1 && k.distinctStates === 1 ? "good" : undefined,
      figures: [
        { testId: "kpi-converged-share", text: k ? formatShare(k.convergedShare) : dash, title: "Share of live replicas that have seen every issued update" },
        { testId: "kpi-distinct-states", text: k ? String(k.distinctStates) : dash, title: "Distinct (version vector, state hash) among live replicas; 1 = converged" },
      ],
      separator: " · ",
    }),
    convergenceTile(k, ctx),
  ];
  if (k && k.lostUpdates > 0) {
    tiles.push(
      tile({
        key: "lost",
        label: "Lost updates",
        help: {
          definition: "Updates lost: every replica that held them left or restarted empty. They no longer count as missing; the timeline says when and why.",
          window: "since the run started",
          unit: "updates",
          docs: DOCS.cluster,
        },
        tone: "warn",
        figures: [{ testId: "kpi-lost-updates", text: formatCount(k.lostUpdates) }],
      }),
    );
  }
  const ingest = ctx.ingest;
  const paced = ingest?.paced ?? 1;
  if (ingest !== undefined && (ingest.shedding || paced > 1)) {
    // Shown only while it applies: figures from merged reports, or from agents slowed down or paced, must say so.
    const shed =
      "Reports arrive faster than the collector folds them in: reports of the same agent that waited were merged (their version-vector changes and counters kept, their traced times up to a bound), and agents are asked to report that many times less often.";
    const pacing =
      "The collector is busy and answers reports late: agents that wait for its answer before sending again (as the TypeScript agent does) fold what they would have sent meanwhile into their next report, so reports come that many times further apart than asked; untraced updates are dated to the coarser reports.";
    const help: TileHelp = {
      definition: `${[ingest.shedding ? shed : "", paced > 1 ? pacing : ""].filter((s) => s !== "").join(" ")} Counts of missing updates stay exact.`,
      window: "the last 10 s",
      unit: [ingest.shedding ? "× report interval · reports merged" : "", paced > 1 ? "× apart" : ""].filter((s) => s !== "").join(" · "),
      docs: DOCS.overload,
    };
    const dropped = ingest.droppedTimes > 0 ? `${formatCount(ingest.droppedTimes)} issue/inclusion times dropped past the bound.` : "";
    const pacedFigure = { testId: "kpi-ingest-paced", text: `${paced.toFixed(1)}×`, unit: " apart", title: "Times further apart than asked agents' reports came, paced by the collector's acknowledgements" };
    tiles.push({
      key: "shedding",
      label: ingest.shedding ? "Collector shedding" : "Collector saturated",
      help,
      title: helpText(help, dropped),
      tone: "warn",
      figures: ingest.shedding
        ? [
            { testId: "kpi-ingest-slowdown", text: `${ingest.slowdown}×`, unit: " slower", title: "Factor by which agents are asked to stretch their report interval" },
            { testId: "kpi-ingest-coalesced", text: formatCount(ingest.coalescedReports), unit: " merged", title: "Reports merged into a later one of the same agent in the last 10 s" },
            ...(paced > 1 ? [pacedFigure] : []),
          ]
        : [pacedFigure],
      separator: " · ",
    });
  }
  tiles.push(
    tile({
      key: "rates",
      label: "Updates · msgs · bytes /s",
      help: { definition: "Cluster-wide: updates issued · gossip messages sent · gossip bytes sent.", window: `the last second, as of ${now}`, unit: "per second", docs: DOCS.cluster },
      figures: [
        { testId: "kpi-updates-rate", text: k ? formatCount(k.updatesPerSec) : dash, title: "Updates issued per second, cluster-wide" },
        { testId: "kpi-messages-rate", text: k ? formatCount(k.messagesPerSec) : dash, title: "Gossip messages per second, cluster-wide" },
        { testId: "kpi-bytes-rate", text: k ? formatBytes(k.bytesPerSec) : dash, title: "Gossip bytes per second, cluster-wide" },
      ],
      separator: " · ",
    }),
    tile({
      key: "config",
      label: `Config v${k?.configVersion ?? ctx.configVersion ?? dash}`,
      help: { definition: "The cluster config version in force, and how many live replicas acknowledged (run) it.", window: now, unit: "replicas", docs: DOCS.cluster },
      tone: k && k.ackedReplicas >= k.live ? "good" : "warn",
      figures: [{ testId: "kpi-config", text: k ? `${k.ackedReplicas}/${k.live}` : dash, unit: " acked" }],
    }),
  );
  return tiles;
}
