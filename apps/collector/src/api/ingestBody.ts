// An ingest body (NDJSON or a JSON array, docs/protocol.md §8) split into messages and
// checked one by one, giving the event loop back every few milliseconds: an 8 MiB body
// takes about a second of work, which must not hold frames and health checks up.
// Same verdicts as the protocol's parseIngestBody; the shape check and the sliced report
// validation make a hostile line as cheap to refuse as the first problem in it.
import {
  checkHello,
  IngestMessageSchema,
  LIMITS,
  parseMessage,
  protocolError,
  rejection,
  type ErrorCode,
  type ErrorMessage,
  type IngestLine,
  type IngestMessage,
  type IngestParseResult,
  type IngestRejection,
  type ParseResult,
} from "@driftscope/protocol";
import { jsonTextProblem, shapeProblem } from "../ingest/inputShape.js";
import type { TimeSlice } from "../ingest/timeSlice.js";
import { validateReport } from "../ingest/validateReport.js";

/** Characters scanned between two looks at the clock. */
const SCAN_STEP = 256 * 1024;
/** Lines above this size get their JSON text checked for bulk before it is parsed. */
const SCAN_FROM_CHARS = 64 * 1024;

/** Receives each message of a body in order: the accepted ones and the refused ones. */
export interface IngestSink {
  accept(line: number, message: IngestMessage): void;
  reject(rejection: IngestRejection): void;
  /** Asked before each message: a reason ends the reading, and every message left is refused with it. */
  enough?(): ErrorMessage | undefined;
  /** NDJSON lines (1-based) already refused by the checks while the body was read: not parsed again. */
  refused?: ReadonlyMap<number, ErrorMessage>;
}

/** Refuses messages `lines` (1-based numbers) unread, all for `reason`. */
function refuseUnread(lines: readonly number[], reason: ErrorMessage, sink: IngestSink): void {
  for (const line of lines) sink.reject(rejection(line, reason));
}

/**
 * Splits and checks an ingest body, handing each message to `sink` as soon as it is judged
 * (so a large body is never held parsed in memory whole: that would make garbage
 * collection pause for hundreds of ms). Yields to the event loop when `slice` says so.
 * Returns the whole-body error, if any, in which case `sink` received nothing.
 */
export async function ingestInSlices(body: string, slice: TimeSlice, sink: IngestSink): Promise<ErrorMessage | undefined> {
  if (body.length > LIMITS.ingestBodyBytes) return protocolError("PAYLOAD_TOO_LARGE", `body longer than ${LIMITS.ingestBodyBytes} characters`);
  const start = body.search(/\S/);
  if (start >= 0 && body[start] === "[") return ingestArray(body, start, slice, sink);
  const lines: Array<[from: number, to: number]> = [];
  for (let from = 0; from <= body.length; ) {
    const nl = body.indexOf("\n", from);
    const to = nl < 0 ? body.length : nl;
    lines.push([from, to]);
    from = to + 1;
  }
  let nonBlank = 0;
  for (const [from, to] of lines) if (hasContent(body, from, to)) nonBlank++;
  if (nonBlank > LIMITS.ingestMessages) return tooMany(nonBlank);
  for (let i = 0; i < lines.length; i++) {
    const [from, to] = lines[i]!;
    if (!hasContent(body, from, to)) continue;
    const stop = sink.enough?.();
    if (stop !== undefined) {
      const left: number[] = [];
      for (let j = i; j < lines.length; j++) if (hasContent(body, lines[j]![0], lines[j]![1])) left.push(j + 1);
      refuseUnread(left, stop, sink);
      break;
    }
    await slice.yieldIfDue();
    const end = body.charCodeAt(to - 1) === 13 ? to - 1 : to;
    const known = sink.refused?.get(i + 1);
    const result = known !== undefined ? { ok: false as const, error: known } : await parseLine(body.slice(from, end));
    if (result.ok) sink.accept(i + 1, result.value);
    else sink.reject(rejection(i + 1, result.error));
  }
  return undefined;
}

/** The whole body judged at once (tests compare it with the protocol's parseIngestBody). */
export async function parseIngestBodyInSlices(body: string, slice: TimeSlice): Promise<IngestParseResult> {
  const messages: IngestLine[] = [];
  const rejected: IngestRejection[] = [];
  const error = await ingestInSlices(body, slice, { accept: (line, message) => messages.push({ line, message }), reject: (r) => rejected.push(r) });
  return error === undefined ? { ok: true, messages, rejected } : { ok: false, error };
}

/** Why one NDJSON line fails the checks that need no state (size, depth, JSON, shape, schema), if it does. */
export async function lineProblem(text: string): Promise<ErrorMessage | undefined> {
  const result = await parseLine(text);
  return result.ok ? undefined : result.error;
}

