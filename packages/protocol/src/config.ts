import { z } from "zod";
import { protocolError, type ErrorMessage, parseMessage, type ParseResult } from "./errors.js";
import { ReplicaIdSchema } from "./ids.js";
import { CONFIG_LIMITS, limitProblem, type LimitedField } from "./configLimits.js";
import { LIMITS } from "./limits.js";

/** How replicas pick what to exchange each round (DESIGN §3 theory covers all three). */
export const GOSSIP_MODES = ["push", "pull", "push-pull"] as const;
/** A gossip mode. */
export const GossipModeSchema = z.enum(GOSSIP_MODES);
/** A gossip mode. */
export type GossipMode = z.infer<typeof GossipModeSchema>;

/** What a gossip round carries: the full state, deltas, or digests first and then what is missing. */
export const PAYLOAD_MODES = ["full", "delta", "digest"] as const;
/** A gossip payload mode. */
export const PayloadModeSchema = z.enum(PAYLOAD_MODES);
/** A gossip payload mode. */
export type PayloadMode = z.infer<typeof PayloadModeSchema>;

/** CRDT type names; the same list as `CrdtTypeName` of `@driftscope/crdt` (protocol imports zod only). */
export const CRDT_TYPE_NAMES = ["gcounter", "pncounter", "gset", "awset", "lww", "mvregister", "awmap"] as const;
/** A CRDT type name. */
export const CrdtTypeNameSchema = z.enum(CRDT_TYPE_NAMES);
/** A CRDT type name. */
export type CrdtTypeName = z.infer<typeof CrdtTypeNameSchema>;

/** A number within `CONFIG_LIMITS[field]`; a refusal says the range in `limitProblem`'s words. */
function limitedNumber(field: LimitedField) {
  const { min, max, integer } = CONFIG_LIMITS[field];
  const error = { error: (issue: { input?: unknown }) => limitProblem(field, issue.input) ?? undefined };
  return (integer ? z.int(error) : z.number(error)).min(min, error).max(max, error);
}

/** Gossip knobs: round length, peers per round, direction, payload. */
export const GossipConfigSchema = z.strictObject({
  intervalMs: limitedNumber("gossip.intervalMs"),
  fanout: limitedNumber("gossip.fanout"),
  mode: GossipModeSchema,
  payload: PayloadModeSchema,
});
/** Gossip knobs. */
export type GossipConfig = z.infer<typeof GossipConfigSchema>;

/** Relative weight of one operation in the workload mix (op names are those of the CRDT type, e.g. `add`). */
export const OpWeightSchema = z.strictObject({
  op: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, "op name must be 1–32 chars of a-z 0-9 - starting with a letter"),
  weight: z.number().min(0).max(1_000_000),
});
/** Relative weight of one operation in the workload mix. */
export type OpWeight = z.infer<typeof OpWeightSchema>;

/** Synthetic workload: update rate per replica, CRDT type, op mix (empty = the type's default mix). */
export const WorkloadConfigSchema = z.strictObject({
  updatesPerSecPerReplica: limitedNumber("workload.updatesPerSecPerReplica"),
  crdtType: CrdtTypeNameSchema,
  opMix: z
    .array(OpWeightSchema)
    .max(LIMITS.opMix)
    .superRefine((mix, ctx) => {
      const seen = new Set<string>();
      mix.forEach((w, i) => {
        if (seen.has(w.op)) ctx.addIssue({ code: "custom", path: [i, "op"], message: `op "${w.op}" listed twice` });
        seen.add(w.op);
      });
    }),
});
/** Synthetic workload. */
export type WorkloadConfig = z.infer<typeof WorkloadConfigSchema>;

/** A one-way cut: messages from `from` to `to` are dropped (the reverse direction still works). */
export const CutSchema = z
  .strictObject({ from: ReplicaIdSchema, to: ReplicaIdSchema })
  .refine((c) => c.from !== c.to, { message: "a cut needs two different replicas", path: ["to"] });
/** A one-way cut. */
export type Cut = z.infer<typeof CutSchema>;

const PartitionsSchema = z
  .array(z.array(ReplicaIdSchema).min(1).max(LIMITS.replicasPerCluster))
  .max(LIMITS.partitionGroups)
  .superRefine((groups, ctx) => {
    const groupOf = new Map<string, number>();
    let total = 0;
    groups.forEach((group, g) => {
      total += group.length;
      group.forEach((replica, i) => {
        const other = groupOf.get(replica);
        if (other !== undefined) {
          ctx.addIssue({ code: "custom", path: [g, i], message: `replica "${replica}" is already in group ${other}` });
        } else groupOf.set(replica, g);
      });
    });
    if (total > LIMITS.replicasPerCluster) {
      ctx.addIssue({ code: "custom", path: [], message: `more than ${LIMITS.replicasPerCluster} replicas in partitions` });
    }
  });

/**
 * Simulated network faults. `partitions`: disjoint groups; replicas in different groups
 * cannot talk, replicas listed in no group form one more group; `[]` = no partition.
 */
