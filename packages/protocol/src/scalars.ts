import { z } from "zod";
import { LIMITS } from "./limits.js";

// Scalar building blocks shared by every message family. zod 4 numbers already
// refuse NaN and ±Infinity; integers are safe integers.

/** A point in time: ms since the Unix epoch, in the collector's clock (fractions allowed). */
export const TimeMsSchema = z.number().min(0).max(LIMITS.timeMs);

/** A duration or age in ms (≥ 0, fractions allowed). */
export const DurationMsSchema = z.number().min(0).max(LIMITS.durationMs);

/** A sequence number of a dot or a message counter: a safe integer ≥ 0. */
export const SeqSchema = z.int().min(0);

/** A count of things (messages, bytes, replicas): a safe integer ≥ 0. */
export const CountSchema = z.int().min(0);

/** A non-negative finite rate (per second) or other measured quantity. */
export const RateSchema = z.number().min(0);

/** A fraction in [0, 1]. */
export const ShareSchema = z.number().min(0).max(1);

/**
 * A lone UTF-16 surrogate: with the `u` flag a well-formed pair reads as one code point, so
 * only unpaired halves match. Such text cannot be written as UTF-8 (exports, other
 * languages' clients, SQLite would replace or choke on it), so it is refused at the door.
 */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Where `text` holds a lone surrogate (UTF-16 index), or -1 when it is valid Unicode. */
export function loneSurrogateAt(text: string): number {
  const m = LONE_SURROGATE.exec(text);
  return m === null ? -1 : m.index;
}

/** A string of at most `max` characters that is valid Unicode (no lone surrogate). */
function text(max: number, min = 0) {
  return z
    .string()
    .min(min)
    .max(max)
    .refine((s) => loneSurrogateAt(s) < 0, { error: (issue) => `text with a lone surrogate at character ${loneSurrogateAt(String(issue.input))} (not valid Unicode) refused` });
}

/** A short human-readable string (names, value summaries), at most `LIMITS.stringLength` chars of valid Unicode. */
export const ShortTextSchema = text(LIMITS.stringLength);

/** A longer human-readable text (event details), at most `LIMITS.messageLength` chars of valid Unicode. */
export const LongTextSchema = text(LIMITS.messageLength);

/** A secret token (compared by the collector, never echoed), valid Unicode. */
export const TokenSchema = text(LIMITS.tokenLength, 1);
