import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { SELECTION_COLOURS } from "../charts/common.js";
import { useExport } from "../hooks/useExport.js";
import { useView } from "../hooks/useView.js";
import { configSender } from "../net/runtime.js";
import { fieldValue, toggledCrash } from "../store/controlValues.js";
import { columnsAt, kpisAt, replayAtMs, shownTimeLabel } from "../store/replayView.js";
import { useDashboard } from "../store/store.js";
import { formatBytes, formatCount, formatDurationMs } from "../viz/format.js";
import { appliesText, gossipDifferences, gossipText } from "../viz/sections.js";
import { sortRows, visibleRows, type SortKey } from "../viz/table.js";
import { ChartCard } from "./ChartCard.js";
import { ReplicaBadges } from "./ReplicaBadges.js";

export interface ReplicaTableProps {
  className?: string;
}

const ROW_PX = 26;
const VIEWPORT_PX = 330;
const STATUS = ["live", "unreachable", "crashed"] as const;
const STATUS_COLOUR = ["#15803d", "#b45309", "#6b7280"] as const;
const COLUMNS: { key: SortKey; label: string; title: string }[] = [
  { key: "id", label: "Replica", title: "Replica id; 'inc n': restarted without its state (incarnation n); '⚠ dot reuse': restarted empty and re-issued update ids others already hold" },
  { key: "status", label: "Status", title: "live, unreachable (silent for 3 report intervals) or crashed" },
  { key: "missing", label: "Missing", title: "Updates issued somewhere but not yet visible here" },
  { key: "staleness", label: "Staleness", title: "Age of the oldest missing update" },
  { key: "updatesPerSec", label: "Updates/s", title: "Updates issued per second" },
  { key: "messagesPerSec", label: "Msgs/s", title: "Gossip messages sent per second" },
  { key: "bytesPerSec", label: "Bytes/s", title: "Gossip bytes sent per second" },
  { key: "configVersion", label: "Config", title: "Config version acknowledged" },
  { key: "stateGroup", label: "State", title: "Replicas with the same state share a number (0 = the largest group)" },
];