export const NetworkConfigSchema = z.strictObject({
  latencyMs: limitedNumber("network.latencyMs"),
  jitterMs: limitedNumber("network.jitterMs"),
  lossRate: limitedNumber("network.lossRate"),
  partitions: PartitionsSchema,
  cuts: z.array(CutSchema).max(LIMITS.cuts),
  crashed: z
    .array(ReplicaIdSchema)
    .max(LIMITS.replicasPerCluster)
    .superRefine((ids, ctx) => {
      const seen = new Set<string>();
      ids.forEach((id, i) => {
        if (seen.has(id)) ctx.addIssue({ code: "custom", path: [i], message: `replica "${id}" listed twice` });
        seen.add(id);
      });
    }),
});
/** Simulated network faults. */
export type NetworkConfig = z.infer<typeof NetworkConfigSchema>;

/**
 * Telemetry knobs. `traceEveryK`: dot `(origin, seq)` is traced (exact issue and
 * inclusion times reported) iff `seq % traceEveryK === 0`; 1 traces every dot.
 */
export const TelemetryConfigSchema = z.strictObject({
  traceEveryK: z.int().min(1).max(1_000_000),
});
/** Telemetry knobs. */
export type TelemetryConfig = z.infer<typeof TelemetryConfigSchema>;

/** The versioned cluster config: what the sliders change and agents apply and acknowledge. */
export const ClusterConfigSchema = z.strictObject({
  version: z.int().min(0),
  gossip: GossipConfigSchema,
  workload: WorkloadConfigSchema,
  network: NetworkConfigSchema,
  telemetry: TelemetryConfigSchema,
});
/** The versioned cluster config. */
export type ClusterConfig = z.infer<typeof ClusterConfigSchema>;

/**
 * A change to the config: any subset of fields of any section (arrays are replaced
 * whole), without `version`; `expectedVersion` makes the change conditional.
 */
export const ConfigPatchSchema = z.strictObject({
  expectedVersion: z.int().min(0).optional(),
  gossip: GossipConfigSchema.partial().optional(),
  workload: WorkloadConfigSchema.partial().optional(),
  network: NetworkConfigSchema.partial().optional(),
  telemetry: TelemetryConfigSchema.partial().optional(),
});
/** A change to the config (parsed form). */
export type ConfigPatch = z.infer<typeof ConfigPatchSchema>;

/** The config sections a patch may touch. */
export const CONFIG_SECTIONS = ["gossip", "workload", "network", "telemetry"] as const;

/** Sensible starting point: 1 s rounds, fanout 2, push-pull deltas, 1 update/s on an AWSet, no faults. */
export const DEFAULT_CLUSTER_CONFIG: ClusterConfig = deepFreeze({
  version: 1,
  gossip: { intervalMs: 1000, fanout: 2, mode: "push-pull", payload: "delta" },
  workload: { updatesPerSecPerReplica: 1, crdtType: "awset", opMix: [] },
  network: { latencyMs: 0, jitterMs: 0, lossRate: 0, partitions: [], cuts: [], crashed: [] },
  telemetry: { traceEveryK: 1 },
});

/** Result of `applyConfigPatch`: the new config and the dotted paths that changed, or why not. */
export type ConfigPatchResult =
  | { ok: true; config: ClusterConfig; changed: string[] }
  | { ok: false; error: ErrorMessage };

/**
 * Applies a patch to a config without touching either: validates the patch, checks
 * `expectedVersion` (CONFLICT on mismatch), merges section by section and returns
 * the new config with `version + 1` (even if no value changed; `changed` says what did).
 * @example applyConfigPatch(cfg, { gossip: { fanout: 3 } }) // { ok: true, config: { version: cfg.version + 1, … }, changed: ["gossip.fanout"] }
 */
export function applyConfigPatch(config: ClusterConfig, patch: unknown): ConfigPatchResult {
  const parsed = parseMessage(ConfigPatchSchema, patch, { what: "config patch" });
  if (!parsed.ok) return parsed;
  const p = parsed.value;
  if (p.expectedVersion !== undefined && p.expectedVersion !== config.version) {
    return {
      ok: false,
      error: protocolError("CONFLICT", `config is at version ${config.version}, not ${p.expectedVersion}`, {
        issues: [{ path: "expectedVersion", reason: `config is at version ${config.version}` }],
      }),
    };
  }
  const next: Record<string, unknown> = { version: config.version + 1 };
  const changed: string[] = [];
  for (const section of CONFIG_SECTIONS) {
    const base = config[section] as Record<string, unknown>;
    const merged: Record<string, unknown> = { ...base };
    for (const [key, value] of Object.entries(p[section] ?? {})) {
      if (value === undefined) continue;
      if (JSON.stringify(value) !== JSON.stringify(base[key])) changed.push(`${section}.${key}`);
      merged[key] = value;
    }
    next[section] = merged;
  }
  // The whole result is checked too, so a corrupt `config` argument cannot propagate.
  const checked: ParseResult<ClusterConfig> = parseMessage(ClusterConfigSchema, next, { what: "config" });
  if (!checked.ok) return checked;
  return { ok: true, config: checked.value, changed };
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
