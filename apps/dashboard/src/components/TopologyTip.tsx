import type { ClusterModel } from "../store/clusterModel.js";
import { replicaNotes } from "../viz/replicaNotes.js";

export interface TopologyTipProps {
  model: ClusterModel;
  id: string;
  x: number;
  y: number;
  width: number;
}

/** Names the replica under the pointer in the topology, with its status and figures. */
export function TopologyTip({ model, id, x, y, width }: TopologyTipProps) {
  const i = model.order.indexOf(id);
  const c = model.latest?.columns;
  const status = ["live", "unreachable", "crashed"][c?.status[i] ?? 0];
  const info = model.replicaInfo.get(id);
  const flip = x > width * 0.65;
  return (
    <div className="tooltip" style={{ top: y + 12, left: flip ? undefined : x + 12, right: flip ? width - x + 12 : undefined }}>
      <b>{id}</b> · {status} · {c?.missingUpdates[i] ?? "–"} missing · {info?.node ?? ""}
      {replicaNotes(info).map((n) => (
        <div key={n.key} className={n.tone === "warn" ? "warn" : undefined}>
          {n.tone === "warn" ? "⚠ " : ""}
          {n.text}
        </div>
      ))}
    </div>
  );
}
