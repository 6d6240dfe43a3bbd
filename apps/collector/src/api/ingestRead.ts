// An ingest body (docs/protocol.md §8) read as bytes into one Buffer, never decoded whole
// into a string: 8 MiB strings live in V8's old space, and a stream of hostile bodies grew
// the heap by hundreds of MB of garbage that no collection reclaimed for minutes.
// The first lines of an NDJSON body are checked as they arrive: when they are mostly
// refused (REFUSED_LINES_BEFORE_STOP, the rule a body read whole follows too), the rest is
// not read at all (the caller answers and closes the connection). Reading and dropping it
// instead cost about as much CPU as judging it: 8 MiB through the HTTP parser per body.
import type { IncomingMessage } from "node:http";
import { protocolError, type ErrorMessage } from "@driftscope/protocol";
import { TimeSlice, type LoopShare } from "../ingest/timeSlice.js";

/** Lines refused by the checks, when more than passed them, after which the rest of a body is not read. */
export const REFUSED_LINES_BEFORE_STOP = 100;
/** The first lines watched while reading: past them (or past PREFIX_BYTES) the body is read whole. */
const PREFIX_LINES = 2 * REFUSED_LINES_BEFORE_STOP;
const PREFIX_BYTES = 1024 * 1024;
/** First allocation for a body; it doubles as bytes arrive, up to the declared length. */
const FIRST_BYTES = 256 * 1024;

export interface ReadOptions {
  /** Largest body in bytes (over it: PAYLOAD_TOO_LARGE). */
  limit: number;
  /** The state-free checks of one line (size, JSON, shape, schema): why it fails, if it does. Set to watch the first lines. */
  check?: (text: string) => Promise<ErrorMessage | undefined>;
  /** The loop share the checks are charged to (they run while other bodies are applied). */
  share: LoopShare;
  /** Called with the size of every chunk read. */
  onBytes: (bytes: number) => void;
}

/** What was read: the body (or the part of it worth applying) and, when reading stopped early, where. */
export type ReadBody =
  | {
      ok: true;
      /** The body, or the lines of it worth applying when the rest was not read. */
      body: Buffer;
      /** Bytes read from the request. */
      bytes: number;
      /** Where reading stopped, and why: the first line not read, and the lines refused and passed before it. */
      unread?: { line: number; refused: number; passed: number };
      /** Lines already refused by the checks (not parsed again). */
      refused: ReadonlyMap<number, ErrorMessage>;
    }
  | { ok: false; error: ErrorMessage };

export async function readIngestBody(req: IncomingMessage, options: ReadOptions): Promise<ReadBody> {
  const declared = Number(req.headers["content-length"]);
  const size = Number.isSafeInteger(declared) && declared >= 0 ? Math.min(declared, options.limit) : options.limit;
  let buf = Buffer.allocUnsafe(Math.min(size, FIRST_BYTES));
  let filled = 0;
  const watch = options.check !== undefined ? new PrefixWatch(options.check, options.share) : undefined;
  try {
    // Left early, the iterator must not destroy the request: the answer still goes out on it.
    for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      options.onBytes(chunk.length);
      if (filled + chunk.length > options.limit) {
        return { ok: false, error: protocolError("PAYLOAD_TOO_LARGE", `request body larger than ${options.limit} bytes`) };
      }
      if (filled + chunk.length > buf.length) {
        const grown = Buffer.allocUnsafe(Math.min(options.limit, Math.max(buf.length * 2, filled + chunk.length)));
        buf.copy(grown, 0, 0, filled);
        buf = grown;
      }
      chunk.copy(buf, filled);
      filled += chunk.length;
      const stop = watch === undefined ? undefined : await watch.scan(buf, filled);
      if (stop !== undefined) {
        return { ok: true, body: buf.subarray(0, stop.end), bytes: filled, unread: { line: stop.line, refused: watch!.refusals.size, passed: watch!.passed }, refused: watch!.refusals };
      }
    }
  } catch (error) {
    return { ok: false, error: protocolError("BAD_REQUEST", `the request body could not be read: ${(error as Error).message}`) };
  }
  return { ok: true, body: buf.subarray(0, filled), bytes: filled, refused: watch?.refusals ?? new Map() };
}

/** Follows the first lines of an NDJSON body as its bytes arrive. */
class PrefixWatch {
  /** Where the next line starts. */
  #from = 0;
  /** Lines seen (blank ones included: line numbers count every line). */
  #lines = 0;
  #judged = 0;
  #done = false;
  /** Why each refused line (by number) was refused. */
  readonly refusals = new Map<number, ErrorMessage>();
  passed = 0;

  constructor(
    private readonly check: (text: string) => Promise<ErrorMessage | undefined>,
    private readonly share: LoopShare,
  ) {}

  /** Judges the complete lines in `buf[0, filled)` not judged yet; where to stop reading, if the body is not worth reading on. */
  async scan(buf: Buffer, filled: number): Promise<{ end: number; line: number } | undefined> {
    // A slice per chunk: the wait for the next one is not work.
    const slice = new TimeSlice(undefined, this.share);
    try {
      return await this.#scan(buf, filled, slice);
    } finally {
      await slice.finish();
    }
  }

  async #scan(buf: Buffer, filled: number, slice: TimeSlice): Promise<{ end: number; line: number } | undefined> {
    while (!this.#done) {
      const at = buf.subarray(this.#from, filled).indexOf(10);
      if (at < 0) {
        if (filled > PREFIX_BYTES) this.#done = true; // a line longer than the prefix: read the body whole
        return undefined;
      }
      const start = this.#from;
      const end = start + at > start && buf[start + at - 1] === 13 ? start + at - 1 : start + at;
      this.#from = start + at + 1;
      this.#lines++;
      const first = firstContent(buf, start, end);
      if (first < 0) continue;
      // A JSON array is one text, judged whole; lines past the prefix are judged when applied.
      if ((this.#judged === 0 && buf[first] === 91) /* [ */ || this.#judged >= PREFIX_LINES || start >= PREFIX_BYTES) {
        this.#done = true;
        return undefined;
      }
      this.#judged++;
      await slice.yieldIfDue();
      const problem = await this.check(buf.toString("utf8", start, end));
      if (problem !== undefined) this.refusals.set(this.#lines, problem);
      else this.passed++;
      if (this.refusals.size >= REFUSED_LINES_BEFORE_STOP && this.refusals.size > this.passed) return { end: this.#from, line: this.#lines + 1 };
    }
    return undefined;
  }
}

/** Offset of the first byte in [from, to) that is not JSON whitespace, or -1. */
function firstContent(buf: Buffer, from: number, to: number): number {
  for (let i = from; i < to; i++) {
    const c = buf[i]!;
    if (c !== 32 && c !== 9 && c !== 10 && c !== 13) return i;
  }
  return -1;
}
