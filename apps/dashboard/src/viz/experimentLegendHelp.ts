// What each legend entry of the Experiments tab's charts and of the heatmap's colour bar
// means, read where it is shown (the entry's tooltip), like the time charts' legendHelp.
import { text } from "./legendHelp.js";

const FIGURES = "docs/experiments.md#what-each-figure-means";
const RECOMMENDATION = "docs/experiments.md#the-recommendation";
const ASYNC_MODEL = "docs/gossip.md#the-asynchronous-model-asyncconvergence-bench-gossip-async-theory";
const REFERENCE = "docs/gossip.md#the-reference-line-and-how-to-read-it";
const EXPERIMENTS_TAB = "docs/dashboard.md#experiments";
const PER_REPLICA = "docs/metrics.md#per-replica-figures-frame-columns-snapshot-apiv1cluster";

const POINT = "each point's measurement (after its warm-up, until its stop rule)";

/** Tooltips of the experiment charts' legend entries, by kind of entry. */
export const EXPERIMENT_LEGEND = {
  p50: text({ definition: "Median convergence time (issue → the last replica holds the update) of each point of this series, joined across intervals; a hollow mark is a lower bound (updates still in flight at the end).", window: POINT, unit: "ms or s", docs: FIGURES }),
  band: text({ definition: "From p50 to p95 of each point's convergence times: how far the slower updates spread above the median (the collector gives p50, p95 and p99, not p5).", window: POINT, unit: "ms or s", docs: FIGURES }),
  expected: text({ definition: "The asynchronous gossip model's mean time for one update to reach every replica with the point's config (independent timer phases, the origin's first wait, latency, loss). Measured p50 near it: the cluster behaves as gossip theory predicts.", window: "the config of each point", unit: "ms or s", docs: ASYNC_MODEL }),
  sync: text({ definition: "E·T: expected rounds of synchronous gossip times the interval, a bound-like reference; with independent timers real time runs at about 0.5–0.9 × E·T.", window: "the config of each point", unit: "ms or s", docs: REFERENCE }),
  period: text({ definition: "1 ÷ updates/s per replica: above this line a replica issues its next update before the last one reached everyone (under-synchronised), below it over-synchronised.", window: "the update rate of each series", unit: "ms or s", docs: FIGURES }),
  reference: text({ definition: "Points from a reference CSV loaded on this tab (a thesis' table, another tool), drawn as hollow squares next to the measured points.", window: "as given in the file", unit: "the chart's axes", docs: EXPERIMENTS_TAB }),
  cost: text({ definition: "Sync cost of each point of this series: gossip bytes (top) and messages (bottom) sent per second per replica.", window: POINT, unit: "bytes/s · messages/s per replica", docs: FIGURES }),
  tradeoff: text({ definition: "The points run at this update rate: x is their sync cost, y their convergence figure (p50 or p95, the toggle above); each labelled with the settings that vary.", window: POINT, unit: "bytes/s per replica · ms or s", docs: FIGURES }),
  pareto: text({ definition: "Per update rate, the points no other point beats on both cost and convergence: the cheapest way to each convergence time.", window: POINT, unit: "bytes/s per replica · ms or s", docs: RECOMMENDATION }),
  recommended: text({ definition: "The cheapest measured point that meets the recommendation's target (and budget); a p95 that is only a lower bound never meets it.", window: "the experiment shown first", unit: "bytes/s per replica · ms or s", docs: RECOMMENDATION }),
} as const;

const heatmapWindow = "each frame (10 a second, 1 s buckets further back)";

/** Tooltips of the heatmap colour bar's entries. */
export const HEATMAP_LEGEND = {
  caughtUp: text({ definition: "A live replica holding every update issued anywhere (0 missing, 0 staleness).", window: heatmapWindow, unit: "replica", docs: PER_REPLICA }),
  missing: text({ definition: "Colour: the updates issued somewhere that this replica does not hold yet, on a √ scale from 0 to the value shown (its top follows the visible window unless locked).", window: heatmapWindow, unit: "missing updates", docs: PER_REPLICA }),
  staleness: text({ definition: "Colour: the age of the oldest update this replica lacks, on a √ scale from 0 to the value shown (its top follows the visible window unless locked).", window: heatmapWindow, unit: "ms or s", docs: PER_REPLICA }),
  crashed: text({ definition: "Simulated down (crashed by the config or its node): it neither gossips nor counts as live.", window: heatmapWindow, unit: "replica", docs: PER_REPLICA }),
  unreachable: text({ definition: "Its agent sent nothing for 3 report intervals and at least 2 s; not counted as live until it reports again.", window: heatmapWindow, unit: "replica", docs: PER_REPLICA }),
} as const;

/** Docs sections these tooltips cite, for the test that checks they exist. */
export const EXPERIMENT_LEGEND_DOCS = [...new Set([...Object.values(EXPERIMENT_LEGEND), ...Object.values(HEATMAP_LEGEND)].map((t) => /More: (\S+)/.exec(t)![1]!))];
