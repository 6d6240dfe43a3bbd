// What each live replica really applies (issue 18): a node declares the config sections it
// applies (gossip, workload, network faults) and acknowledges only those; a node that runs
// its own gossip reports its settings. From that: which replicas run each section, why a
// control is disabled when no live replica can apply it, whether a configured fault is in
// force anywhere, and whose gossip differs from the cluster config.

import type { GossipConfig, ReplicaInfo, RunningGossip } from "@driftscope/protocol";

/** The config sections a node may apply. */
export const SECTIONS = ["gossip", "workload", "network"] as const;
/** One config section. */
export type Section = (typeof SECTIONS)[number];

/** Who applies one section among the live replicas. */
export interface SectionCoverage {
  section: Section;
  /** Live replicas whose node applies it. */
  applying: string[];
  /** Live replicas whose node does not. */
  notApplying: string[];
}

/** Live replica ids (frame status 0) in frame order; every member before the first frame. */
export function liveIds(order: readonly string[], status: ArrayLike<number> | undefined): string[] {
  return status ? order.filter((_, i) => (status[i] ?? 0) === 0) : [...order];
}

/** Per section, which live replicas apply it (a replica without `applies` applies none). */
export function sectionCoverage(live: readonly string[], info: ReadonlyMap<string, Pick<ReplicaInfo, "applies">>): Record<Section, SectionCoverage> {
  const out = {} as Record<Section, SectionCoverage>;
  for (const section of SECTIONS) {
    const applying: string[] = [];
    const notApplying: string[] = [];
    for (const id of live) (info.get(id)?.applies?.includes(section) ? applying : notApplying).push(id);
    out[section] = { section, applying, notApplying };
  }
  return out;
}

const WHAT: Record<Section, string> = {
  gossip: "the gossip section (interval, fanout, mode, payload): their nodes run their own gossip",
  workload: "the workload section: their nodes issue their own updates",
  network: "the network section (simulated latency, loss and faults): their nodes do not simulate faults",
};

/**
 * Why the controls of a section are disabled, or null when some live replica applies it.
 * With no live replica at all the controls stay enabled: the config waits for replicas to join.
 */
export function blockedReason(c: SectionCoverage): string | null {
  if (c.applying.length > 0 || c.notApplying.length === 0) return null;
  return `No live replica applies ${WHAT[c.section]}. A change here would be in force nowhere.`;
}

/** A short line on who applies a section: "all 16 live replicas", "3 of 5 live replicas (not r3, r4)". */
export function coverageText(c: SectionCoverage, maxIds = 4): string {
  const live = c.applying.length + c.notApplying.length;
  if (live === 0) return "no live replicas";
  if (c.notApplying.length === 0) return `all ${live} live replica${live === 1 ? "" : "s"}`;
  if (c.applying.length === 0) return `none of ${live} live replica${live === 1 ? "" : "s"}`;
  const names = c.notApplying.slice(0, maxIds).join(", ") + (c.notApplying.length > maxIds ? ` +${c.notApplying.length - maxIds}` : "");
  return `${c.applying.length} of ${live} live replicas (not ${names})`;
}

/** Whether a fault set in the config is in force at some live replica. */
export function faultsInForce(c: SectionCoverage): boolean {
  return c.applying.length > 0;
}

/** Gossip settings some live replicas run that differ from the cluster config. */
export interface OwnGossip {
  settings: RunningGossip;
  ids: string[];
  /** The settings that differ ("intervalMs", "fanout", …). */
  differs: (keyof RunningGossip)[];
}

/** What a replica's gossip differs in from the cluster's (none when its node applies the gossip section). */
export function gossipDifferences(info: Pick<ReplicaInfo, "applies" | "gossip"> | undefined, cluster: GossipConfig | null): (keyof RunningGossip)[] {
  const g = info?.gossip;
  if (!g || info?.applies?.includes("gossip")) return [];
  if (!cluster) return ["intervalMs", "fanout", "mode"];
  const keys: (keyof RunningGossip)[] = ["intervalMs", "fanout", "mode", "payload"];
  return keys.filter((k) => g[k] !== undefined && g[k] !== cluster[k]);
}

/** Live replicas whose own gossip differs from the cluster config, grouped by the settings they run (most replicas first). */
export function ownGossipGroups(live: readonly string[], info: ReadonlyMap<string, Pick<ReplicaInfo, "applies" | "gossip">>, cluster: GossipConfig | null): OwnGossip[] {
  const groups = new Map<string, OwnGossip>();
  for (const id of live) {
    const i = info.get(id);
    const differs = gossipDifferences(i, cluster);
    if (differs.length === 0) continue;
    const key = JSON.stringify(i!.gossip);
    const g = groups.get(key);
    if (g) g.ids.push(id);
    else groups.set(key, { settings: i!.gossip!, ids: [id], differs });
  }
  return [...groups.values()].sort((a, b) => b.ids.length - a.ids.length);
}

/** "500 ms · f1 · push" (and the payload when known). */
export function gossipText(g: RunningGossip, formatMs: (ms: number) => string): string {
  return [formatMs(g.intervalMs), `f${g.fanout}`, g.mode, g.payload].filter(Boolean).join(" · ");
}

/** The sections as initials for a table cell: "G W N", "G – –". */
export function appliesText(applies: readonly Section[] | undefined): string {
  return SECTIONS.map((s) => (applies?.includes(s) ? s[0]!.toUpperCase() : "–")).join(" ");
}
