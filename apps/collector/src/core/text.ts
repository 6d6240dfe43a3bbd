// Small text helpers for what the collector writes into timelines and errors.
import { LIMITS } from "@driftscope/protocol";

/** Cuts `text` to `max` characters (…), so it fits the protocol's string limits. */
export function clip(text: string, max: number = LIMITS.stringLength): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** "1 replica" / "3 replicas". */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}
