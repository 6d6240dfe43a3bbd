import { useShallow } from "zustand/react/shallow";
import { closeRun } from "../net/runsActions.js";
import { dashboardStore, useDashboard } from "../store/store.js";
import { formatElapsed } from "../viz/scales.js";

/** Shown while a recorded run is open: which one, a scrubber over its length, back to live. */
export function ReplayBar() {
  const { replay, scrubMs, setScrub } = useDashboard(useShallow((s) => ({ replay: s.replay, scrubMs: s.scrubMs, setScrub: s.setScrub, v: s.dataVersion })));
  if (!replay) return null;
  const start = replay.startMs;
  const end = replay.nowMs;
  const at = scrubMs ?? end;
  const run = replay.run;
  return (
    <div className="banner" role="region" aria-label="Recorded run">
      <strong>Replay</strong>
      <span>{run ? `${run.name || run.id}` : "run"}</span>
      <label className="sr-only" htmlFor="replay-scrubber">Position in the recording</label>
      <input
        id="replay-scrubber"
        type="range"
        min={start}
        max={end}
        step={100}
        value={at}
        data-testid="replay-scrubber"
        aria-valuetext={`${formatElapsed(at - start)} of ${formatElapsed(end - start)}`}
        onChange={(e) => {
          const v = Number(e.target.value);
          setScrub(v >= end ? null : v);
        }}
      />
      <span style={{ fontVariantNumeric: "tabular-nums" }}>
        {formatElapsed(at - start)} / {formatElapsed(end - start)}
      </span>
      <button type="button" className="btn" data-testid="replay-close" onClick={() => closeRun(dashboardStore)}>
        Back to live
      </button>
    </div>
  );
}
