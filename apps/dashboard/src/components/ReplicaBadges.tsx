import type { ReplicaInfo } from "@driftscope/protocol";
import { replicaNotes } from "../viz/replicaNotes.js";

export interface ReplicaBadgesProps {
  id: string;
  info: ReplicaInfo | undefined;
}

/** Small badges after a replica's id: its incarnation when it restarted empty, and a dot-reuse warning. */
export function ReplicaBadges({ id, info }: ReplicaBadgesProps) {
  return (
    <>
      {replicaNotes(info).map((n) => (
        <span key={n.key} className={`tag ${n.tone ?? ""}`} title={n.text} data-testid={`replica-${n.key}-${id}`}>
          {n.short}
        </span>
      ))}
    </>
  );
}
