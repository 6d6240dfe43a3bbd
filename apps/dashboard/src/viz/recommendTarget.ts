// The recommendation's target as typed — p95 under X ms or under k update periods, and an
// optional budget in bytes/s per replica — turned into the API's query, with a reason when
// a box does not hold a usable number.

import type { Target } from "@driftscope/protocol";
import { formatDurationMs } from "./format.js";
import { parseNumber } from "./planDraft.js";

/** The target form as typed. */
export interface TargetInput {
  kind: "ms" | "periods";
  value: string;
  budget: string;
}

/** The target, or why the form does not make one. */
export function targetOf(input: TargetInput): { ok: true; target: Target } | { ok: false; reason: string } {
  const v = parseNumber(input.value);
  if (!(v > 0)) return { ok: false, reason: input.kind === "ms" ? "the p95 target must be a positive number of ms" : "the number of update periods must be positive" };
  const target: Target = input.kind === "ms" ? { p95Ms: v } : { p95UpdatePeriods: v };
  if (input.budget.trim() !== "") {
    const b = parseNumber(input.budget);
    if (!(b > 0)) return { ok: false, reason: "the byte budget must be a positive number of bytes/s per replica (or empty)" };
    target.maxBytesPerSecPerReplica = b;
  }
  return { ok: true, target };
}

/** The target in words at one update rate: "p95 ≤ 2 s", "p95 ≤ 2 update periods (200 ms at 10 upd/s)". */
export function targetText(target: Target, updatesPerSecPerReplica: number): string {
  const budget = target.maxBytesPerSecPerReplica !== undefined ? `, ≤ ${target.maxBytesPerSecPerReplica} B/s per replica` : "";
  if (target.p95Ms !== undefined) return `p95 ≤ ${formatDurationMs(target.p95Ms)}${budget}`;
  const k = target.p95UpdatePeriods!;
  const at = updatesPerSecPerReplica > 0 ? ` (${formatDurationMs((k * 1000) / updatesPerSecPerReplica)} at ${updatesPerSecPerReplica} upd/s)` : "";
  return `p95 ≤ ${k} update period${k === 1 ? "" : "s"}${at}${budget}`;
}
