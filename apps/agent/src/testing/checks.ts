// The contract's rules as pure functions over recorded steps: each returns the problems it
// found, one readable line each (empty when the rule holds).
import { CrdtTypeLabelSchema, HashSchema, ReplicaIdSchema, type SyncCounters } from "@driftscope/protocol";
import type { DotRun, ReplicaSource } from "../ReplicaSource.js";
import type { ReplicaView, Step } from "./observedCluster.js";

const SUMMARY_MAX = 256;

/** A-RS1: ids, type label, vector, hash, size and summary are what the protocol accepts. */
export function digestProblems(source: ReplicaSource, view: ReplicaView): string[] {
  const out = [...view.problems];
  const id = source.id;
  if (!ReplicaIdSchema.safeParse(id).success) out.push(`id ${JSON.stringify(id)} is not a valid replica id`);
  if (!CrdtTypeLabelSchema.safeParse(source.crdtType).success) out.push(`${id}: crdtType ${JSON.stringify(source.crdtType)} is not a valid label`);
  for (const [origin, seq] of view.vv) {
    if (!ReplicaIdSchema.safeParse(origin).success) out.push(`${id}: origin ${JSON.stringify(origin)} is not a valid id (the agent would leave it out)`);
    if (!Number.isSafeInteger(seq) || seq < 0) out.push(`${id}: vector entry ${origin} = ${seq} is not a whole seq`);
  }
  if (!HashSchema.safeParse(view.hash).success) out.push(`${id}: hash ${JSON.stringify(view.hash)} is not a valid hash`);
  if (!Number.isFinite(view.bytes) || view.bytes < 0) out.push(`${id}: size ${view.bytes} is not a byte count`);
  if (typeof view.summary !== "string" || view.summary.length > SUMMARY_MAX) out.push(`${id}: summary longer than ${SUMMARY_MAX} characters`);
  if (source.versionVectorEntry !== undefined && source.versionVectorEntry("driftscope-contract-absent-origin") !== 0) {
    out.push(`${id}: versionVectorEntry of an origin it never saw is not 0`);
  }
  return out;
}

/** A-RS2: no vector entry and no own seq ever goes down. */
export function growthProblems(step: Step, ids: readonly string[]): string[] {
  const out: string[] = [];
  step.after.forEach((after, i) => {
    const before = step.before[i]!;
    for (const [origin, seq] of before.vv) {
      const now = after.vv.get(origin) ?? 0;
      if (now < seq) out.push(`${ids[i]}: ${step.kind} took ${origin} from ${seq} down to ${now}`);
    }
    if (after.seq < before.seq) out.push(`${ids[i]}: ${step.kind} took its seq from ${before.seq} down to ${after.seq}`);
  });
  return out;
}

/**
 * A-RS3: the own seq equals the own vector entry, and every own dot is announced by
 * `updated` exactly once, in order, in the step that issued it.
 */
export function ownSeqProblems(step: Step, ids: readonly string[]): string[] {
  const out: string[] = [];
  step.after.forEach((after, i) => {
    const id = ids[i]!;
    const own = after.vv.get(id) ?? 0;
    if (after.seq !== own) out.push(`${id}: seq() is ${after.seq} but its own vector entry is ${own}`);
    const was = step.before[i]!.vv.get(id) ?? 0;
    const expected = Array.from({ length: Math.max(0, own - was) }, (_, k) => was + 1 + k);
    const seen = step.observed[i]!.updated;
    if (JSON.stringify(seen) !== JSON.stringify(expected)) {
      out.push(`${id}: ${step.kind} moved its own entry ${was} → ${own}, so updated() should have said ${JSON.stringify(expected)}; it said ${JSON.stringify(seen)}`);
    }
  });
  return out;
}

