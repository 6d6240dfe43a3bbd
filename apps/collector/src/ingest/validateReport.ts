// Validation of agent messages in bounded steps. The protocol's checked loop decides a
// report's verdict (tens of ns per entry; a 65,536-entry report in a few ms). Only a refused
// report goes to zod, for its error message; zod checks about 2 µs per entry, so one large
// refused report would hold the event loop for 100 ms or more. A small one goes to the
// protocol's parser in one call; a large one is checked piece by piece with the protocol's own entry schemas — envelope,
// each replica entry, its lists in chunks — yielding between pieces, and stops at the
// first failing piece. The rules ReportSchema adds on top of its parts (unique replicas,
// unique origins per vector, the entry total) are applied here the same way; a test
// checks both paths agree.
import {
  IncludedSchema,
  isValidReport,
  IssuedSchema,
  LIMITS,
  parseAgentEvent,
  parseMessage,
  protocolError,
  ReplicaReportSchema,
  reportEntryCount,
  ReportSchema,
  SyncEventSchema,
  VvEntrySchema,
  type ErrorMessage,
  type Issue,
  type ParseResult,
  type ReplicaReport,
  type Report,
} from "@driftscope/protocol";
import { shapeProblem } from "./inputShape.js";
import { TimeSlice } from "./timeSlice.js";

/** Entries below which a report is parsed in one call (about 10–15 ms of zod; agents' reports are smaller). */
const SLICE_FROM_ENTRIES = 8192;
/** List items checked per zod call. */
const CHUNK = 1024;

type Schema = Parameters<typeof parseMessage>[0];

const LISTS: ReadonlyArray<readonly [key: "vv" | "issued" | "included", chunk: Schema, max: number]> = [
  ["vv", VvEntrySchema.array(), LIMITS.vvEntries],
  ["issued", IssuedSchema.array(), LIMITS.issuedPerReplica],
  ["included", IncludedSchema.array(), LIMITS.includedPerReplica],
];
const EVENTS: Schema = SyncEventSchema.array();

/**
 * Validates a `report` payload whose JSON text was bounded before parsing: synchronously
 * when small, else in slices (a Promise). Same verdict as `shapeProblem` then
 * `parseAgentEvent("report", payload)`; a valid one is returned as given. The checked loop
 * goes first: a report it accepts needs no walk of its shape (every string it accepts is
 * checked), and only a refused one is walked, for the first problem and its path.
 */
export function validateReport(payload: unknown, what = "report"): ParseResult<Report> | Promise<ParseResult<Report>> {
  if (isValidReport(payload)) return { ok: true, value: payload };
  const problem = shapeProblem(payload, what);
  if (problem !== undefined) return { ok: false, error: problem };
  const record = payload as Record<string, unknown>;
  // Accepted means equal to what was given (no defaults or transforms): the given object goes on, with vectors the decoder packed.
  const asGiven = (result: ParseResult<Report>): ParseResult<Report> => (result.ok ? { ok: true, value: record as Report } : result);
  if (roughEntries(record) < SLICE_FROM_ENTRIES) return asGiven(parseAgentEvent("report", record) as ParseResult<Report>);
  return validateInSlices(record, new TimeSlice()).then(asGiven);
}

function roughEntries(payload: Record<string, unknown>): number {
  const replicas = payload.replicas;
  let n = Array.isArray(payload.events) ? payload.events.length * 4 : 0;
  if (!Array.isArray(replicas)) return n;
  n += replicas.length;
  for (const r of replicas as unknown[]) {
    if (typeof r !== "object" || r === null) continue;
    for (const [key] of LISTS) {
      const list = (r as Record<string, unknown>)[key];
      if (Array.isArray(list)) n += list.length;
    }
  }
  return n;
}

