// The value a control shows: the edit in progress, else the config in force.

import type { ClusterConfig } from "@driftscope/protocol";
import type { FieldKey, FieldState } from "./controlsSlice.js";

/** Current value of a config field: an unfinished edit wins over the config. */
export function fieldValue<T>(key: FieldKey, fields: Partial<Record<FieldKey, FieldState>>, config: ClusterConfig | null, fallback: T): T {
  const f = fields[key];
  if (f && f.phase !== "applied") return f.value as T;
  if (!config) return fallback;
  const [section, name] = key.split(".") as [keyof ClusterConfig, string];
  const sec = config[section] as unknown as Record<string, unknown> | undefined;
  return (sec?.[name] as T | undefined) ?? fallback;
}

/** The crashed list with `id` crashed (true) or restored (false). */
export function toggledCrash(current: readonly string[], id: string, crash: boolean): string[] {
  const rest = current.filter((x) => x !== id);
  return crash ? [...rest, id] : rest;
}
