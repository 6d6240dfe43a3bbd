import { useState } from "react";
import { useShallow } from "zustand/react/shallow";
import { resumeTuner, switchTunerOff, switchTunerOn } from "../net/tunerActions.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { shownTunerState } from "../store/tunerSlice.js";
import { formatDurationMs } from "../viz/format.js";
import type { TunerField } from "../viz/tunerDraft.js";
import { tunerBadge, tunerTargetText } from "../viz/tunerView.js";

/** The collector's (or the form's) reasons concerning one field, next to it. */
function FieldIssues({ field }: { field: TunerField }) {
  const issues = useDashboard(useShallow((s) => s.tunerIssues.filter((i) => i.field === field)));
  if (issues.length === 0) return null;
  return (
    <div className="field-error" role="alert" data-testid={`tuner-issue-${field}`}>
      {issues.map((i, k) => (
        <div key={k}>{i.reason}</div>
      ))}
    </div>
  );
}

/**
 * The auto-tuner next to the gossip controls (issue 17): switch it on with a target, see
 * what it is doing and why, resume it in one click after a person's change paused it.
 */
export function TunerPanel({ disabled }: { disabled: boolean }) {
  const { state, draft, submit } = useDashboard(useShallow((s) => ({ state: shownTunerState(s), draft: s.tunerDraft, submit: s.tunerSubmit })));
  useDashboard((s) => s.dataVersion); // frames carry the state: follow them
  const nowMs = useDashboard((s) => s.live.nowMs); // the collector's clock, as lastChange's
  const [expanded, setAdvanced] = useState(false);
  // A refused range must be visible: the ranges open by themselves when one is named.
  const rangeIssue = useDashboard((s) => s.tunerIssues.some((i) => i.field === "interval" || i.field === "fanout"));
  const advanced = expanded || rangeIssue;
  const set = dashboardStore.getState().setTunerDraft;
  const badge = tunerBadge(state);
  // Just after a change its reason is also the state's: say it once, under "Last change".
  const busy = disabled || submit.phase === "sending";
  const on = state.enabled;
  return (
    <div className="tuner" data-testid="tuner-panel">
      <div className="field-head inline">
        <strong>Auto-tuner</strong>
        <span className={`status tuner-${badge.tone}`} data-testid="tuner-state" data-state={state.state} role="status" aria-live="polite">
          {badge.text}
        </span>
      </div>
      {state.state === "paused" && (
        <div className="note" data-testid="tuner-paused">
          {state.paused ?? "Paused by a change of the gossip settings."}{" "}
          <button type="button" className="btn small primary" disabled={busy} onClick={() => void resumeTuner(dashboardStore)} data-testid="tuner-resume">
            Resume
          </button>
        </div>
      )}
      {on && state.reason && state.state !== "paused" && state.reason !== state.lastChange?.reason && <div className="note" data-testid="tuner-reason">{state.reason}</div>}
      {on && state.target && (
        <div className="note" data-testid="tuner-target">
          Target: {tunerTargetText(state.target)}
        </div>
      )}
      {on && state.lastChange && (
        <div className="note" data-testid="tuner-last-change">
          Last change v{state.lastChange.version}, {formatDurationMs(Number.isFinite(nowMs) ? Math.max(0, nowMs - state.lastChange.timeMs) : 0)} ago: {state.lastChange.reason.replace(/^tuner:\s*/, "")}
        </div>
      )}
      <div className="inline tuner-target">
        <label htmlFor="tuner-value">p95 ≤</label>
        <input id="tuner-value" type="text" inputMode="decimal" className="short" value={draft.value} disabled={disabled} onChange={(e) => set({ value: e.target.value })} data-testid="tuner-value" />
        <span className="seg" role="radiogroup" aria-label="Target unit">
          <button type="button" role="radio" aria-checked={draft.kind === "ms"} disabled={disabled} onClick={() => set({ kind: "ms" })} data-testid="tuner-kind-ms">
            ms
          </button>
          <button type="button" role="radio" aria-checked={draft.kind === "periods"} disabled={disabled} onClick={() => set({ kind: "periods" })} data-testid="tuner-kind-periods" title="Update periods of the current update rate (1 / updates/s per replica)">
            update periods
          </button>
        </span>
      </div>
      <FieldIssues field="target" />
      <div className="inline tuner-target">
        <label htmlFor="tuner-budget">bytes/s per replica ≤</label>
        <input id="tuner-budget" type="text" inputMode="decimal" className="short" placeholder="any" value={draft.budget} disabled={disabled} onChange={(e) => set({ budget: e.target.value })} data-testid="tuner-budget" />
      </div>
      <FieldIssues field="budget" />
      <button type="button" className="btn small tuner-advanced-toggle" aria-expanded={advanced} onClick={() => setAdvanced(!advanced)} data-testid="tuner-advanced">
        {advanced ? "▾" : "▸"} ranges (interval {draft.intervalMin}–{draft.intervalMax} ms, fanout {draft.fanoutMin}–{draft.fanoutMax})
      </button>
      {advanced && (
        <>
          <div className="inline tuner-target">
            <span>interval</span>
            <input type="text" inputMode="numeric" className="short" aria-label="Interval min (ms)" value={draft.intervalMin} disabled={disabled} onChange={(e) => set({ intervalMin: e.target.value })} data-testid="tuner-interval-min" />
            –
            <input type="text" inputMode="numeric" className="short" aria-label="Interval max (ms)" value={draft.intervalMax} disabled={disabled} onChange={(e) => set({ intervalMax: e.target.value })} data-testid="tuner-interval-max" />
            ms
          </div>
          <FieldIssues field="interval" />
          <div className="inline tuner-target">
            <span>fanout</span>
            <input type="text" inputMode="numeric" className="short" aria-label="Fanout min" value={draft.fanoutMin} disabled={disabled} onChange={(e) => set({ fanoutMin: e.target.value })} data-testid="tuner-fanout-min" />
            –
            <input type="text" inputMode="numeric" className="short" aria-label="Fanout max" value={draft.fanoutMax} disabled={disabled} onChange={(e) => set({ fanoutMax: e.target.value })} data-testid="tuner-fanout-max" />
          </div>
          <FieldIssues field="fanout" />
        </>
      )}
      <div className="inline tuner-actions">
        <button type="button" className="btn primary" disabled={busy} onClick={() => void switchTunerOn(dashboardStore)} data-testid="tuner-on">
          {on ? "Set target" : "Switch on"}
        </button>
        {on && (
          <button type="button" className="btn" disabled={busy} onClick={() => void switchTunerOff(dashboardStore)} data-testid="tuner-off">
            Switch off
          </button>
        )}
        {submit.phase === "sending" && <span className="status sending">sending…</span>}
      </div>
      {submit.phase === "failed" && submit.message && (
        <div className="field-error" role="alert" data-testid="tuner-error">
          {submit.message}
        </div>
      )}
      <FieldIssues field="form" />
    </div>
  );
}
