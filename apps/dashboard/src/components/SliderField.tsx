import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { configSender } from "../net/runtime.js";
import { fieldValue } from "../store/controlValues.js";
import type { FieldKey } from "../store/controlsSlice.js";
import { useDashboard } from "../store/store.js";
import { SLIDER_STEPS, clampToScale, sliderToValue, valueToSlider, type SliderScale } from "../viz/scales.js";
import { FieldStatus } from "./FieldStatus.js";

export interface SliderFieldProps {
  /** Test ids: `<testId>-slider`, `<testId>-input`, `<testId>-status`. */
  testId: string;
  label: string;
  field: FieldKey;
  scale: SliderScale;
  unit: string;
  /** Config value → shown value (e.g. loss rate 0.05 → 5 %), and back. */
  toDisplay?(v: number): number;
  fromDisplay?(v: number): number;
  format(v: number): string;
  hint?: string;
  disabled?: boolean;
  fallback: number;
}

const id = (v: number) => v;

/** A slider with a numeric box: changes apply at once (debounced) and show their status. */
export function SliderField({ testId, label, field, scale, unit, toDisplay = id, fromDisplay = id, format, hint, disabled, fallback }: SliderFieldProps) {
  const { state, fields, config } = useDashboard(useShallow((s) => ({ state: s.fields[field], fields: s.fields, config: s.live.config })));
  const value = toDisplay(fieldValue<number>(field, fields, config, fallback));
  const [text, setText] = useState<string | null>(null);
  const commitText = () => {
    if (text === null) return;
    const parsed = clampToScale(scale, Number(text.replace(",", ".")));
    setText(null);
    if (parsed !== null && parsed !== value) configSender.edit(field, fromDisplay(parsed), true);
  };
  const inputId = `${testId}-input`;
  return (
    <div className="field">
      <div className="field-head">
        <label htmlFor={inputId}>{label}</label>
        <FieldStatus field={state} testId={testId} />
      </div>
      <div className="field-row">
        <input
          type="range"
          min={0}
          max={SLIDER_STEPS}
          step={5}
          value={valueToSlider(scale, value)}
          disabled={disabled}
          data-testid={`${testId}-slider`}
          aria-label={`${label} slider`}
          aria-valuetext={`${format(value)}`}
          onChange={(e) => configSender.edit(field, fromDisplay(sliderToValue(scale, Number(e.target.value))))}
          onKeyDown={(e) => {
            if (e.key === "Escape") configSender.edit(field, fromDisplay(value), true);
          }}
        />
        <input
          id={inputId}
          type="number"
          inputMode="decimal"
          value={text ?? String(value)}
          disabled={disabled}
          data-testid={inputId}
          min={scale.kind === "log0" ? 0 : scale.min}
          max={scale.max}
          onChange={(e) => setText(e.target.value)}
          onBlur={commitText}
          onKeyDown={(e) => {
            if (e.key === "Enter") commitText();
            if (e.key === "Escape") setText(null);
          }}
        />
        <span className="unit">{unit}</span>
      </div>
      {state?.phase === "failed" && <div className="field-error" role="alert">{state.error}</div>}
      {hint && <div className="note">{hint}</div>}
    </div>
  );
}
