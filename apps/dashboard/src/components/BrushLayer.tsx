import { useRef, useState, type PointerEvent } from "react";
import type { PlotLayout } from "../charts/plot.js";

export interface BrushLayerProps {
  layout: PlotLayout;
  /** Called with the brushed time range. */
  onBrush(range: [number, number]): void;
  /** Double-click: back to the window. */
  onReset(): void;
  /** Pointer at time t (null when it leaves). */
  onHover?(t: number | null, px: number, py: number): void;
  /** A click without a drag, at plot coordinates. */
  onClick?(px: number, py: number, additive: boolean): void;
}

/** Drag across any panel to zoom into that time range; double-click to zoom out. */
export function BrushLayer({ layout, onBrush, onReset, onHover, onClick }: BrushLayerProps) {
  const [drag, setDrag] = useState<{ from: number; to: number } | null>(null);
  const origin = useRef<number | null>(null);
  const top = layout.panels[0]?.top ?? 0;
  const last = layout.panels[layout.panels.length - 1];
  const bottom = last ? last.top + last.height : top;
  const clampX = (px: number) => Math.min(layout.left + layout.width, Math.max(layout.left, px));
  const localX = (e: PointerEvent<SVGRectElement>) => e.clientX - (e.currentTarget.ownerSVGElement?.getBoundingClientRect().left ?? 0);
  const localY = (e: PointerEvent<SVGRectElement>) => e.clientY - (e.currentTarget.ownerSVGElement?.getBoundingClientRect().top ?? 0);
  return (
    <g>
      {drag && (
        <rect
          x={Math.min(drag.from, drag.to)}
          y={top}
          width={Math.abs(drag.to - drag.from)}
          height={bottom - top}
          fill="#2563eb"
          fillOpacity="0.12"
          stroke="#2563eb"
          strokeOpacity="0.5"
        />
      )}
      <rect
        x={layout.left}
        y={top}
        width={layout.width}
        height={bottom - top}
        fill="transparent"
        style={{ cursor: "crosshair" }}
        onPointerDown={(e) => {
          e.currentTarget.setPointerCapture(e.pointerId);
          origin.current = clampX(localX(e));
          setDrag({ from: origin.current, to: origin.current });
        }}
        onPointerMove={(e) => {
          const px = clampX(localX(e));
          if (origin.current !== null) setDrag({ from: origin.current, to: px });
          onHover?.(layout.x.invert(px), px, localY(e));
        }}
        onPointerUp={(e) => {
          const from = origin.current;
          origin.current = null;
          setDrag(null);
          if (from === null) return;
          const to = clampX(localX(e));
          if (Math.abs(to - from) > 4) onBrush([layout.x.invert(Math.min(from, to)), layout.x.invert(Math.max(from, to))]);
          else onClick?.(to, localY(e), e.shiftKey || e.metaKey || e.ctrlKey);
        }}
        onPointerLeave={() => onHover?.(null, 0, 0)}
        onDoubleClick={onReset}
      />
    </g>
  );
}
