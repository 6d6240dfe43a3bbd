import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import type { Cut } from "@driftscope/protocol";
import { configSender } from "../net/runtime.js";
import { fieldValue } from "../store/controlValues.js";
import { useDashboard } from "../store/store.js";
import { FieldStatus } from "./FieldStatus.js";

export interface CutsEditorProps {
  disabled?: boolean;
  /** Why a cut would be in force nowhere (no live replica applies the network section); adding is disabled, removing stays. */
  notInForce?: string | null;
}

/** One-way cuts: messages from one replica to another are dropped (the reverse still works). */
export function CutsEditor({ disabled: off, notInForce }: CutsEditorProps) {
  const disabled = off || !!notInForce;
  const { ids, fields, config, state } = useDashboard(useShallow((s) => ({ ids: s.live.order, fields: s.fields, config: s.live.config, state: s.fields["network.cuts"] })));
  const cuts = fieldValue<Cut[]>("network.cuts", fields, config, []);
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const a = from || ids[0] || "";
  const b = to || ids[1] || "";
  const exists = cuts.some((c) => c.from === a && c.to === b);
  return (
    <div className="field" data-testid="cuts-editor">
      <div className="field-head">
        <span>One-way cuts</span>
        <FieldStatus field={state} testId="cuts" />
      </div>
      <div className="inline">
        <select aria-label="Cut from replica" value={a} onChange={(e) => setFrom(e.target.value)} data-testid="cut-from" disabled={disabled}>
          {ids.map((id) => (
            <option key={id}>{id}</option>
          ))}
        </select>
        <span aria-hidden="true">↛</span>
        <select aria-label="Cut to replica" value={b} onChange={(e) => setTo(e.target.value)} data-testid="cut-to" disabled={disabled}>
          {ids.map((id) => (
            <option key={id}>{id}</option>
          ))}
        </select>
        <button
          type="button"
          className="btn small"
          disabled={disabled || !a || !b || a === b || exists}
          data-testid="cut-add"
          onClick={() => configSender.edit("network.cuts", [...cuts, { from: a, to: b }], true)}
        >
          Cut
        </button>
      </div>
      {cuts.length > 0 && (
        <ul className={`list ${notInForce ? "inert" : ""}`} aria-label={notInForce ? "Configured cuts, not in force" : "Active cuts"}>
          {notInForce && <li className="note not-in-force">configured, in force nowhere:</li>}
          {cuts.map((c) => (
            <li key={`${c.from}>${c.to}`}>
              {c.from} ↛ {c.to}
              <button
                type="button"
                className="btn small"
                disabled={off}
                aria-label={`Remove cut ${c.from} to ${c.to}`}
                data-testid={`cut-remove-${c.from}-${c.to}`}
                onClick={() => configSender.edit("network.cuts", cuts.filter((x) => x !== c), true)}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      {state?.phase === "failed" && <div className="field-error" role="alert">{state.error}</div>}
    </div>
  );
}