/** Sortable per-replica figures; a row click selects the replica everywhere. */
export function ReplicaTable({ className }: ReplicaTableProps) {
  const { model } = useView(500);
  const { selected, hovered, selectReplica, setHovered, fields, view } = useDashboard(
    useShallow((s) => ({ selected: s.selected, hovered: s.hovered, selectReplica: s.selectReplica, setHovered: s.setHovered, fields: s.fields, view: s.view })),
  );
  const [sort, setSort] = useState<{ key: SortKey; desc: boolean }>({ key: "id", desc: false });
  const [scrollTop, setScrollTop] = useState(0);
  const onExport = useExport("replicas");
  // A replay shows the recorded frame at the scrubber's time, and says which time in the subtitle.
  const at = useDashboard(replayAtMs);
  const cols = columnsAt(model, at)?.columns ?? null;
  const order = sortRows(model.order, cols, sort.key, sort.desc);
  const [start, end] = visibleRows(scrollTop, VIEWPORT_PX, ROW_PX, order.length);
  const crashed = fieldValue<string[]>("network.crashed", fields, model.config, []);
  const currentVersion = kpisAt(model, at)?.configVersion;
  const live = view === "live";
  const toggleSort = (key: SortKey) => setSort((s) => (s.key === key ? { key, desc: !s.desc } : { key, desc: key !== "id" }));
  return (
    <ChartCard id="replicas" title="Replicas" subtitle={`${at === null ? "" : `${shownTimeLabel(model, at)} of the recording · `}${order.length} replicas · click a row to select it everywhere, shift-click to add`} className={className} onExport={onExport} exportFormats={["csv"]}>
      <div className="table-wrap" style={{ height: VIEWPORT_PX + 30 }} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="replica-table">
        <table className="replicas" aria-rowcount={order.length + 1}>
          <thead>
            <tr>
              {COLUMNS.map((c) => (
                <th key={c.key} title={c.title} aria-sort={sort.key === c.key ? (sort.desc ? "descending" : "ascending") : "none"}>
                  <button type="button" onClick={() => toggleSort(c.key)} data-testid={`sort-${c.key}`}>
                    {c.label}
                    {sort.key === c.key ? (sort.desc ? " ▼" : " ▲") : ""}
                  </button>
                </th>
              ))}
              {live && <th title="Config sections the replica's node applies: G gossip, W workload, N network faults (an acknowledgement covers only these)">Applies</th>}
              {live && <th>Fault</th>}
            </tr>
          </thead>
          <tbody>
            {start > 0 && <tr style={{ height: start * ROW_PX }} aria-hidden="true" />}
            {order.slice(start, end).map((i) => {
              const id = model.order[i]!;
              const sel = selected.indexOf(id);
              const st = cols?.status[i] ?? 0;
              const info = model.replicaInfo.get(id);
              const appliesNetwork = info?.applies?.includes("network") ?? false;
              // A crash configured for a replica whose node does not simulate faults is in force nowhere.
              const isCrashed = crashed.includes(id) && appliesNetwork;
              const configuredOnly = crashed.includes(id) && !appliesNetwork;
              const acked = cols?.configVersion[i];
              const ownGossip = gossipDifferences(info, model.config?.gossip ?? null);
              return (
                <tr
                  key={id}
                  aria-selected={sel >= 0}
                  tabIndex={0}
                  data-testid={`replica-row-${id}`}
                  onClick={(e) => selectReplica(id, e.shiftKey || e.metaKey || e.ctrlKey)}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" || e.key === " ") {
                      e.preventDefault();
                      selectReplica(id, e.shiftKey);
                    }
                  }}
                  onPointerEnter={() => setHovered(id)}
                  onPointerLeave={() => hovered === id && setHovered(null)}
                  style={hovered === id ? { outline: "1px solid #9ca3af" } : undefined}
                >
                  <td className="id">
                    <span className="dot" style={{ background: sel >= 0 ? SELECTION_COLOURS[sel % SELECTION_COLOURS.length] : "transparent" }} />
                    {id}
                    <ReplicaBadges id={id} info={info} />
                    {ownGossip.length > 0 && info?.gossip && (
                      <span className="tag warn" title={`runs its own gossip, unlike the cluster config (differs in ${ownGossip.join(", ")})`} data-testid={`replica-gossip-${id}`}>
                        {gossipText(info.gossip, formatDurationMs)}
                      </span>
                    )}
                  </td>
                  <td style={{ color: STATUS_COLOUR[st as 0 | 1 | 2] }}>{STATUS[st as 0 | 1 | 2]}</td>
                  <td>{cols ? formatCount(cols.missingUpdates[i]) : "–"}</td>
                  <td>{cols ? formatDurationMs(cols.stalenessMs[i]) : "–"}</td>
                  <td>{cols ? formatCount(cols.updatesPerSec[i]) : "–"}</td>
                  <td>{cols ? formatCount(cols.messagesPerSec[i]) : "–"}</td>
                  <td>{cols ? `${formatBytes(cols.bytesPerSec[i])}` : "–"}</td>
                  <td title={acked === currentVersion ? "runs the current config" : "has not acknowledged the current config"}>
                    {acked === undefined ? "–" : `v${acked}${acked === currentVersion ? " ✓" : " …"}`}
                  </td>
                  <td>{cols ? cols.stateGroup[i] : "–"}</td>
                  {live && (
                    <td className="applies" title={info?.applies?.length ? `applies ${info.applies.join(", ")}` : "its node applies no config section (it runs on its own)"} data-testid={`replica-applies-${id}`}>
                      {appliesText(info?.applies)}
                    </td>
                  )}
                  {live && (
                    <td>
                      <button
                        type="button"
                        className={`btn small ${isCrashed || configuredOnly ? "" : "danger"}`}
                        data-testid={`crash-${id}`}
                        disabled={!appliesNetwork && !configuredOnly}
                        title={
                          configuredOnly
                            ? "A crash is configured for this replica but not in force: its node does not apply the network section. Click to remove it from the config."
                            : !appliesNetwork
                              ? "Its node does not apply the network section (faults): a crash set here would not be in force"
                              : undefined
                        }
                        aria-label={`${isCrashed ? "Restore" : configuredOnly ? "Clear the configured crash of" : "Crash"} replica ${id}`}
                        onClick={(e) => {
                          e.stopPropagation();
                          configSender.edit("network.crashed", toggledCrash(crashed, id, !(isCrashed || configuredOnly)), true);
                        }}
                      >
                        {isCrashed ? "Restore" : configuredOnly ? "Clear" : "Crash"}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
            {end < order.length && <tr style={{ height: (order.length - end) * ROW_PX }} aria-hidden="true" />}
          </tbody>
        </table>
        {order.length === 0 && <div className="empty">No replicas yet — waiting for agents to connect.</div>}
      </div>
    </ChartCard>
  );
}
