import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { configSender } from "../net/runtime.js";
import { fieldValue } from "../store/controlValues.js";
import { useDashboard } from "../store/store.js";
import { displayGroups, moveToGroup, splitIntoGroups } from "../viz/partitions.js";
import { FieldStatus } from "./FieldStatus.js";

export interface PartitionEditorProps {
  disabled?: boolean;
  /** Why a partition would be in force nowhere (no live replica applies the network section); splitting is disabled, healing stays. */
  notInForce?: string | null;
}

/** Split the cluster into k groups, move replicas between groups, or heal. */
export function PartitionEditor({ disabled: off, notInForce }: PartitionEditorProps) {
  const disabled = off || !!notInForce;
  const { ids, fields, config, state } = useDashboard(
    useShallow((s) => ({ ids: s.live.order, fields: s.fields, config: s.live.config, state: s.fields["network.partitions"] })),
  );
  const crashed = fieldValue<string[]>("network.crashed", fields, config, []);
  const partitions = fieldValue<string[][]>("network.partitions", fields, config, []);
  const groups = displayGroups(ids, partitions);
  const [k, setK] = useState(2);
  const [picked, setPicked] = useState<string[]>([]);
  const send = (next: string[][]) => {
    configSender.edit("network.partitions", next, true);
    setPicked([]);
  };
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id]));
  return (
    <div className="field" data-testid="partition-editor">
      <div className="field-head">
        <span>Partitions</span>
        <FieldStatus field={state} testId="partitions" />
      </div>
      <div className="inline" style={{ marginBottom: 6 }}>
        <label htmlFor="partition-k">Split into</label>
        <input id="partition-k" type="number" min={2} max={Math.max(2, Math.min(16, ids.length))} value={k} onChange={(e) => setK(Math.max(2, Number(e.target.value) || 2))} style={{ width: 50 }} disabled={disabled} data-testid="partition-k" />
        <span>groups</span>
        <button type="button" className="btn small" disabled={disabled || ids.length < 2} onClick={() => send(splitIntoGroups(ids, k))} data-testid="partition-split">
          Split
        </button>
        <button type="button" className="btn small" disabled={off || partitions.length === 0} onClick={() => send([])} data-testid="partition-heal" title={notInForce && partitions.length > 0 ? "Remove the configured partition (it is not in force anyway)" : undefined}>
          Heal
        </button>
      </div>
      {notInForce && partitions.length > 0 && (
        <div className="note not-in-force" data-testid="partition-not-in-force">
          A partition into {partitions.length} groups is configured but in force nowhere: no live replica applies the network section.
        </div>
      )}
      <div className={`groups ${notInForce ? "inert" : ""}`}>
        {groups.map((g, gi) => (
          <div className="group" key={gi} data-testid={`partition-group-${gi}`}>
            <div className="group-head">
              <span>
                {groups.length === 1 ? "All replicas (no partition)" : notInForce ? `Configured group ${gi + 1} (not in force)` : `Group ${gi + 1}`} · {g.length}
              </span>
              {picked.length > 0 && (
                <button type="button" className="btn small" disabled={disabled} onClick={() => send(moveToGroup(groups, picked, gi))} data-testid={`partition-move-${gi}`}>
                  Move {picked.length} here
                </button>
              )}
            </div>
            <div className="chips" role="group" aria-label={`Replicas in group ${gi + 1}`}>
              {g.map((id) => (
                <button key={id} type="button" className={`chip ${crashed.includes(id) ? "crashed" : ""}`} aria-pressed={picked.includes(id)} onClick={() => toggle(id)} disabled={disabled}>
                  {id}
                </button>
              ))}
            </div>
          </div>
        ))}
        {picked.length > 0 && (
          <button type="button" className="btn small" disabled={disabled} onClick={() => send(moveToGroup(groups, picked, groups.length))} data-testid="partition-move-new">
            Move {picked.length} to a new group
          </button>
        )}
      </div>
      {state?.phase === "failed" && <div className="field-error" role="alert">{state.error}</div>}
      <div className="note">Pick replicas, then move them. Replicas in different groups cannot gossip.</div>
    </div>
  );
}
