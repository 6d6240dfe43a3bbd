import { useView } from "../hooks/useView.js";
import { configAt, replayAtMs } from "../store/replayView.js";
import { useDashboard } from "../store/store.js";
import { configRows, type ConfigRow } from "../viz/configRows.js";
import { formatElapsed } from "../viz/scales.js";

const SECTIONS: { key: ConfigRow["section"]; title: string }[] = [
  { key: "gossip", title: "Gossip" },
  { key: "workload", title: "Workload" },
  { key: "network", title: "Network" },
  { key: "faults", title: "Faults" },
];

/** The sidebar of a replay: the recording's config at the scrubber's time, read-only (the controls act on the live cluster). */
export function RecordedConfigPanel() {
  const { model } = useView();
  const at = useDashboard(replayAtMs);
  const { config, sinceMs } = configAt(model, at);
  const start = Number.isFinite(model.startMs) ? model.startMs : (at ?? 0);
  const rows = config ? configRows(config) : [];
  return (
    <aside className="sidebar recorded-config" aria-label="Recorded config" data-testid="recorded-config">
      <div className="note" style={{ marginBottom: 10 }}>
        The recording&apos;s config at the scrubber&apos;s time, read-only. The controls act on the live cluster: &ldquo;Back to live&rdquo; to change it.
      </div>
      {config ? (
        <div className="section">
          <h2>Config</h2>
          <div className="config-version" data-testid="recorded-config-version">
            v{config.version}
            {sinceMs !== null && <span className="muted"> · in force since {sinceMs <= start ? "the run's start" : formatElapsed(sinceMs - start)}</span>}
          </div>
        </div>
      ) : (
        <div className="note">This recording does not say which config ran.</div>
      )}
      {SECTIONS.map((s) => {
        const mine = rows.filter((r) => r.section === s.key);
        if (mine.length === 0) return null;
        return (
          <div className="section" key={s.key}>
            <h2>{s.title}</h2>
            <dl className="config-rows">
              {mine.map((r) => (
                <div key={r.key} className="config-row">
                  <dt>{r.label}</dt>
                  <dd data-testid={`recorded-config-${r.key}`}>{r.value}</dd>
                </div>
              ))}
            </dl>
          </div>
        );
      })}
    </aside>
  );
}
