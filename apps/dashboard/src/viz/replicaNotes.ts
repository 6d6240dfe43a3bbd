// What a replica's restarts mean for its figures: an incarnation above 0 (it restarted
// without its state) and dot reuse (it re-issued update ids its earlier self had issued).

import type { ReplicaInfo } from "@driftscope/protocol";

/** One note on a replica: a short badge and the sentence behind it. */
export interface ReplicaNote {
  key: "incarnation" | "dot-reuse";
  short: string;
  text: string;
  tone?: "warn";
}

/** Notes for a replica (none for one that never restarted). */
export function replicaNotes(info: Pick<ReplicaInfo, "incarnation" | "dotReuse"> | undefined): ReplicaNote[] {
  const notes: ReplicaNote[] = [];
  const incarnation = info?.incarnation ?? 0;
  if (incarnation > 0) notes.push({ key: "incarnation", short: `inc ${incarnation}`, text: `restarted without its state: incarnation ${incarnation}` });
  const reuse = info?.dotReuse;
  if (reuse) {
    const ids = reuse.fromSeq === reuse.toSeq ? `id ${reuse.fromSeq}` : `ids ${reuse.fromSeq}–${reuse.toSeq}`;
    const holders = `${reuse.holders} replica${reuse.holders === 1 ? "" : "s"}`;
    notes.push({
      key: "dot-reuse",
      short: "⚠ dot reuse",
      text: `restarted empty and reuses update ${ids} that ${holders} already hold: its updates' figures are not exact from then on`,
      tone: "warn",
    });
  }
  return notes;
}
