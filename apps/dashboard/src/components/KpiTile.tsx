import type { ReactNode } from "react";

export interface KpiTileProps {
  testId: string;
  label: string;
  value: ReactNode;
  unit?: string;
  title?: string;
  tone?: "good" | "warn";
}

/** One headline figure in the header. */
export function KpiTile({ testId, label, value, unit, title, tone }: KpiTileProps) {
  return (
    <div className={`kpi ${tone ?? ""}`} title={title} role="group" aria-label={label}>
      <div className="label">{label}</div>
      <div className="value" data-testid={testId}>
        {value}
        {unit && <small>{unit}</small>}
      </div>
    </div>
  );
}
