import { useDashboard } from "../store/store.js";
import { formatDurationMs } from "../viz/format.js";
import { gossipText, liveIds, ownGossipGroups } from "../viz/sections.js";

/** Live replicas that run their own gossip, where it differs from the cluster config (they ignore the sliders above). */
export function OwnGossipNote() {
  const key = useDashboard((s) => JSON.stringify(ownGossipGroups(liveIds(s.live.order, s.live.latest?.columns.status), s.live.replicaInfo, s.live.config?.gossip ?? null)));
  const groups = JSON.parse(key) as ReturnType<typeof ownGossipGroups>;
  const cluster = useDashboard((s) => s.live.config?.gossip ?? null);
  if (groups.length === 0) return null;
  return (
    <div className="own-gossip" data-testid="own-gossip">
      <div className="note">Replicas running their own gossip, unlike the cluster config{cluster ? ` (${gossipText(cluster, formatDurationMs)})` : ""}:</div>
      <ul className="list">
        {groups.map((g) => (
          <li key={gossipText(g.settings, formatDurationMs)} title={`differs in ${g.differs.join(", ")}: ${g.ids.join(", ")}`}>
            <span className="tag warn">{gossipText(g.settings, formatDurationMs)}</span> {g.ids.length > 4 ? `${g.ids.slice(0, 4).join(", ")} +${g.ids.length - 4}` : g.ids.join(", ")}
          </li>
        ))}
      </ul>
    </div>
  );
}
