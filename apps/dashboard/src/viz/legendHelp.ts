// What each legend entry of the time charts means, read where it is shown (the entry's
// tooltip): definition, the time it covers, the unit, and the docs section that says more.

const METRICS = "docs/metrics.md#cluster-figures-frame-kpis";
const CONVERGENCE = "docs/metrics.md#convergence-time-of-an-update";
const ASYNC_MODEL = "docs/gossip.md#the-asynchronous-model-asyncconvergence-bench-gossip-async-theory";
const REFERENCE = "docs/gossip.md#the-reference-line-and-how-to-read-it";

/** One legend entry's tooltip, in parts. */
export interface Help {
  definition: string;
  window: string;
  unit: string;
  docs: string;
}

export const text = (h: Help) => `${h.definition}\nWindow: ${h.window}\nUnit: ${h.unit}\nMore: ${h.docs}`;

const rolling = (p: string): Help => ({
  definition: `${p} of the convergence times of the updates issued around each moment: the line the dots spread around. Updates still in flight are not counted yet, so its newest part can rise later (the hover readout says "partial").`,
  window: "a rolling window of issue time, its length in the label (it grows with the visible span)",
  unit: "ms or s",
  docs: CONVERGENCE,
});

const HELP: Record<string, Help> = {
  samples: {
    definition: "One dot per traced update: x is when it was issued, y how long until the last live replica had it. Periodic gossip draws a sawtooth: updates issued just after a round wait longest.",
    window: "every update issued in the visible range",
    unit: "ms or s",
    docs: CONVERGENCE,
  },
  p50: rolling("Median"),
  p95: rolling("95th percentile"),
  p99: rolling("99th percentile"),
  expected: {
    definition:
      "Which model: the asynchronous gossip model (docs/gossip.md), the mean time for one update to reach every live replica with this config (N live replicas, interval, fanout, mode, latency, loss) and independent timer phases. How to read it: p50 and the dots near the line mean the cluster converges as gossip theory predicts; well above it, something the model leaves out slows it (partitions, crashed holders, overload, slow nodes). It steps at every config change.",
    window: "the config in force at each time",
    unit: "ms or s",
    docs: ASYNC_MODEL,
  },
  sync: {
    definition: "E·T: expected rounds of synchronous gossip (all replicas tick together) times the interval. A bound-like reference: with independent timers real time runs at about 0.5–0.9 × E·T.",
    window: "the config in force at each time",
    unit: "ms or s",
    docs: REFERENCE,
  },
  bound: {
    definition: "Lower bound for push gossip: the informed set at most multiplies by (1 + fanout) per round, so no update can reach everyone in fewer than ⌈log_(1+f) N⌉ rounds. Points below it would be measurement errors.",
    window: "the config in force at each time",
    unit: "ms or s",
    docs: REFERENCE,
  },
  tuner: { definition: "The auto-tuner's target for p95 while it is on.", window: "while the tuner is on", unit: "ms or s", docs: "docs/tuner.md" },
  inFlight: { definition: "Updates issued and not yet at every live replica (cluster-wide); it bounds each replica's missing count from above.", window: "each frame (10 a second, 1 s buckets further back)", unit: "updates", docs: METRICS },
  maxMissing: {
    definition: "The largest figure among live replicas: missing updates (top) or staleness, the age of the oldest update a replica lacks (bottom).",
    window: "each frame (10 a second, 1 s buckets further back)",
    unit: "updates (top) · ms or s (bottom)",
    docs: METRICS,
  },
  meanMissing: {
    definition: "The mean over live replicas: missing updates (top) or staleness (bottom). Under continuous load it stays above 0; it says how far apart the replicas are.",
    window: "each frame (10 a second, 1 s buckets further back)",
    unit: "updates (top) · ms or s (bottom)",
    docs: METRICS,
  },
  updatesPerSec: { definition: "Updates issued per second, cluster-wide.", window: "the last second at each frame", unit: "updates/s", docs: METRICS },
  messagesPerSec: { definition: "Gossip messages sent per second, cluster-wide.", window: "the last second at each frame", unit: "messages/s", docs: METRICS },
  bytesPerSec: { definition: "Gossip bytes sent per second, cluster-wide.", window: "the last second at each frame", unit: "bytes/s", docs: METRICS },
};

/** The tooltip of a legend entry by its line key (`sel-<id>` for a selected replica, `<run>-p50` for an overlaid run); undefined when none is known. */
export function legendHelp(key: string): string | undefined {
  if (key.startsWith("sel-")) {
    return text({ definition: `Replica ${key.slice(4)} alone: its missing updates (top) and staleness (bottom).`, window: "each frame", unit: "updates · ms or s", docs: METRICS });
  }
  const run = /-(p50|p95)$/.exec(key);
  const h = HELP[key] ?? (run ? HELP[run[1]!] : undefined);
  return h ? text(h) : undefined;
}

/** Docs sections the tooltips cite, for the test that checks they exist. */
export const LEGEND_DOCS = [...new Set(Object.values(HELP).map((h) => h.docs))];
