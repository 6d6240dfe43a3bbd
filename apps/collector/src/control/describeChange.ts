// One readable line for a config change on the timeline ("gossip.fanout 2 → 3").
import type { ClusterConfig } from "@driftscope/protocol";

function valueAt(config: ClusterConfig, path: string): unknown {
  const [section, key] = path.split(".") as [keyof ClusterConfig, string];
  const part = config[section];
  return typeof part === "object" && part !== null ? (part as Record<string, unknown>)[key] : undefined;
}

function show(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "none" : `${value.length} item${value.length === 1 ? "" : "s"}`;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** Summary of what changed between two configs, at most `max` characters. */
export function describeChange(before: ClusterConfig, after: ClusterConfig, changed: readonly string[], max = 256): string {
  if (changed.length === 0) return `config v${after.version} (no value changed)`;
  const parts = changed.map((path) => `${path} ${show(valueAt(before, path))} → ${show(valueAt(after, path))}`);
  const text = `v${after.version}: ${parts.join(", ")}`;
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Network changes are faults (partitions, cuts, crashes, loss); the rest is tuning. */
export function isFaultChange(changed: readonly string[]): boolean {
  return changed.length > 0 && changed.every((p) => p.startsWith("network."));
}
