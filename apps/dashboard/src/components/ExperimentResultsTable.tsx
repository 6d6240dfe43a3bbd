import { useMemo } from "react";
import { useShallow } from "zustand/react/shallow";
import { downloadFile } from "../export/download.js";
import { fetchExperimentCsv } from "../net/experimentsApi.js";
import { shownExperiments } from "../store/experimentsSlice.js";
import { useDashboard } from "../store/store.js";
import { exportFileName } from "../viz/fileName.js";
import { RESULT_COLUMNS, withExperimentColumn } from "../viz/resultColumns.js";
import { ChartCard } from "./ChartCard.js";

export interface ExperimentResultsTableProps {
  className?: string;
}

/** Every point's figures of the experiments on show; CSV is the collector's own export. */
export function ExperimentResultsTable({ className }: ExperimentResultsTableProps) {
  const { shownIds, loaded } = useDashboard(useShallow((s) => ({ shownIds: s.shownIds, loaded: s.loaded })));
  const exps = useMemo(() => shownExperiments({ shownIds, loaded }), [shownIds, loaded]);
  if (exps.length === 0) return null;
  const rows = exps.flatMap((e) => [...e.results].sort((a, b) => a.index - b.index).map((p) => ({ e, p })));
  const onExport = () => {
    void Promise.all(exps.map((e, i) => fetchExperimentCsv(e.id).then((csv) => withExperimentColumn(e.id, csv, i === 0))))
      .then((parts) => downloadFile({ name: exportFileName({ chart: "experiment-results", tags: exps.map((e) => e.id), at: new Date(), ext: "csv" }), mime: "text/csv", text: parts.join("") }))
      .catch((e: unknown) => console.error("results CSV export failed", e));
  };
  return (
    <ChartCard id="exp-table" title="Every point's figures" subtitle={`${rows.length} points · percentiles censored (≥: updates still in flight at the end count as at least their age) · hover a column for its meaning`} className={className} onExport={onExport} exportFormats={["csv"]}>
      <div className="table-wrap" data-testid="exp-table">
        <table className="replicas results">
          <thead>
            <tr>
              {exps.length > 1 && <th>Experiment</th>}
              {RESULT_COLUMNS.map((c) => (
                <th key={c.key} title={c.title}>
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map(({ e, p }) => (
              <tr key={`${e.id}-${p.index}`} data-testid={`exp-row-${e.id}-${p.index}`}>
                {exps.length > 1 && <td>{e.id}</td>}
                {RESULT_COLUMNS.map((c) => {
                  const text = c.text(p);
                  return (
                    <td key={c.key} className={text.startsWith("≥") ? "at-least" : undefined} title={text.startsWith("≥") ? "lower bound: updates still in flight at the end of the point count as at least their age" : undefined}>
                      {text}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </ChartCard>
  );
}
