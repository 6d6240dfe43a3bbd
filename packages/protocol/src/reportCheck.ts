// The hot path of ingest: a report's verdict without zod. ReportSchema stays the documented
// schema and the source of every error message; this checked loop, written from the same
// LIMITS and rules, answers only "would ReportSchema accept this input?" — about 20× faster
// than zod, without allocating per entry. When it says no, `parseReport` asks zod, so a
// refusal names the same field and reason as before. reportCheck.test.ts checks both agree
// over many generated valid and broken reports.
import type { Report } from "./agent.js";
import { parseMessage, type ParseResult } from "./errors.js";
import { ReportSchema } from "./agent.js";
import { ID_PATTERN } from "./ids.js";
import { LIMITS } from "./limits.js";
import { loneSurrogateAt } from "./scalars.js";

const RESERVED: ReadonlySet<string> = new Set(Object.getOwnPropertyNames(Object.prototype));
const HASH_PATTERN = /^[A-Za-z0-9+/=_-]+$/;
const INCARNATION_MAX = 2 ** 31 - 1;

const REPORT_KEYS: ReadonlySet<string> = new Set(["type", "agentId", "seq", "timeMs", "clock", "dropped", "replicas", "events"]);
const REPLICA_KEYS: ReadonlySet<string> = new Set([
  "replica", "seq", "full", "vv", "hash", "bytes", "summary", "issued", "included", "sync", "configVersion", "status", "incarnation",
]);
const SYNC_KEYS: ReadonlySet<string> = new Set(["sentMessages", "sentBytes", "receivedMessages", "receivedBytes", "merges", "changedMerges", "byKind"]);
const KIND_KEYS: ReadonlySet<string> = new Set(["full", "delta", "digest", "request", "ack"]);
const KIND_COUNTER_KEYS: ReadonlySet<string> = new Set(["messages", "bytes"]);
const EVENT_KEYS: ReadonlySet<string> = new Set(["replica", "dir", "peer", "kind", "bytes", "timeMs", "changed"]);
const DIRS: ReadonlySet<unknown> = new Set(["sent", "received", "merged"]);
const STATUSES: ReadonlySet<unknown> = new Set(["up", "crashed"]);

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
/** zod's `z.int().min(min)`: a safe integer. */
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): boolean => typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max;
/** zod's `z.number().min(min).max(max)`: finite. */
const isNum = (v: unknown, min: number, max: number): boolean => typeof v === "number" && Number.isFinite(v) && v >= min && v <= max;
const isTime = (v: unknown): boolean => isNum(v, 0, LIMITS.timeMs);
const checkId = (v: string): boolean => v.length >= 1 && v.length <= LIMITS.idLength && ID_PATTERN.test(v) && !RESERVED.has(v);
/**
 * Ids already found valid: the same origins come in every report, and one lookup is cheaper
 * than the pattern. Bounded (a few MB of ids at most); cleared when full, then re-learnt.
 */
const knownIds = new Set<string>();
const KNOWN_IDS_MAX = 16_384;
const isId = (v: unknown): v is string => {
  if (typeof v !== "string") return false;
  if (knownIds.has(v)) return true;
  if (!checkId(v)) return false;
  if (knownIds.size >= KNOWN_IDS_MAX) knownIds.clear();
  knownIds.add(v);
  return true;
};
const isText = (v: unknown): boolean => typeof v === "string" && v.length <= LIMITS.stringLength && loneSurrogateAt(v) < 0;
const optional = (v: unknown, check: (v: unknown) => boolean): boolean => v === undefined || check(v);

/** Every own key is one of `keys` (zod's strictObject). */
function onlyKeys(o: Obj, keys: ReadonlySet<string>): boolean {
  for (const k in o) if (!keys.has(k)) return false;
  return true;
}

function isKindCounter(v: unknown): boolean {
  return isObj(v) && onlyKeys(v, KIND_COUNTER_KEYS) && isInt(v.messages, 0) && isInt(v.bytes, 0);
}

function isSync(v: unknown): boolean {
  if (!isObj(v) || !onlyKeys(v, SYNC_KEYS)) return false;
  if (!isInt(v.sentMessages, 0) || !isInt(v.sentBytes, 0) || !isInt(v.receivedMessages, 0) || !isInt(v.receivedBytes, 0) || !isInt(v.merges, 0) || !isInt(v.changedMerges, 0)) return false;
  const byKind = v.byKind;
  if (byKind === undefined) return true;
  if (!isObj(byKind) || !onlyKeys(byKind, KIND_KEYS)) return false;
  for (const k in byKind) if (!optional(byKind[k], isKindCounter)) return false;
  return true;
}

let vvStamp = 0;
/**
 * Valid origins seen in vectors, numbered, and the stamp of the vector each was last seen in:
 * an origin seen before costs one lookup and an array write (a map update would hash it again).
 * Renumbered from scratch when over LIMITS.vvEntries at a vector's start; stamps only grow,
 * so a number's stamp from before that is never the current one.
 */
const originNumber = new Map<string, number>();
let stampOf = new Float64Array(1024);

