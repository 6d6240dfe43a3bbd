// A bounded look at an untrusted value before the schemas see it. zod reports every
// problem it finds, so a value the wrong shape in bulk (a Buffer seen as an object with one
// key per byte, an object with 300,000 unknown keys) costs seconds to refuse. This walk
// stops at the first problem and costs at most one step per JSON node; the schemas then
// judge what it lets through.
import { LIMITS, protocolError, type ErrorMessage } from "@driftscope/protocol";

/** Fields of the largest object in any message (a report's replica entry has 14); room to spare. */
export const MAX_FIELDS = LIMITS.fieldsPerObject;
/** Longest list in any message (vvEntries, includedPerReplica, eventsPerReport). */
export const MAX_ITEMS = Math.max(LIMITS.vvEntries, LIMITS.includedPerReplica, LIMITS.eventsPerReport, LIMITS.ingestMessages);
/** JSON nodes in the largest valid message. */
export const MAX_NODES = LIMITS.valuesPerMessage;

/** Any surrogate (a cheap first test: most text has none). */
const SURROGATE = /[\uD800-\uDFFF]/;
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

interface Visit {
  value: object;
  depth: number;
  parent: Visit | undefined;
  key: string | number;
}

/** Why `value` cannot be a message (VALIDATION or BAD_REQUEST, naming the place), or undefined. */
export function shapeProblem(value: unknown, what = "message"): ErrorMessage | undefined {
  if (!isPlainObject(value)) {
    const reason = binaryKind(value) !== undefined ? `binary data (${binaryKind(value)}) refused: a message is a JSON object` : `expected a JSON object, got ${kindOf(value)}`;
    return problem(what, "", reason);
  }
  // Depth-first with an explicit stack (a hostile value must not exhaust the call stack);
  // leaves are checked in place and paths are only spelled out for the one problem found.
  const stack: Visit[] = [{ value, depth: 1, parent: undefined, key: "" }];
  let nodes = 1;
  const at = (visit: Visit, key?: string | number) => pathOf(visit, key);
  const leaf = (v: unknown, visit: Visit, key: string | number): ErrorMessage | undefined => {
    if (typeof v !== "object" || v === null) {
      if (typeof v !== "string" || !SURROGATE.test(v) || !LONE_SURROGATE.test(v)) return undefined;
      return problem(what, at(visit, key), "text with a lone surrogate (not valid Unicode) refused");
    }
    if (visit.depth + 1 > LIMITS.jsonDepth) return problem(what, at(visit, key), `nested deeper than ${LIMITS.jsonDepth} levels`);
    if (!Array.isArray(v) && !isPlainObject(v)) {
      const kind = binaryKind(v);
      return problem(what, at(visit, key), kind !== undefined ? `binary data (${kind}) refused: messages are JSON` : `expected JSON, got ${kindOf(v)}`);
    }
    stack.push({ value: v, depth: visit.depth + 1, parent: visit, key });
    return undefined;
  };
  while (stack.length > 0) {
    const visit = stack.pop()!;
    const v = visit.value;
    if (Array.isArray(v)) {
      if (v.length > MAX_ITEMS) return problem(what, at(visit), `too many items (max ${MAX_ITEMS})`);
      if ((nodes += v.length) > MAX_NODES) return problem(what, "", `more than ${MAX_NODES} JSON values in one message`);
      for (let i = v.length - 1; i >= 0; i--) {
        const found = leaf(v[i], visit, i);
        if (found !== undefined) return found;
      }
      continue;
    }
    const keys = Object.keys(v);
    if (keys.length > MAX_FIELDS) return problem(what, at(visit), `${keys.length} fields (no message object has more than ${MAX_FIELDS})`);
    if ((nodes += keys.length) > MAX_NODES) return problem(what, "", `more than ${MAX_NODES} JSON values in one message`);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (SURROGATE.test(key) && LONE_SURROGATE.test(key)) return problem(what, at(visit), "field name with a lone surrogate refused");
      const found = leaf((v as Record<string, unknown>)[key], visit, key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

function pathOf(visit: Visit, last?: string | number): string {
  const keys: Array<string | number> = last === undefined ? [] : [last];
  for (let v: Visit | undefined = visit; v?.parent !== undefined; v = v.parent) keys.push(v.key);
  let out = "";
  for (let i = keys.length - 1; i >= 0; i--) {
    const k = keys[i]!;
    out += typeof k === "number" ? `[${k}]` : out === "" ? k : `.${k}`;
  }
  return out;
}

function problem(what: string, path: string, reason: string): ErrorMessage {
  const shown = path.length > 200 ? `${path.slice(0, 199)}…` : path;
  return protocolError("VALIDATION", `invalid ${what}: ${shown || "(root)"}: ${reason}`, { issues: [{ path: shown, reason }] });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

function binaryKind(value: unknown): string | undefined {
  if (value instanceof ArrayBuffer) return "ArrayBuffer";
  if (ArrayBuffer.isView(value)) return value.constructor.name;
  return undefined;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return binaryKind(value) ?? "a non-JSON object";
  return typeof value;
}

/**
 * The same bounds read off JSON text before it is parsed (V8 builds an object of 300,000
 * keys in a few hundred ms): nesting deeper than `maxDepth`, an object of more than
 * MAX_FIELDS members, a list of more than MAX_ITEMS, or more than MAX_NODES values.
 * One pass over the characters; returns the reason, or undefined.
 */
export function jsonTextProblem(text: string, from = 0, maxDepth: number = LIMITS.jsonDepth): string | undefined {
  const counts = new Int32Array(maxDepth + 2);
  const isObject = new Uint8Array(maxDepth + 2);
  let depth = 0;
  let values = 0;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Skip the string (escapes included); its content is checked after parsing.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 92) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > maxDepth) return `nested deeper than ${maxDepth} levels`;
      counts[depth] = 1;
      isObject[depth] = c === 123 ? 1 : 0;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      values += counts[depth]!;
      depth = Math.max(0, depth - 1);
    } else if (c === 44 /* , */ && depth > 0) {
      const n = ++counts[depth]!;
      if (isObject[depth] === 1 ? n > MAX_FIELDS : n > MAX_ITEMS) return isObject[depth] === 1 ? `an object with more than ${MAX_FIELDS} fields` : `a list of more than ${MAX_ITEMS} items`;
      if (values + n > MAX_NODES) return `more than ${MAX_NODES} JSON values in one message`;
    }
  }
  return undefined;
}

