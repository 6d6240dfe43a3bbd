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

/** A short human-readable string (names, value summaries), at most `LIMITS.stringLength` chars. */
export const ShortTextSchema = z.string().max(LIMITS.stringLength);

/** A longer human-readable text (event details), at most `LIMITS.messageLength` chars. */
export const LongTextSchema = z.string().max(LIMITS.messageLength);

/** A secret token (compared by the collector, never echoed). */
export const TokenSchema = z.string().min(1).max(LIMITS.tokenLength);
