// What gossip really runs (issue 18): nodes that run their own gossip say so in hello, and
// the theory line must describe those settings, not the collector's config they ignore.
import { sectionsOf, type ClusterConfig, type RunningGossip } from "@driftscope/protocol";
import type { AgentRegistry } from "../ingest/AgentRegistry.js";
import type { Lifecycle } from "../metrics/Lifecycle.js";

/**
 * The config with its gossip section replaced by the settings most live replicas run:
 * the collector's own for replicas whose nodes apply the gossip section, the reported ones
 * for nodes that run their own. Unchanged when no live replica runs its own.
 */
export function gossipInForce(config: ClusterConfig, agents: AgentRegistry, lifecycle: Lifecycle): ClusterConfig {
  const votes = new Map<string, { settings: RunningGossip; live: number }>();
  let own = 0;
  for (const session of agents.sessions.values()) {
    if (session.gossip === undefined || sectionsOf(session.capabilities).includes("gossip")) continue;
    const agent = lifecycle.agent(session.agentId);
    let live = 0;
    for (const rep of agent?.replicas ?? []) if (rep.live) live++;
    if (live === 0) continue;
    own += live;
    const key = JSON.stringify(session.gossip);
    const v = votes.get(key);
    if (v === undefined) votes.set(key, { settings: session.gossip, live });
    else v.live += live;
  }
  if (votes.size === 0) return config;
  const [best] = [...votes.values()].sort((a, b) => b.live - a.live);
  // The collector's settings still win where more live replicas run them.
  if (lifecycle.liveCount - own > best!.live) return config;
  const g = best!.settings;
  return { ...config, gossip: { intervalMs: g.intervalMs, fanout: g.fanout, mode: g.mode, payload: g.payload ?? config.gossip.payload } };
}
