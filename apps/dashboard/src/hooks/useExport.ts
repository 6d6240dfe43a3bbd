import { useCallback } from "react";
import { exportCsv, exportSvg, type ChartKind, type ExportContext } from "../charts/exports.js";
import type { ExportFormat } from "../components/ExportButtons.js";
import { downloadFile, downloadPng } from "../export/download.js";
import { activeModel, viewDomain } from "../store/selectors.js";
import { dashboardStore } from "../store/store.js";

/** An export handler for a chart, reading the store at click time (what you see is what you get). */
export function useExport(kind: ChartKind, extra: Partial<ExportContext> = {}): (format: ExportFormat) => void {
  const { heatmapMetric, log } = extra;
  return useCallback(
    (format: ExportFormat) => {
      const st = dashboardStore.getState();
      const model = activeModel(st);
      const ctx: ExportContext = { domain: viewDomain(st, model), selected: st.selected, at: new Date(), heatmapMetric, log };
      try {
        if (format === "csv") downloadFile(exportCsv(kind, model, ctx));
        else if (format === "svg") downloadFile(exportSvg(kind, model, ctx));
        else void downloadPng(exportSvg(kind, model, ctx)).catch((e: unknown) => console.error("PNG export failed", e));
      } catch (e) {
        console.error(`export of ${kind} failed`, e);
      }
    },
    [kind, heatmapMetric, log],
  );
}
