import { z } from "zod";
import { LIMITS } from "./limits.js";

/** Every error code a collector may answer with (socket `error` message or HTTP error body). */
export const ERROR_CODES = [
  "BAD_REQUEST",
  "VALIDATION",
  "PROTOCOL_VERSION",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "RATE_LIMITED",
  "PAYLOAD_TOO_LARGE",
  "NOT_FOUND",
  "CONFLICT",
  "INTERNAL",
] as const;

/** One of `ERROR_CODES`. */
export const ErrorCodeSchema = z.enum(ERROR_CODES);
/** One of `ERROR_CODES`. */
export type ErrorCode = z.infer<typeof ErrorCodeSchema>;

/** HTTP status a REST endpoint answers with for each error code. */
export const HTTP_STATUS_BY_CODE: Readonly<Record<ErrorCode, number>> = {
  BAD_REQUEST: 400,
  VALIDATION: 400,
  PROTOCOL_VERSION: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** One problem with an input: the dotted path of the field (`""` for the whole message) and why. */
export const IssueSchema = z.strictObject({
  path: z.string().max(LIMITS.stringLength * 2),
  reason: z.string().max(LIMITS.stringLength * 2),
});
/** One problem with an input, e.g. `{ path: "replicas[3].vv[0][1]", reason: "must be >= 0" }`. */
export type Issue = z.infer<typeof IssueSchema>;

/** The error message (socket event `error`, and the body of every HTTP error answer). */
export const ErrorMessageSchema = z.strictObject({
  type: z.literal("error"),
  code: ErrorCodeSchema,
  message: z.string().max(LIMITS.messageLength),
  issues: z.array(IssueSchema).max(LIMITS.issuesPerError).optional(),
  /** What the error is about: a control request's `requestId`, or `<type>#<seq>` of a report. */
  ref: z.string().max(LIMITS.stringLength).optional(),
});
/** The error message (socket event `error`, and the body of every HTTP error answer). */
export type ErrorMessage = z.infer<typeof ErrorMessageSchema>;

/** Outcome of parsing untrusted input: the typed value, or an error message ready to send. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ErrorMessage };

/** Builds an `ErrorMessage`, clipping the text and the issue list to the protocol limits. */
export function protocolError(
  code: ErrorCode,
  message: string,
  extra: { issues?: readonly Issue[]; ref?: string } = {},
): ErrorMessage {
  const error: ErrorMessage = { type: "error", code, message: clip(message, LIMITS.messageLength) };
  if (extra.issues !== undefined && extra.issues.length > 0) {
    error.issues = extra.issues.slice(0, LIMITS.issuesPerError).map((i) => ({
      path: clip(i.path, LIMITS.stringLength * 2),
      reason: clip(i.reason, LIMITS.stringLength * 2),
    }));
  }
  if (extra.ref !== undefined) error.ref = clip(extra.ref, LIMITS.stringLength);
  return error;
}

/**
 * Turns zod issues into `{ path, reason }` pairs with readable paths.
 * @example formatIssues(err) // [{ path: "replicas[3].vv[0][1]", reason: "must be >= 0" }]
 */
export function formatIssues(error: z.ZodError | readonly z.core.$ZodIssue[]): Issue[] {
  const issues = error instanceof z.ZodError ? error.issues : error;
  const out: Issue[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      // One entry per key, so the path names the offending field itself.
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), reason: "unknown field" });
    } else {
      out.push({ path: formatPath(issue.path), reason: tidy(issue.message) });
    }
  }
  return out;
}

/**
 * Renders a zod path the way a JavaScript reader would write it.
 * @example formatPath(["replicas", 3, "vv", 0, 1]) // "replicas[3].vv[0][1]"
 */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else if (typeof key === "string" && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) out += out === "" ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/**
 * Validates untrusted input against a schema; never throws.
 * @example const r = parseMessage(ReportSchema, json); if (!r.ok) socket.emit("error", r.error);
 */
export function parseMessage<S extends z.ZodType>(
  schema: S,
  input: unknown,
  options: { ref?: string; what?: string } = {},
): ParseResult<z.output<S>> {
  const result = schema.safeParse(input, { error: readableIssue });
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, error: validationError(result.error, options) };
}

/** Builds the `VALIDATION` error for a failed zod parse: message names the first field and reason. */
export function validationError(error: z.ZodError, options: { ref?: string; what?: string } = {}): ErrorMessage {
  const issues = formatIssues(error);
  const first = issues[0];
  const what = options.what ?? "message";
  let message = first === undefined ? `invalid ${what}` : `invalid ${what}: ${first.path || "(root)"}: ${first.reason}`;
  if (issues.length > 1) message += ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""})`;
  return protocolError("VALIDATION", message, { issues, ...(options.ref === undefined ? {} : { ref: options.ref }) });
}

// zod's default texts are written for forms ("Invalid input: expected string,
// received undefined"); these say what a sender must change.
function readableIssue(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case "invalid_type": {
      if (issue.input === undefined) return `required field is missing (expected ${issue.expected})`;
      const expected = issue.expected === "int" ? "an integer" : issue.expected;
      return `expected ${expected}, got ${describe(issue.input)}`;
    }
    case "invalid_union": {
      const discriminator = (issue as { discriminator?: unknown }).discriminator;
      const options = (issue as { options?: unknown }).options;
      if (typeof discriminator === "string" && Array.isArray(options)) {
        // zod reports non-object input as invalid_type, so `input` is an object here.
        const input = issue.input;
        const value = isPlainObject(input) ? input[discriminator] : undefined;
        const expected = options.map(String).join(", ");
        if (value === undefined) return `required field is missing (expected one of: ${expected})`;
        return `unknown ${discriminator} ${describe(value)}; expected one of: ${expected}`;
      }
      return undefined;
    }
    case "invalid_value":
      return `expected ${issue.values.map((v) => JSON.stringify(v)).join(" or ")}, got ${describe(issue.input)}`;
    case "too_big":
      if (issue.origin === "array") return `too many items (max ${String(issue.maximum)})`;
      if (issue.origin === "string") return `too long (max ${String(issue.maximum)} characters)`;
      return `must be ${issue.inclusive === false ? "<" : "<="} ${String(issue.maximum)}`;
    case "too_small":
      if (issue.origin === "array") return `too few items (min ${String(issue.minimum)})`;
      if (issue.origin === "string") return issue.minimum === 1 ? "must not be empty" : `too short (min ${String(issue.minimum)} characters)`;
      return `must be ${issue.inclusive === false ? ">" : ">="} ${String(issue.minimum)}`;
    case "unrecognized_keys":
      return "unknown field";
    default:
      return undefined;
  }
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
  if (typeof value === "string") return clip(JSON.stringify(value), 66);
  if (typeof value === "object") return "an object";
  return typeof value === "bigint" ? "a bigint" : typeof value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function tidy(message: string): string {
  return message.replace(/^Invalid input: /, "");
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
