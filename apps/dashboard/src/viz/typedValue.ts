// A number typed into a control's box, checked against the protocol's range before it is
// sent. The words are the protocol's, so the dashboard and the collector refuse alike.

import { limitProblem, type LimitedField } from "@driftscope/protocol";

/** The config value to send, or why the text cannot be sent. */
export type TypedValue = { ok: true; value: number } | { ok: false; problem: string };

/**
 * Reads `text` (a decimal comma is accepted) as the number people see, converts it to the
 * config value with `fromDisplay` (loss 5 % → 0.05), and checks it against `field`'s range.
 * @example checkTyped("network.lossRate", "150", (v) => v / 100) // { ok: false, problem: "Message loss … 150 % is too large" }
 */
export function checkTyped(field: LimitedField, text: string, fromDisplay: (shown: number) => number): TypedValue {
  const trimmed = text.trim();
  const shown = trimmed === "" ? Number.NaN : Number(trimmed.replace(",", "."));
  const value = Number.isFinite(shown) ? fromDisplay(shown) : Number.NaN;
  const problem = limitProblem(field, Number.isFinite(shown) ? value : trimmed);
  return problem === null ? { ok: true, value } : { ok: false, problem };
}
