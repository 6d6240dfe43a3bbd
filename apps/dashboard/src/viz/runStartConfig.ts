// The "start a run with this config" fields as data: what a person typed (blank = keep the
// value in force) turned into the config change the run starts with, or the field-level
// reasons it cannot be sent. Checked with the protocol's own schema, so the form refuses
// exactly what the collector would.

import { ConfigPatchSchema, type ConfigPatch } from "@driftscope/protocol";

/** The fields, as typed. */
export interface RunStartDraft {
  intervalMs: string;
  fanout: string;
  updatesPerSecPerReplica: string;
}

/** Nothing typed: the run starts with the config in force. */
export const EMPTY_RUN_START: RunStartDraft = { intervalMs: "", fanout: "", updatesPerSecPerReplica: "" };

/** The change to start with (undefined when every field is blank), or reasons per field. */
export type RunStartParse = { ok: true; patch: ConfigPatch | undefined } | { ok: false; issues: Partial<Record<keyof RunStartDraft, string>> };

export function parseRunStart(draft: RunStartDraft): RunStartParse {
  const issues: Partial<Record<keyof RunStartDraft, string>> = {};
  const num = (field: keyof RunStartDraft): number | undefined => {
    const text = draft[field].trim();
    if (text === "") return undefined;
    const v = Number(text);
    if (!Number.isFinite(v)) issues[field] = `"${text}" is not a number`;
    return v;
  };
  const intervalMs = num("intervalMs");
  const fanout = num("fanout");
  const rate = num("updatesPerSecPerReplica");
  if (Object.keys(issues).length > 0) return { ok: false, issues };
  const gossip = { ...(intervalMs !== undefined ? { intervalMs } : {}), ...(fanout !== undefined ? { fanout } : {}) };
  const patch: ConfigPatch = {
    ...(Object.keys(gossip).length > 0 ? { gossip } : {}),
    ...(rate !== undefined ? { workload: { updatesPerSecPerReplica: rate } } : {}),
  };
  if (Object.keys(patch).length === 0) return { ok: true, patch: undefined };
  const checked = ConfigPatchSchema.safeParse(patch);
  if (checked.success) return { ok: true, patch: checked.data };
  for (const issue of checked.error.issues) {
    const field = issue.path[issue.path.length - 1];
    if (field === "intervalMs" || field === "fanout" || field === "updatesPerSecPerReplica") issues[field] ??= issue.message;
  }
  return { ok: false, issues };
}

/** "interval 200 ms, fanout 3" — what the run will start with, for the button's title. */
export function describeRunStart(patch: ConfigPatch | undefined): string {
  if (patch === undefined) return "the config in force";
  const parts: string[] = [];
  if (patch.gossip?.intervalMs !== undefined) parts.push(`interval ${patch.gossip.intervalMs} ms`);
  if (patch.gossip?.fanout !== undefined) parts.push(`fanout ${patch.gossip.fanout}`);
  if (patch.workload?.updatesPerSecPerReplica !== undefined) parts.push(`${patch.workload.updatesPerSecPerReplica} updates/s per replica`);
  return parts.join(", ");
}
