import { useDashboard } from "../store/store.js";
import { ControlsPanel } from "./ControlsPanel.js";
import { RecordedConfigPanel } from "./RecordedConfigPanel.js";

/** The left column: the controls of the live cluster, or a replay's recorded config (nothing live is shown in a replay). */
export function Sidebar() {
  const replay = useDashboard((s) => s.view === "replay" && s.replay !== null);
  return replay ? <RecordedConfigPanel /> : <ControlsPanel />;
}
