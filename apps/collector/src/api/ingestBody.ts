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
import { shapeProblem } from "../ingest/inputShape.js";
import type { TimeSlice } from "../ingest/timeSlice.js";
import { validateReport } from "../ingest/validateReport.js";

/** Characters scanned between two looks at the clock. */
const SCAN_STEP = 256 * 1024;

/** Splits and checks an ingest body, yielding to the event loop when `slice` says so. */
export async function parseIngestBodyInSlices(body: string, slice: TimeSlice): Promise<IngestParseResult> {
  if (body.length > LIMITS.ingestBodyBytes) {
    return { ok: false, error: protocolError("PAYLOAD_TOO_LARGE", `body longer than ${LIMITS.ingestBodyBytes} characters`) };
  }
  const start = body.search(/\S/);
  if (start >= 0 && body[start] === "[") return parseArray(body, start, slice);
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
  const messages: IngestLine[] = [];
  const rejected: IngestRejection[] = [];
  for (let i = 0; i < lines.length; i++) {
    const [from, to] = lines[i]!;
    if (!hasContent(body, from, to)) continue;
    await slice.yieldIfDue();
    const end = body.charCodeAt(to - 1) === 13 ? to - 1 : to;
    const result = await parseLine(body.slice(from, end));
    if (result.ok) messages.push({ line: i + 1, message: result.value });
    else rejected.push(rejection(i + 1, result.error));
  }
  return { ok: true, messages, rejected };
}

/** One NDJSON line: size, depth, JSON, shape, then the schema. */
async function parseLine(text: string): Promise<ParseResult<IngestMessage>> {
  if (text.length > LIMITS.messageBytes) return lineError("PAYLOAD_TOO_LARGE", `line longer than ${LIMITS.messageBytes} characters`);
  if (depthAbove(text, 0, text.length, LIMITS.jsonDepth)) return lineError("BAD_REQUEST", `JSON nested deeper than ${LIMITS.jsonDepth} levels`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return lineError("BAD_REQUEST", `invalid JSON: ${(e as Error).message}`);
  }
  return validateValue(value);
}

function validateValue(value: unknown): ParseResult<IngestMessage> | Promise<ParseResult<IngestMessage>> {
  const problem = shapeProblem(value);
  if (problem !== undefined) return { ok: false, error: problem };
  const type = (value as { type?: unknown }).type;
  if (type === "report") return validateReport(value as Record<string, unknown>);
  if (type === "hello") return checkHello(value);
  return parseMessage(IngestMessageSchema, value);
}

async function parseArray(body: string, open: number, slice: TimeSlice): Promise<IngestParseResult> {
  const split = await splitArray(body, open, slice);
  if (!split.ok) return split;
  if (split.items.length > LIMITS.ingestMessages) return tooMany(split.items.length);
  // A malformed element spoils the whole array (it is one JSON text): parse all, then judge.
  const values: unknown[] = [];
  for (const [from, to] of split.items) {
    await slice.yieldIfDue();
    try {
      values.push(JSON.parse(body.slice(from, to)));
    } catch (e) {
      return { ok: false, error: protocolError("BAD_REQUEST", `invalid JSON array: ${(e as Error).message}`) };
    }
  }
  const messages: IngestLine[] = [];
  const rejected: IngestRejection[] = [];
  for (let i = 0; i < values.length; i++) {
    await slice.yieldIfDue();
    const result = await validateValue(values[i]);
    values[i] = undefined;
    if (result.ok) messages.push({ line: i + 1, message: result.value });
    else rejected.push(rejection(i + 1, result.error));
  }
  return { ok: true, messages, rejected };
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

function tooMany(count: number): { ok: false; error: ErrorMessage } {
  return { ok: false, error: protocolError("PAYLOAD_TOO_LARGE", `${count} messages in one body (max ${LIMITS.ingestMessages})`) };
}

function lineError(code: ErrorCode, reason: string): { ok: false; error: ErrorMessage } {
  return { ok: false, error: protocolError(code, reason, { issues: [{ path: "", reason }] }) };
}