/** One NDJSON line: size, depth, JSON, shape, then the schema. */
async function parseLine(text: string): Promise<ParseResult<IngestMessage>> {
  if (text.length > LIMITS.messageBytes) return lineError("PAYLOAD_TOO_LARGE", `line longer than ${LIMITS.messageBytes} characters`);
  if (depthAbove(text, 0, text.length, LIMITS.jsonDepth)) return lineError("BAD_REQUEST", `JSON nested deeper than ${LIMITS.jsonDepth} levels`);
  const bulk = text.length > SCAN_FROM_CHARS ? jsonTextProblem(text) : undefined;
  if (bulk !== undefined) return lineError("VALIDATION", `message refused unread: ${bulk}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return lineError("BAD_REQUEST", `invalid JSON: ${(e as Error).message}`);
  }
  return validateValue(value);
}

function validateValue(value: unknown): ParseResult<IngestMessage> | Promise<ParseResult<IngestMessage>> {
  // A report's shape is walked by validateReport, and only when the checked loop refuses it.
  if (typeof value === "object" && value !== null && (value as { type?: unknown }).type === "report") return validateReport(value, "message");
  const problem = shapeProblem(value);
  if (problem !== undefined) return { ok: false, error: problem };
  const type = (value as { type?: unknown }).type;
  if (type === "hello") return checkHello(value);
  return parseMessage(IngestMessageSchema, value);
}

async function ingestArray(body: string, open: number, slice: TimeSlice, sink: IngestSink): Promise<ErrorMessage | undefined> {
  const split = await splitArray(body, open, slice);
  if (!split.ok) return split.error;
  if (split.items.length > LIMITS.ingestMessages) return tooMany(split.items.length);
  // A malformed element spoils the whole array (it is one JSON text): check every element
  // parses before handing any to the sink, then parse each again to judge it (keeping them
  // all parsed would hold the whole body in memory).
  // An element wrong in bulk is refused unread (and not checked for well-formedness).
  const bulk = split.items.map(([from, to]) => (to - from > SCAN_FROM_CHARS ? jsonTextProblem(body.slice(from, to)) : undefined));
  for (let i = 0; i < split.items.length; i++) {
    await slice.yieldIfDue();
    if (bulk[i] !== undefined) continue;
    const [from, to] = split.items[i]!;
    try {
      JSON.parse(body.slice(from, to));
    } catch (e) {
      return protocolError("BAD_REQUEST", `invalid JSON array: ${(e as Error).message}`);
    }
  }
  for (let i = 0; i < split.items.length; i++) {
    const stop = sink.enough?.();
    if (stop !== undefined) {
      refuseUnread(Array.from({ length: split.items.length - i }, (_, k) => i + k + 1), stop, sink);
      break;
    }
    await slice.yieldIfDue();
    const [from, to] = split.items[i]!;
    const problem = bulk[i];
    const result = problem !== undefined ? lineError("VALIDATION", `message refused unread: ${problem}`) : await validateValue(JSON.parse(body.slice(from, to)) as unknown);
    if (result.ok) sink.accept(i + 1, result.value);
    else sink.reject(rejection(i + 1, result.error));
  }
  return undefined;
}

/**
 * The [from, to) ranges of a JSON array's elements, found by tracking strings and nesting
 * (the elements themselves are parsed later). Refuses unbalanced brackets, text after the
 * array, and nesting deeper than the protocol allows.
 */
async function splitArray(body: string, open: number, slice: TimeSlice): Promise<{ ok: true; items: Array<[number, number]> } | { ok: false; error: ErrorMessage }> {
  const items: Array<[number, number]> = [];
  const malformed = (why: string) => ({ ok: false as const, error: protocolError("BAD_REQUEST", `invalid JSON array: ${why}`) });
  let depth = 0;
  let inString = false;
  let itemStart = open + 1;
  let closed = -1;
  for (let i = open; i < body.length; i++) {
    if (i % SCAN_STEP === 0) await slice.yieldIfDue();
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 /* [ */ || c === 123 /* { */) {
      if (++depth > LIMITS.jsonDepth + 1) return { ok: false, error: protocolError("BAD_REQUEST", `JSON nested deeper than ${LIMITS.jsonDepth} levels`) };
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      if (--depth === 0) {
        if (c !== 93) return malformed(`"}" closes the array at position ${i}`);
        if (hasContent(body, itemStart, i) || items.length > 0) items.push([itemStart, i]);
        closed = i;
        break;
      }
    } else if (c === 44 /* , */ && depth === 1) {
      items.push([itemStart, i]);
      itemStart = i + 1;
    }
  }
  if (closed < 0) return malformed("unexpected end of input (unbalanced brackets or an unterminated string)");
  if (hasContent(body, closed + 1, body.length)) return malformed(`unexpected text after the array at position ${closed + 1}`);
  return { ok: true, items };
}

function depthAbove(text: string, from: number, to: number, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > limit) return true;
    } else if (c === 125 || c === 93) depth--;
  }
  return false;
}

function hasContent(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return true;
  }
  return false;
}

function tooMany(count: number): ErrorMessage {
  return protocolError("PAYLOAD_TOO_LARGE", `${count} messages in one body (max ${LIMITS.ingestMessages})`);
}

function lineError(code: ErrorCode, reason: string): { ok: false; error: ErrorMessage } {
  return { ok: false, error: protocolError(code, reason, { issues: [{ path: "", reason }] }) };
}
