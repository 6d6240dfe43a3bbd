import { useShallow } from "zustand/react/shallow";
import { exportRunJson } from "../charts/exports.js";
import { downloadFile } from "../export/download.js";
import { useView } from "../hooks/useView.js";
import { useDashboard } from "../store/store.js";
import { WINDOWS } from "../store/timeSlice.js";

/** Pause/resume, the window, zoom state and the whole-run JSON export. */
export function TimeBar() {
  const { model } = useView();
  const s = useDashboard(
    useShallow((st) => ({ paused: st.paused, windowMs: st.windowMs, zoom: st.zoom, view: st.view, pause: st.pause, resume: st.resume, setWindow: st.setWindow, setZoom: st.setZoom })),
  );
  const live = s.view === "live";
  return (
    <>
      {live && (
        <button
          type="button"
          className={`btn ${s.paused ? "primary" : ""}`}
          data-testid="time-pause"
          aria-pressed={s.paused}
          onClick={() => (s.paused ? s.resume() : s.pause(model.nowMs))}
          title={s.paused ? "Follow the live data again" : "Freeze the view (data keeps being recorded)"}
        >
          {s.paused ? "▶ Resume" : "❚❚ Pause"}
        </button>
      )}
      <span className="seg" role="group" aria-label="Time window">
        {WINDOWS.map((w) => (
          <button key={w.label} type="button" aria-pressed={s.windowMs === w.ms && !s.zoom} data-testid={`window-${w.ms === null ? "all" : `${w.ms / 60_000}m`}`} onClick={() => s.setWindow(w.ms)}>
            {w.label}
          </button>
        ))}
      </span>
      {s.zoom ? (
        <button type="button" className="btn" data-testid="zoom-reset" onClick={() => s.setZoom(null)} title="Back to the window (or double-click a chart)">
          Zoomed · reset
        </button>
      ) : (
        <span className="note">drag across a chart to zoom</span>
      )}
      <span className="note" aria-live="off">
        {s.paused && live ? "paused — data is still being recorded" : ""}
      </span>
      <div className="spacer" />
      <button type="button" className="btn" data-testid="export-run-json" onClick={() => downloadFile(exportRunJson(model, new Date()))} title="Everything the dashboard holds about this run as JSON">
        Export run (JSON)
      </button>
    </>
  );
}