/** A list of `[origin, seq]` with no origin twice. */
function isVv(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > LIMITS.vvEntries) return false;
  const stamp = ++vvStamp;
  if (originNumber.size > LIMITS.vvEntries) originNumber.clear();
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (!Array.isArray(e) || e.length !== 2) return false;
    const origin: unknown = e[0];
    if (typeof origin !== "string" || !isInt(e[1], 0)) return false;
    // Only valid ids are numbered: one found here needs no other check.
    let n = originNumber.get(origin);
    if (n === undefined) {
      if (!isId(origin)) return false;
      n = originNumber.size;
      originNumber.set(origin, n);
      if (n >= stampOf.length) {
        const grown = new Float64Array(stampOf.length * 2);
        grown.set(stampOf);
        stampOf = grown;
      }
    } else if (stampOf[n] === stamp) return false;
    stampOf[n] = stamp;
  }
  return true;
}

function isIssued(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > LIMITS.issuedPerReplica) return false;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (!Array.isArray(e) || e.length !== 2 || !isInt(e[0], 1) || !isTime(e[1])) return false;
  }
  return true;
}

function isIncluded(v: unknown): boolean {
  if (!Array.isArray(v) || v.length > LIMITS.includedPerReplica) return false;
  for (let i = 0; i < v.length; i++) {
    const e: unknown = v[i];
    if (!Array.isArray(e) || e.length !== 3 || !isId(e[0]) || !isInt(e[1], 1) || !isTime(e[2])) return false;
  }
  return true;
}

function isReplicaReport(r: unknown): r is Obj {
  if (!isObj(r) || !onlyKeys(r, REPLICA_KEYS)) return false;
  if (!isId(r.replica) || !isInt(r.seq, 0) || !optional(r.full, (v) => typeof v === "boolean")) return false;
  if (!isVv(r.vv)) return false;
  if (!optional(r.hash, (v) => typeof v === "string" && v.length >= 1 && v.length <= LIMITS.idLength && HASH_PATTERN.test(v))) return false;
  if (!optional(r.bytes, (v) => isInt(v, 0)) || !optional(r.summary, isText)) return false;
  if (!optional(r.issued, isIssued) || !optional(r.included, isIncluded) || !isSync(r.sync)) return false;
  if (!optional(r.configVersion, (v) => isInt(v, 0)) || !optional(r.status, (v) => STATUSES.has(v))) return false;
  if (!optional(r.incarnation, (v) => isInt(v, 0, INCARNATION_MAX))) return false;
  const given = (r.hash !== undefined ? 1 : 0) + (r.bytes !== undefined ? 1 : 0) + (r.summary !== undefined ? 1 : 0);
  return given === 3 || (given === 0 && r.full !== true);
}

function isSyncEvent(e: unknown): boolean {
  if (!isObj(e) || !onlyKeys(e, EVENT_KEYS)) return false;
  if (!isId(e.replica) || !DIRS.has(e.dir) || !isId(e.peer) || typeof e.kind !== "string" || !KIND_KEYS.has(e.kind)) return false;
  if (!isInt(e.bytes, 0) || !isTime(e.timeMs) || !optional(e.changed, (v) => typeof v === "boolean")) return false;
  return e.dir === "merged" || e.changed === undefined;
}

/** True iff `ReportSchema` accepts `input` (same limits and rules, checked without zod). */
export function isValidReport(input: unknown): input is Report {
  if (!isObj(input) || !onlyKeys(input, REPORT_KEYS)) return false;
  if (input.type !== "report" || !isId(input.agentId) || !isInt(input.seq, 0) || !isTime(input.timeMs)) return false;
  const clock = input.clock;
  if (clock !== undefined && !(isObj(clock) && onlyKeys(clock, CLOCK_KEYS) && isNum(clock.offsetMs, -LIMITS.durationMs, LIMITS.durationMs) && isNum(clock.rttMs, 0, LIMITS.durationMs))) return false;
  const dropped = input.dropped;
  if (dropped !== undefined && !(isObj(dropped) && onlyKeys(dropped, DROPPED_KEYS) && isInt(dropped.reports, 0) && isInt(dropped.events, 0))) return false;
  const replicas = input.replicas;
  if (!Array.isArray(replicas) || replicas.length > LIMITS.replicasPerAgent) return false;
  const names = new Set<string>();
  let entries = 0;
  for (let i = 0; i < replicas.length; i++) {
    const r: unknown = replicas[i];
    if (!isReplicaReport(r)) return false;
    const name = r.replica as string;
    if (names.has(name)) return false;
    names.add(name);
    entries += (r.vv as unknown[]).length + ((r.issued as unknown[] | undefined)?.length ?? 0) + ((r.included as unknown[] | undefined)?.length ?? 0);
  }
  if (entries > LIMITS.entriesPerReport) return false;
  const events = input.events;
  if (events === undefined) return true;
  if (!Array.isArray(events) || events.length > LIMITS.eventsPerReport) return false;
  for (let i = 0; i < events.length; i++) if (!isSyncEvent(events[i])) return false;
  return true;
}

const CLOCK_KEYS: ReadonlySet<string> = new Set(["offsetMs", "rttMs"]);
const DROPPED_KEYS: ReadonlySet<string> = new Set(["reports", "events"]);

/**
 * Parses a `report` message: the checked loop decides, zod explains a refusal. A valid
 * report is returned as given (ReportSchema has no defaults or transforms, so zod's copy
 * would be equal to it).
 */
export function parseReport(input: unknown): ParseResult<Report> {
  if (isValidReport(input)) return { ok: true, value: input };
  return parseMessage(ReportSchema, input, { what: "report" });
}
