// HTTP ingest for nodes that do not speak socket.io: `POST /api/v1/ingest` with
// NDJSON (one agent message per line) or a JSON array of agent messages. Lines
// are judged one by one; a bad line never spoils the good ones.
import { z } from "zod";
import { ByeSchema, ConfigAckSchema, checkHello, HelloSchema, ReportSchema } from "./agent.js";
import { ClusterConfigSchema } from "./config.js";
import {
  type ErrorCode,
  ErrorCodeSchema,
  type ErrorMessage,
  type Issue,
  IssueSchema,
  parseMessage,
  protocolError,
} from "./errors.js";
import { ReplicaIdSchema } from "./ids.js";
import { LIMITS } from "./limits.js";
import { CountSchema, TimeMsSchema } from "./scalars.js";

/** Path of the HTTP ingest endpoint. */
export const INGEST_PATH = "/api/v1/ingest";
/** Path of the health endpoint. */
export const HEALTH_PATH = "/api/v1/health";
/** Content type of an NDJSON ingest body (`application/json` means a JSON array). */
export const NDJSON_CONTENT_TYPE = "application/x-ndjson";

/** Agent messages accepted over HTTP (`ping` is socket-only: HTTP answers carry `collectorTimeMs`). */
export const IngestMessageSchema = z.discriminatedUnion("type", [HelloSchema, ReportSchema, ConfigAckSchema, ByeSchema]);
/** An agent message accepted over HTTP. */
export type IngestMessage = z.infer<typeof IngestMessageSchema>;

/** Why one line (NDJSON) or element (JSON array, 1-based) was refused. */
export const IngestRejectionSchema = z.strictObject({
  line: z.int().min(1),
  code: ErrorCodeSchema,
  issues: z.array(IssueSchema).max(LIMITS.issuesPerError),
});
/** Why one line was refused. */
export type IngestRejection = z.infer<typeof IngestRejectionSchema>;

/** Body of the answer to `POST /api/v1/ingest`. */
export const IngestAnswerSchema = z.strictObject({
  accepted: CountSchema,
  rejected: z.array(IngestRejectionSchema).max(LIMITS.ingestRejections),
  /** Rejections beyond the listed ones. */
  truncated: CountSchema.optional(),
  /** Collector time when answering: HTTP nodes estimate their clock offset from it. */
  collectorTimeMs: TimeMsSchema,
  /** Current cluster config (a node that applies configs acknowledges it with `config-ack`). */
  config: ClusterConfigSchema.optional(),
  /** How often the node should post (a replica silent for 3 intervals turns unreachable). */
  reportIntervalMs: z.int().min(50).max(60_000).optional(),
  /** Send whole version vectors next time: `true` for all replicas, or these. */
  requestFull: z.union([z.literal(true), z.array(ReplicaIdSchema).max(LIMITS.replicasPerAgent)]).optional(),
  /** Accepted lines whose times look wrong: in seconds rather than milliseconds, or clamped to now. */
  warnings: z.array(z.strictObject({ line: z.int().min(1), message: z.string().max(LIMITS.messageLength) })).max(LIMITS.ingestRejections).optional(),
});
/** Body of the answer to `POST /api/v1/ingest`. */
export type IngestAnswer = z.infer<typeof IngestAnswerSchema>;

/** Body of `GET /api/v1/health`. */
export const HealthAnswerSchema = z.strictObject({
  ok: z.boolean(),
  version: z.string().max(LIMITS.stringLength),
  protocol: z.int().min(0),
});
/** Body of `GET /api/v1/health`. */
export type HealthAnswer = z.infer<typeof HealthAnswerSchema>;

/** An accepted ingest message with its 1-based line (NDJSON) or element (JSON array) number. */
export interface IngestLine {
  line: number;
  message: IngestMessage;
}

/** Outcome of `parseIngestBody`: per-line results, or one error when the body as a whole is unusable. */
export type IngestParseResult =
  | { ok: true; messages: IngestLine[]; rejected: IngestRejection[] }
  | { ok: false; error: ErrorMessage };

/**
 * Splits an ingest body into accepted messages and rejected lines. A body whose first
 * non-blank character is `[` is a JSON array; otherwise NDJSON (blank lines skipped, `\r\n` ok).
 * A whole-body error (too large, malformed array) means nothing was accepted.
 * @example const r = parseIngestBody(req.body); if (r.ok) for (const { message } of r.messages) ingest(message);
 */
export function parseIngestBody(body: string): IngestParseResult {
  if (body.length > LIMITS.ingestBodyBytes) {
    return { ok: false, error: protocolError("PAYLOAD_TOO_LARGE", `body longer than ${LIMITS.ingestBodyBytes} characters`) };
  }
  const start = body.search(/\S/);
  if (start >= 0 && body[start] === "[") return parseArrayBody(body);

  const lines = body.split("\n");
  const nonBlank = lines.reduce((n, l) => (/\S/.test(l) ? n + 1 : n), 0);
  if (nonBlank > LIMITS.ingestMessages) return tooManyMessages(nonBlank);
  const messages: IngestLine[] = [];
  const rejected: IngestRejection[] = [];
  lines.forEach((raw, i) => {
    const text = raw.endsWith("\r") ? raw.slice(0, -1) : raw;
    if (!/\S/.test(text)) return;
    const result = parseIngestLine(text);
    if (result.ok) messages.push({ line: i + 1, message: result.value });
    else rejected.push(rejection(i + 1, result.error));
  });
  return { ok: true, messages, rejected };
}