/** A-RS4: equal hashes exactly for equal states (the harness's truth), across every pair. */
export function hashProblems(views: readonly ReplicaView[], ids: readonly string[], when: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < views.length; i++) {
    for (let j = i + 1; j < views.length; j++) {
      const sameState = views[i]!.stateKey === views[j]!.stateKey;
      const sameHash = views[i]!.hash === views[j]!.hash;
      if (sameState && !sameHash) out.push(`${when}: ${ids[i]} and ${ids[j]} hold the same state but hash ${views[i]!.hash} ≠ ${views[j]!.hash}`);
      if (!sameState && sameHash) out.push(`${when}: ${ids[i]} and ${ids[j]} hold different states under one hash ${views[i]!.hash}`);
    }
  }
  return out;
}

/** A-RS5: a removal that changed the state changed the hash (even where it issued no dot). */
export function removalProblems(step: Step, ids: readonly string[]): string[] {
  if (step.kind !== "remove" || step.at === undefined) return [];
  const before = step.before[step.at]!;
  const after = step.after[step.at]!;
  if (before.stateKey !== after.stateKey && before.hash === after.hash) return [`${ids[step.at]}: a removal changed the state but not the hash ${after.hash}`];
  return [];
}

/** Merges, changed merges and received bytes during a step, from the source's counters or its observer calls. */
export function syncDelta(step: Step, i: number): { merges: number; changed: number; received: number; receivedBytes: number } {
  const a = step.after[i]!.counters;
  const b = step.before[i]!.counters;
  if (a !== undefined && b !== undefined) {
    return { merges: a.merges - b.merges, changed: a.changedMerges - b.changedMerges, received: a.receivedMessages - b.receivedMessages, receivedBytes: a.receivedBytes - b.receivedBytes };
  }
  const o = step.observed[i]!;
  return { merges: o.merges.length, changed: o.merges.filter((m) => m.changed).length, received: o.receivedMessages, receivedBytes: o.receivedBytes };
}

/**
 * A-RS6: merges are reported once and truthfully. A sync is one merge at its receiver and
 * none elsewhere; it counts as changing exactly when the receiver's state changed; the
 * message that arrived is counted (its bytes: see `receivedBytesProblems`). A local change is no merge. During gossip, a replica whose state
 * did not change reports no changing merge, and one whose state changed reports at least one.
 */
export function mergeProblems(step: Step, ids: readonly string[]): string[] {
  const out: string[] = [];
  step.after.forEach((after, i) => {
    const id = ids[i]!;
    const d = syncDelta(step, i);
    const stateChanged = after.stateKey !== step.before[i]!.stateKey;
    if (d.changed > d.merges) out.push(`${id}: ${d.changed} changing merges out of ${d.merges} merges`);
    if (step.kind === "sync") {
      const receiver = i === step.at;
      const merges = receiver ? 1 : 0;
      if (d.merges !== merges) out.push(`${id}: a sync ${ids[step.from!]} → ${ids[step.at!]} counted ${d.merges} merges here (expected ${merges})`);
      const changed = receiver && stateChanged ? 1 : 0;
      if (d.changed !== changed) {
        out.push(`${id}: a sync ${ids[step.from!]} → ${ids[step.at!]} that ${stateChanged ? "changed" : "did not change"} the state here counted ${d.changed} changing merges`);
      }
      if (receiver && d.received < 1) out.push(`${id}: received a sync payload but counted no message`);
    } else if (step.kind === "gossip") {
      if (!stateChanged && d.changed > 0) out.push(`${id}: state unchanged by gossip, yet ${d.changed} changing merges`);
      if (stateChanged && d.changed === 0) out.push(`${id}: gossip changed its state without a changing merge`);
    } else if (d.merges !== 0) {
      out.push(`${id}: a local ${step.kind} counted ${d.merges} merges`);
    }
  });
  return out;
}

/**
 * A-RS6 (inclusions): a source that says which dots it included (merged's runs or its
 * journal) names every dot newly in its vector exactly once — own-id dots excepted, which
 * `updated` announces — and nothing else.
 */
