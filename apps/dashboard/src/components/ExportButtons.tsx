export type ExportFormat = "svg" | "png" | "csv";

export interface ExportButtonsProps {
  /** Chart id used in test ids: export-<chart>-svg|png|csv. */
  chart: string;
  title: string;
  onExport(format: ExportFormat): void;
  formats?: readonly ExportFormat[];
}

/** SVG / PNG / CSV download buttons of a chart. */
export function ExportButtons({ chart, title, onExport, formats = ["svg", "png", "csv"] }: ExportButtonsProps) {
  return (
    <span className="exports" role="group" aria-label={`Export ${title}`}>
      {formats.map((f) => (
        <button
          key={f}
          type="button"
          data-testid={`export-${chart}-${f}`}
          title={f === "csv" ? `Download the data of “${title}” as CSV` : `Download “${title}” as ${f.toUpperCase()}`}
          aria-label={`Export ${title} as ${f.toUpperCase()}`}
          onClick={() => onExport(f)}
        >
          {f.toUpperCase()}
        </button>
      ))}
    </span>
  );
}
