import { readoutRows, type PlotChart, type PlotLayout } from "../charts/plot.js";

export interface HoverReadoutProps {
  chart: PlotChart;
  layout: PlotLayout;
  t: number;
  py: number;
}

/** A crosshair at the pointer's time and a tooltip with every line's value there. */
export function HoverReadout({ chart, layout, t, py }: HoverReadoutProps) {
  const px = layout.x(t);
  const top = layout.panels[0]?.top ?? 0;
  const last = layout.panels[layout.panels.length - 1];
  const bottom = last ? last.top + last.height : top;
  const rows = readoutRows(chart, t);
  // The tooltip is wide (one row per line): it goes to whichever side has more room.
  const flip = px > layout.left + layout.width * 0.45;
  return (
    <>
      <svg width="100%" height={layout.height} style={{ pointerEvents: "none" }} aria-hidden="true">
        <line x1={px} x2={px} y1={top} y2={bottom} stroke="#6b7280" strokeWidth="1" strokeDasharray="2 2" />
      </svg>
      <div className="tooltip" data-testid="hover-readout" style={{ left: flip ? undefined : px + 12, right: flip ? `calc(100% - ${px - 12}px)` : undefined, top: Math.max(0, py - 10) }}>
        <div>
          <b>{chart.x.format(t)}</b>
        </div>
        {rows.map((r) => (
          <div key={r.key} title={r.title}>
            {r.colour && <span className="dot" style={{ background: r.colour }} />}
            {r.label}: <b>{r.text}</b>
          </div>
        ))}
      </div>
    </>
  );
}
