import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { describeRange, type LimitedField } from "@driftscope/protocol";
import { configSender } from "../net/runtime.js";
import { fieldValue } from "../store/controlValues.js";
import { useDashboard } from "../store/store.js";
import { SLIDER_STEPS, sliderToValue, valueToSlider, type SliderScale } from "../viz/scales.js";
import { checkTyped } from "../viz/typedValue.js";
import { FieldStatus } from "./FieldStatus.js";

export interface SliderFieldProps {
  /** Test ids: `<testId>-slider`, `<testId>-input`, `<testId>-status`, `<testId>-error`. */
  testId: string;
  label: string;
  /** A numeric field; what the box accepts is the protocol's range for it. */
  field: LimitedField;
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

/**
 * A slider with a numeric box: changes apply at once (debounced) and show their status. A
 * typed value outside the protocol's range, or not a number, is refused here with the
 * reason and the range, and is not sent: the value in force stays.
 */
export function SliderField({ testId, label, field, scale, unit, toDisplay = id, fromDisplay = id, format, hint, disabled, fallback }: SliderFieldProps) {
  const { state, fields, config } = useDashboard(useShallow((s) => ({ state: s.fields[field], fields: s.fields, config: s.live.config })));
  const value = toDisplay(fieldValue<number>(field, fields, config, fallback));
  const [text, setText] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const reset = () => {
    setText(null);
    setProblem(null);
  };
  const commitText = () => {
    if (text === null) return;
    const checked = checkTyped(field, text, fromDisplay);
    if (!checked.ok) {
      setProblem(checked.problem);
      return;
    }
    reset();
    if (toDisplay(checked.value) !== value) configSender.edit(field, checked.value, true);
  };
  const inputId = `${testId}-input`;
  const errorId = `${testId}-error`;
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
          onChange={(e) => {
            reset();
            configSender.edit(field, fromDisplay(sliderToValue(scale, Number(e.target.value))));
          }}
          onKeyDown={(e) => {
            if (e.key === "Escape") configSender.edit(field, fromDisplay(value), true);
          }}
        />
        {/* A text box, not type=number: the browser would turn "abc" into "" without a word. */}
        <input
          id={inputId}
          type="text"
          inputMode="decimal"
          value={text ?? String(value)}
          disabled={disabled}
          data-testid={inputId}
          title={`${label}: ${describeRange(field)}`}
          aria-invalid={problem !== null}
          aria-describedby={problem !== null ? errorId : undefined}
          onChange={(e) => setText(e.target.value)}
          onBlur={commitText}
          onKeyDown={(e) => {
            if (e.key === "Enter") commitText();
            if (e.key === "Escape") reset();
          }}
        />
        <span className="unit">{unit}</span>
      </div>
      {problem !== null ? (
        <div className="field-error" role="alert" id={errorId} data-testid={errorId}>
          {problem} — not sent; {format(value)} stays in force (Esc restores it).
        </div>
      ) : (
        state?.phase === "failed" && <div className="field-error" role="alert">{state.error}</div>
      )}
      {hint && <div className="note">{hint}</div>}
    </div>
  );
}
