import { useState } from "react";
import { COLOURS } from "../charts/common.js";
import type { PlotLayout } from "../charts/plot.js";
import { moreText, placeMarkers, type MarkerEvent, type PlacedMarker } from "../viz/markers.js";

export interface MarkerLayerProps {
  markers: readonly MarkerEvent[];
  layout: PlotLayout;
  domain: [number, number];
}

const CHAR_WIDTH = 5.6;
const colourOf = (m: MarkerEvent) => (m.kind === "fault" ? COLOURS.fault : COLOURS.config);

/**
 * Config changes and faults: a dashed line through every panel, labels in two lanes above.
 * Labels with no room are merged into the one before as "+n", which lists them on hover.
 */
export function MarkerLayer({ markers, layout, domain }: MarkerLayerProps) {
  const placed = placeMarkers(markers, domain[0], domain[1], layout.width, { lanes: 2, charWidth: CHAR_WIDTH });
  const [open, setOpen] = useState<number | null>(null);
  const top = layout.panels[0]?.top ?? 0;
  const last = layout.panels[layout.panels.length - 1];
  const bottom = last ? last.top + last.height : top;
  const laneY = (lane: number) => top - 18 + lane * 12;
  const host = open !== null ? placed.find((m) => m.timeMs === open && m.more.length > 0) : undefined;
  return (
    <g className="markers">
      {placed.map((m, i) => {
        const colour = colourOf(m);
        const x = layout.left + m.x;
        return (
          <g key={`${m.timeMs}-${i}`} data-marker={m.label} data-marker-lane={m.lane ?? "merged"}>
            {/* A merged marker keeps its words as the line's tooltip. */}
            {m.lane === null && <title>{m.title ?? m.label}</title>}
            <line x1={x} x2={x} y1={top} y2={bottom} stroke={colour} strokeDasharray="3 3" strokeWidth="1" opacity="0.8" />
            {m.lane !== null && (
              <text x={layout.left + m.left + 3} y={laneY(m.lane)} fontSize="10" fill={colour}>
                <title>{m.title ?? m.label}</title>
                {m.label}
                {/* The "+n" follows the label's real width, and lists what it holds while hovered. */}
                {m.more.length > 0 && (
                  <tspan
                    className="marker-more"
                    data-testid="marker-more"
                    data-count={m.more.length}
                    dx="4"
                    fontWeight="600"
                    fill="#374151"
                    style={{ cursor: "default" }}
                    onMouseEnter={() => setOpen(m.timeMs)}
                    onMouseLeave={() => setOpen(null)}
                  >
                    {moreText(m)}
                  </tspan>
                )}
              </text>
            )}
          </g>
        );
      })}
      {host && <MergedList host={host} x={layout.left + host.left + host.labelWidth} y={laneY(host.lane ?? 0) + 4} maxX={layout.left + layout.width} />}
    </g>
  );
}

interface MergedListProps {
  host: PlacedMarker;
  x: number;
  y: number;
  maxX: number;
}

/** The markers behind a "+n", listed under it with their times while the pointer is on it. */
function MergedList({ host, x, y, maxX }: MergedListProps) {
  const lines = host.more.map((e) => ({ text: `${e.when ? `${e.when}  ` : ""}${e.label}`, colour: colourOf(e) }));
  const width = Math.max(...lines.map((l) => l.text.length)) * CHAR_WIDTH + 16;
  const left = Math.max(0, Math.min(x, maxX - width));
  return (
    <g data-testid="marker-more-list" pointerEvents="none">
      <rect x={left} y={y} width={width} height={lines.length * 14 + 8} rx="4" fill="#ffffff" stroke="#d1d5db" filter="drop-shadow(0 1px 2px rgba(0,0,0,0.15))" />
      {lines.map((l, i) => (
        <text key={i} x={left + 8} y={y + 16 + i * 14} fontSize="10" fill={l.colour}>
          {l.text}
        </text>
      ))}
    </g>
  );
}
