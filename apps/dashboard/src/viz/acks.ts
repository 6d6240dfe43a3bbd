// Which live replicas acknowledged a config version (frames carry each replica's
// acknowledged version), and which of them apply the section the change touched: a replica
// whose node does not apply it acknowledges nothing of it (issue 18).

import type { ReplicaInfo } from "@driftscope/protocol";
import type { Section } from "./sections.js";

/** One live replica's acknowledgement of a version. */
export interface ReplicaAck {
  id: string;
  acked: boolean;
  /** Its node applies the section in question. */
  applies: boolean;
}

/** Live replicas (status 0) and whether each runs `version` or later. */
export function replicaAcks(
  order: readonly string[],
  columns: { status: ArrayLike<number>; configVersion: ArrayLike<number> } | null,
  version: number,
  info: ReadonlyMap<string, Pick<ReplicaInfo, "applies">>,
  section: Section,
): ReplicaAck[] {
  if (!columns) return [];
  const out: ReplicaAck[] = [];
  order.forEach((id, i) => {
    if ((columns.status[i] ?? 0) !== 0) return;
    out.push({ id, acked: (columns.configVersion[i] ?? 0) >= version, applies: info.get(id)?.applies?.includes(section) ?? false });
  });
  return out;
}

/** "4/5 live replicas run v7" and whether every one that applies the section does. */
export function ackSummary(acks: readonly ReplicaAck[], version: number): { text: string; done: boolean } {
  const acked = acks.filter((a) => a.acked).length;
  const applying = acks.filter((a) => a.applies);
  const done = acks.length > 0 && acked === acks.length;
  const notApplying = acks.length - applying.length;
  const note = notApplying > 0 ? ` (${notApplying} do${notApplying === 1 ? "es" : ""} not apply the section)` : "";
  return { text: `${done ? "✓ " : ""}${acked}/${acks.length} live replicas acknowledged v${version}${note}`, done };
}
