import type { ReactNode } from "react";
import type { LegendItem } from "../viz/chartSvg.js";
import { ExportButtons, type ExportFormat } from "./ExportButtons.js";
import { Legend } from "./Legend.js";

export interface ChartCardProps {
  /** Chart id: the card's test id is `chart-<id>`, its exports `export-<id>-…`. */
  id: string;
  title: string;
  subtitle?: ReactNode;
  legend?: readonly LegendItem[];
  /** Toggles shown next to the export buttons. */
  actions?: ReactNode;
  onExport?(format: ExportFormat): void;
  exportFormats?: readonly ExportFormat[];
  className?: string;
  children: ReactNode;
}

/** A chart's frame: title, options, export buttons, legend, then the chart. */
export function ChartCard({ id, title, subtitle, legend, actions, onExport, exportFormats, className, children }: ChartCardProps) {
  return (
    <section className={`card ${className ?? ""}`} data-testid={`chart-${id}`} aria-labelledby={`chart-${id}-title`}>
      <div className="card-head">
        <div>
          <h2 id={`chart-${id}-title`}>{title}</h2>
          {subtitle && <div className="sub">{subtitle}</div>}
        </div>
        <div className="spacer" />
        <div className="card-actions">
          {actions}
          {onExport && <ExportButtons chart={id} title={title} onExport={onExport} formats={exportFormats} />}
        </div>
      </div>
      {legend && <Legend items={legend} />}
      {children}
    </section>
  );
}
