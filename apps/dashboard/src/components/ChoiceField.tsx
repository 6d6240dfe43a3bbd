import { useShallow } from "zustand/react/shallow";
import { configSender } from "../net/runtime.js";
import { fieldValue } from "../store/controlValues.js";
import type { FieldKey } from "../store/controlsSlice.js";
import { useDashboard } from "../store/store.js";
import { FieldStatus } from "./FieldStatus.js";

export interface ChoiceFieldProps {
  testId: string;
  label: string;
  field: FieldKey;
  options: readonly { value: string; label: string; title?: string }[];
  disabled?: boolean;
}

/** A small radio group (gossip mode, payload); a choice applies at once. */
export function ChoiceField({ testId, label, field, options, disabled }: ChoiceFieldProps) {
  const { state, fields, config } = useDashboard(useShallow((s) => ({ state: s.fields[field], fields: s.fields, config: s.live.config })));
  const value = fieldValue<string>(field, fields, config, options[0]?.value ?? "");
  return (
    <div className="field">
      <div className="field-head">
        <span id={`${testId}-label`}>{label}</span>
        <FieldStatus field={state} testId={testId} />
      </div>
      <div className="seg" role="radiogroup" aria-labelledby={`${testId}-label`} data-testid={testId}>
        {options.map((o) => (
          <button
            key={o.value}
            type="button"
            role="radio"
            aria-checked={value === o.value}
            title={o.title}
            disabled={disabled}
            data-testid={`${testId}-${o.value}`}
            onClick={() => configSender.edit(field, o.value, true)}
          >
            {o.label}
          </button>
        ))}
      </div>
      {state?.phase === "failed" && <div className="field-error" role="alert">{state.error}</div>}
    </div>
  );
}
