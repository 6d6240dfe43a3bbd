import type { LegendItem } from "../viz/chartSvg.js";

export interface LegendProps {
  items: readonly LegendItem[];
}

/** Chart legend in the same symbols as the exported SVG; each entry's tooltip says what it means. */
export function Legend({ items }: LegendProps) {
  if (items.length === 0) return null;
  return (
    <div className="legend" role="list" aria-label="Legend">
      {items.map((item) => (
        <span className="item" role="listitem" key={item.label} title={item.title} data-has-help={item.title ? "" : undefined}>
          <svg width="18" height="10" aria-hidden="true">
            {item.shape === "dot" && <circle cx="9" cy="5" r="3.5" fill={item.colour} fillOpacity={0.7} />}
            {item.shape === "line" && <line x1="0" x2="18" y1="5" y2="5" stroke={item.colour} strokeWidth="2" />}
            {item.shape === "dash" && <line x1="0" x2="18" y1="5" y2="5" stroke={item.colour} strokeWidth="2" strokeDasharray={item.dash ?? "5 3"} />}
            {item.shape === "swatch" && <rect x="3" y="0" width="10" height="10" fill={item.colour} />}
            {item.shape === "band" && <rect x="0" y="0" width="18" height="10" fill={item.colour} fillOpacity={0.25} />}
            {item.shape === "square" && <rect x="5" y="1" width="8" height="8" fill="none" stroke={item.colour} strokeWidth="1.5" />}
            {item.shape === "ring" && <circle cx="9" cy="5" r="4.2" fill="none" stroke={item.colour} strokeWidth="2" />}
          </svg>
          {item.label}
        </span>
      ))}
    </div>
  );
}