/** Parses one NDJSON line (JSON text of one agent message); `hello` gets the protocol-version check. */
export function parseIngestLine(text: string): { ok: true; value: IngestMessage } | { ok: false; error: ErrorMessage } {
  if (text.length > LIMITS.messageBytes) {
    return { ok: false, error: lineError("PAYLOAD_TOO_LARGE", `line longer than ${LIMITS.messageBytes} characters`) };
  }
  const depth = jsonDepth(text, LIMITS.jsonDepth);
  if (depth > LIMITS.jsonDepth) return { ok: false, error: lineError("BAD_REQUEST", `JSON nested deeper than ${LIMITS.jsonDepth} levels`) };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: lineError("BAD_REQUEST", `invalid JSON: ${(e as Error).message}`) };
  }
  return parseIngestValue(value);
}

/** Builds an ingest answer, listing rejections in line order up to `LIMITS.ingestRejections`. */
export function ingestAnswer(parts: {
  accepted: number;
  rejected: readonly IngestRejection[];
  collectorTimeMs: number;
  config?: IngestAnswer["config"];
  reportIntervalMs?: number;
  requestFull?: IngestAnswer["requestFull"];
  warnings?: IngestAnswer["warnings"];
}): IngestAnswer {
  const sorted = [...parts.rejected].sort((a, b) => a.line - b.line);
  const answer: IngestAnswer = {
    accepted: parts.accepted,
    rejected: sorted.slice(0, LIMITS.ingestRejections),
    collectorTimeMs: parts.collectorTimeMs,
  };
  if (sorted.length > LIMITS.ingestRejections) answer.truncated = sorted.length - LIMITS.ingestRejections;
  if (parts.config !== undefined) answer.config = parts.config;
  if (parts.reportIntervalMs !== undefined) answer.reportIntervalMs = parts.reportIntervalMs;
  if (parts.requestFull !== undefined) answer.requestFull = parts.requestFull;
  if (parts.warnings !== undefined && parts.warnings.length > 0) answer.warnings = parts.warnings;
  return answer;
}

/** HTTP status for an ingest answer: 200 when something was accepted or nothing was sent, else 400. */
export function ingestStatus(answer: Pick<IngestAnswer, "accepted" | "rejected" | "truncated">): number {
  return answer.accepted > 0 || (answer.rejected.length === 0 && (answer.truncated ?? 0) === 0) ? 200 : 400;
}

/** Turns a failed parse of line `line` into the rejection listed in the ingest answer. */
export function rejection(line: number, error: ErrorMessage): IngestRejection {
  const issues: Issue[] = error.issues ?? [{ path: "", reason: error.message }];
  return { line, code: error.code, issues: issues.slice(0, LIMITS.issuesPerError) };
}

function parseArrayBody(body: string): IngestParseResult {
  if (jsonDepth(body, LIMITS.jsonDepth + 1) > LIMITS.jsonDepth + 1) {
    return { ok: false, error: protocolError("BAD_REQUEST", `JSON nested deeper than ${LIMITS.jsonDepth} levels`) };
  }
  let items: unknown;
  try {
    items = JSON.parse(body);
  } catch (e) {
    return { ok: false, error: protocolError("BAD_REQUEST", `invalid JSON array: ${(e as Error).message}`) };
  }
  if (!Array.isArray(items)) return { ok: false, error: protocolError("BAD_REQUEST", "expected a JSON array of messages") };
  if (items.length > LIMITS.ingestMessages) return tooManyMessages(items.length);
  const messages: IngestLine[] = [];
  const rejected: IngestRejection[] = [];
  items.forEach((item: unknown, i) => {
    const result = parseIngestValue(item);
    if (result.ok) messages.push({ line: i + 1, message: result.value });
    else rejected.push(rejection(i + 1, result.error));
  });
  return { ok: true, messages, rejected };
}

function parseIngestValue(value: unknown): { ok: true; value: IngestMessage } | { ok: false; error: ErrorMessage } {
  const isHello = typeof value === "object" && value !== null && (value as { type?: unknown }).type === "hello";
  return isHello ? checkHello(value) : parseMessage(IngestMessageSchema, value);
}

function tooManyMessages(count: number): { ok: false; error: ErrorMessage } {
  return { ok: false, error: protocolError("PAYLOAD_TOO_LARGE", `${count} messages in one body (max ${LIMITS.ingestMessages})`) };
}

function lineError(code: ErrorCode, reason: string): ErrorMessage {
  return protocolError(code, reason, { issues: [{ path: "", reason }] });
}

// Maximum bracket nesting outside strings: lets absurdly deep input be refused
// before JSON.parse builds it (V8 parses 10^6 levels, but consumers may recurse).
function jsonDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 125 /* } */ || c === 93 /* ] */) depth--;
  }
  return max;
}
