import { COLOURS } from "../charts/common.js";
import type { PlotLayout } from "../charts/plot.js";
import { labelLeft, placeMarkers, type MarkerEvent } from "../viz/markers.js";

export interface MarkerLayerProps {
  markers: readonly MarkerEvent[];
  layout: PlotLayout;
  domain: [number, number];
}

/** Config changes and faults: a dashed line through every panel, labels in two lanes above. */
export function MarkerLayer({ markers, layout, domain }: MarkerLayerProps) {
  const placed = placeMarkers(markers, domain[0], domain[1], layout.width, { lanes: 2, charWidth: 5.6 });
  const top = layout.panels[0]?.top ?? 0;
  const last = layout.panels[layout.panels.length - 1];
  const bottom = last ? last.top + last.height : top;
  return (
    <g aria-hidden="true">
      {placed.map((m, i) => {
        const colour = m.kind === "fault" ? COLOURS.fault : COLOURS.config;
        const x = layout.left + m.x;
        return (
          <g key={`${m.timeMs}-${i}`} data-marker={m.label}>
            {/* Crowded markers lose their label; the line keeps it as a tooltip. */}
            {m.lane === null && <title>{m.title ?? m.label}</title>}
            <line x1={x} x2={x} y1={top} y2={bottom} stroke={colour} strokeDasharray="3 3" strokeWidth="1" opacity="0.8" />
            {m.lane !== null && (
              <text x={layout.left + labelLeft(m, layout.width) + 3} y={top - 18 + m.lane * 12} fontSize="10" fill={colour}>
                <title>{m.title ?? m.label}</title>
                {m.label}
              </text>
            )}
          </g>
        );
      })}
    </g>
  );
}