export function inclusionProblems(step: Step, ids: readonly string[], journals: readonly boolean[]): string[] {
  const out: string[] = [];
  step.after.forEach((after, i) => {
    const id = ids[i]!;
    const said: DotRun[] = [...step.drained[i]!];
    let reports = journals[i]!;
    for (const m of step.observed[i]!.merges) {
      if (m.included === undefined) continue;
      reports = true;
      said.push(...m.included);
    }
    if (!reports) return;
    const expected = new Map<string, [number, number]>();
    for (const [origin, seq] of after.vv) {
      const was = step.before[i]!.vv.get(origin) ?? 0;
      if (origin !== id && seq > was) expected.set(origin, [was + 1, seq]);
    }
    const got = new Map<string, number[]>();
    for (const run of said) {
      if (run.replica === id) continue;
      const seqs = got.get(run.replica) ?? [];
      for (let s = run.from; s <= run.to; s++) seqs.push(s);
      got.set(run.replica, seqs);
    }
    for (const [origin, [from, to]] of expected) {
      const seqs = (got.get(origin) ?? []).sort((a, b) => a - b);
      const want = Array.from({ length: to - from + 1 }, (_, k) => from + k);
      if (JSON.stringify(seqs) !== JSON.stringify(want)) out.push(`${id}: ${step.kind} included ${origin} ${from}..${to} but reported ${compact(seqs)}`);
      got.delete(origin);
    }
    for (const [origin, seqs] of got) out.push(`${id}: ${step.kind} reported ${origin} ${compact(seqs)} as included, yet its vector did not move there`);
  });
  return out;
}

/** A-RS6 (bytes): a run whose syncs carried new state counted the bytes that arrived. */
export function receivedBytesProblems(steps: readonly Step[], ids: readonly string[]): string[] {
  const carried = steps.filter((s) => (s.kind === "sync" || s.kind === "gossip") && s.after.some((v, i) => v.stateKey !== s.before[i]!.stateKey));
  if (carried.length === 0) return [];
  const bytes = carried.reduce((n, s) => n + s.after.reduce((m, _, i) => m + syncDelta(s, i).receivedBytes, 0), 0);
  return bytes > 0 ? [] : [`${carried.length} syncs brought new state to ${ids.join(", ")}, yet no received bytes were counted`];
}

/** A-RS7: cumulative counters never go down, and changing merges are merges. */
export function counterProblems(step: Step, ids: readonly string[]): string[] {
  const out: string[] = [];
  step.after.forEach((after, i) => {
    const a = after.counters;
    const b = step.before[i]!.counters;
    if (a === undefined) return;
    const id = ids[i]!;
    if (a.changedMerges > a.merges) out.push(`${id}: ${a.changedMerges} changing merges but only ${a.merges} merges`);
    if (b === undefined) return;
    for (const key of COUNTERS) if (a[key] < b[key]) out.push(`${id}: counter ${key} went from ${b[key]} down to ${a[key]}`);
    for (const [kind, c] of Object.entries(b.byKind ?? {})) {
      const now = a.byKind?.[kind as keyof NonNullable<SyncCounters["byKind"]>];
      if (c !== undefined && (now === undefined || now.messages < c.messages || now.bytes < c.bytes)) out.push(`${id}: counter byKind.${kind} went down`);
    }
  });
  return out;
}

const COUNTERS = ["sentMessages", "sentBytes", "receivedMessages", "receivedBytes", "merges", "changedMerges"] as const;

/** Observer calls the agent would have to distrust (bad arguments, calls after stop). */
export function callProblems(step: Step): string[] {
  return step.observed.flatMap((o) => o.problems);
}

function compact(seqs: readonly number[]): string {
  if (seqs.length === 0) return "nothing";
  return seqs.length <= 6 ? seqs.join(",") : `${seqs.slice(0, 3).join(",")}…${seqs.slice(-2).join(",")} (${seqs.length})`;
}
