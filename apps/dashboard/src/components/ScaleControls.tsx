import type { ChartScale } from "../hooks/useChartScale.js";
import { formatElapsed } from "../viz/scales.js";
import type { YFit } from "../viz/yFit.js";

export interface LogToggleProps {
  chart: string;
  scale: ChartScale;
  onChange(patch: Partial<ChartScale>): void;
}

/** The per-chart log switch (remembered with the chart's other scale choices). */
export function LogToggle({ chart, scale, onChange }: LogToggleProps) {
  return (
    <label className="inline note">
      <input type="checkbox" checked={scale.log} onChange={(e) => onChange({ log: e.target.checked })} data-testid={`${chart}-log`} /> log scale
    </label>
  );
}

export interface FitNoteProps {
  chart: string;
  fits: readonly (YFit | null)[];
  scale: ChartScale;
  startMs: number;
  onChange(patch: Partial<ChartScale>): void;
}

/** Says when a linear axis fits only the latest regime (earlier values above it), with the way back to everything in view. */
export function FitNote({ chart, fits, scale, startMs, onChange }: FitNoteProps) {
  const fitted = fits.filter((f): f is YFit => f !== null && f.fittedFrom !== null);
  if (scale.log || fitted.length === 0) return null;
  const since = Math.min(...fitted.map((f) => f.fittedFrom!));
  const when = Number.isFinite(startMs) ? formatElapsed(since - startMs) : "the latest change";
  return (
    <div className="fit-note note" data-testid={`${chart}-fit-note`}>
      {scale.fitAll ? (
        <>
          Showing everything in view; the data since the change at {when} sits low.{" "}
          <button type="button" className="btn small" onClick={() => onChange({ fitAll: false })}>
            Fit the latest change
          </button>
        </>
      ) : (
        <>
          ↑ y-axis fitted to the data since the change at {when}; earlier values lie above it.{" "}
          <button type="button" className="btn small" onClick={() => onChange({ fitAll: true })}>
            Show all in view
          </button>
        </>
      )}
    </div>
  );
}
