import { z } from "zod";
import { LIMITS } from "./limits.js";

/** Characters allowed in every id on the wire (length and reserved names are checked separately). */
export const ID_PATTERN = /^[A-Za-z0-9._:-]+$/;

// Names inherited by every plain object (`__proto__`, `constructor`, `toString`…).
// Ids end up as keys in consumers' maps, caches and JSON objects in other
// languages; refusing these keeps a careless `obj[id]` away from Object.prototype.
const RESERVED_IDS: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));

function idString(what: string) {
  return z
    .string()
    .min(1, `${what} must not be empty`)
    .max(LIMITS.idLength, `${what} longer than ${LIMITS.idLength} characters`)
    .regex(ID_PATTERN, `${what} may only contain A-Z a-z 0-9 . _ : -`)
    .refine((s) => !RESERVED_IDS.has(s), `${what} is a reserved name`);
}

/** A replica's stable id (1–128 chars of `[A-Za-z0-9._:-]`, not an `Object.prototype` name). */
export const ReplicaIdSchema = idString("replica id").brand<"ReplicaId">();
/** A replica's stable id, checked by `ReplicaIdSchema`. */
export type ReplicaId = z.infer<typeof ReplicaIdSchema>;

/** An agent's id (one agent per node process; same rules as replica ids). */
export const AgentIdSchema = idString("agent id").brand<"AgentId">();
/** An agent's id, checked by `AgentIdSchema`. */
export type AgentId = z.infer<typeof AgentIdSchema>;

/** A recorded run's id (same rules as replica ids). */
export const RunIdSchema = idString("run id").brand<"RunId">();
/** A recorded run's id, checked by `RunIdSchema`. */
export type RunId = z.infer<typeof RunIdSchema>;

/** A dashboard-chosen id that ties a control request to its `control-result` (not branded). */
export const RequestIdSchema = idString("request id");

/** Brands a string as a `ReplicaId`, throwing a `TypeError` that says why when it is not valid. */
export function asReplicaId(value: string): ReplicaId {
  return brandOrThrow(ReplicaIdSchema, value);
}

/** Brands a string as an `AgentId`, throwing a `TypeError` that says why when it is not valid. */
export function asAgentId(value: string): AgentId {
  return brandOrThrow(AgentIdSchema, value);
}

/** Brands a string as a `RunId`, throwing a `TypeError` that says why when it is not valid. */
export function asRunId(value: string): RunId {
  return brandOrThrow(RunIdSchema, value);
}

/** True when `value` is a valid id (replica, agent, run and request ids share the rules). */
export function isValidId(value: unknown): value is string {
  return ReplicaIdSchema.safeParse(value).success;
}

function brandOrThrow<S extends z.ZodType>(schema: S, value: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) {
    const reason = result.error.issues[0]?.message ?? "invalid id";
    throw new TypeError(`${reason}: ${JSON.stringify(value).slice(0, 160)}`);
  }
  return result.data;
}