async function validateInSlices(payload: Record<string, unknown>, slice: TimeSlice): Promise<ParseResult<Report>> {
  const replicas = payload.replicas;
  const events = payload.events;
  const stub = { ...payload, replicas: Array.isArray(replicas) ? [] : replicas, ...(Array.isArray(events) ? { events: [] } : {}) };
  const envelope = parseMessage(ReportSchema, stub, { what: "report" });
  if (!envelope.ok) return envelope;
  const list = replicas as unknown[];
  if (list.length > LIMITS.replicasPerAgent) return fail("replicas", `too many items (max ${LIMITS.replicasPerAgent})`);
  const out: ReplicaReport[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < list.length; i++) {
    const entry = await validateEntry(list[i], `replicas[${i}]`, slice);
    if (!entry.ok) return entry;
    if (seen.has(entry.value.replica)) return fail(`replicas[${i}].replica`, `"${entry.value.replica}" listed twice`);
    seen.add(entry.value.replica);
    out.push(entry.value);
  }
  const total = reportEntryCount({ replicas: out });
  if (total > LIMITS.entriesPerReport) return fail("replicas", `${total} vv, issued and included entries in one report (max ${LIMITS.entriesPerReport}); split it`);
  const report: Report = { ...envelope.value, replicas: out };
  if (Array.isArray(events)) {
    const parsed = await validateList(events, EVENTS, "events", slice);
    if (!parsed.ok) return parsed;
    report.events = parsed.value as NonNullable<Report["events"]>;
  }
  return { ok: true, value: report };
}

async function validateEntry(raw: unknown, at: string, slice: TimeSlice): Promise<ParseResult<ReplicaReport>> {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return prefixed(parseMessage(ReplicaReportSchema, raw, { what: "report" }), at);
  const entry = raw as Record<string, unknown>;
  const stub: Record<string, unknown> = { ...entry };
  for (const [key, , max] of LISTS) {
    const value = entry[key];
    if (!Array.isArray(value)) continue;
    if (value.length > max) return fail(`${at}.${key}`, `too many items (max ${max})`);
    stub[key] = [];
  }
  const base = prefixed(parseMessage(ReplicaReportSchema, stub, { what: "report" }), at);
  if (!base.ok) return base;
  const value: ReplicaReport = base.value;
  for (const [key, schema] of LISTS) {
    const items = entry[key];
    if (!Array.isArray(items)) continue;
    const parsed = await validateList(items, schema, `${at}.${key}`, slice);
    if (!parsed.ok) return parsed;
    (value as Record<string, unknown>)[key] = parsed.value;
  }
  const origins = new Set<string>();
  for (const [j, [origin]] of value.vv.entries()) {
    if (origins.has(origin)) return fail(`${at}.vv[${j}][0]`, `"${origin}" listed twice`);
    origins.add(origin);
  }
  return { ok: true, value };
}

async function validateList(items: unknown[], schema: Schema, at: string, slice: TimeSlice): Promise<ParseResult<unknown[]>> {
  const out: unknown[] = [];
  for (let from = 0; from < items.length; from += CHUNK) {
    await slice.yieldIfDue();
    const parsed = parseMessage(schema, items.slice(from, from + CHUNK), { what: "report" });
    if (!parsed.ok) return { ok: false, error: rebase(parsed.error, at, from) };
    for (const item of parsed.value as unknown[]) out.push(item);
  }
  return { ok: true, value: out };
}

/** Moves the issues of a chunk (paths "[k]…") to where the chunk sits in the report. */
function rebase(error: ErrorMessage, at: string, offset: number): ErrorMessage {
  return reissue(error, (path) => {
    const m = /^\[(\d+)\](.*)$/.exec(path);
    return m === null ? `${at}${path === "" ? "" : `.${path}`}` : `${at}[${offset + Number(m[1])}]${m[2]}`;
  });
}

function prefixed<T>(result: ParseResult<T>, at: string): ParseResult<T> {
  if (result.ok) return result;
  return { ok: false, error: reissue(result.error, (path) => (path === "" ? at : path.startsWith("[") ? `${at}${path}` : `${at}.${path}`)) };
}

function reissue(error: ErrorMessage, move: (path: string) => string): ErrorMessage {
  const issues: Issue[] = (error.issues ?? []).map((i) => ({ path: move(i.path), reason: i.reason }));
  const first = issues[0];
  if (first === undefined) return error;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})` : "";
  return protocolError(error.code, `invalid report: ${first.path}: ${first.reason}${more}`, { issues, ...(error.ref !== undefined ? { ref: error.ref } : {}) });
}

function fail(path: string, reason: string): { ok: false; error: ErrorMessage } {
  return { ok: false, error: protocolError("VALIDATION", `invalid report: ${path}: ${reason}`, { issues: [{ path, reason }] }) };
}
