import { CELL_CRASHED, CELL_UNREACHABLE } from "../viz/heatmap.js";
import { formatCount, formatDurationMs } from "../viz/format.js";

export interface HeatmapTooltipProps {
  id: string;
  time: string;
  value: number | null;
  metric: "missing" | "staleness";
  px: number;
  py: number;
  width: number;
}

/** Names the replica under the pointer and its value at that time. */
export function HeatmapTooltip({ id, time, value, metric, px, py, width }: HeatmapTooltipProps) {
  const text =
    value === null
      ? "no data"
      : value === CELL_CRASHED
        ? "crashed"
        : value === CELL_UNREACHABLE
          ? "unreachable"
          : metric === "missing"
            ? `${formatCount(value)} missing updates`
            : `stale by ${formatDurationMs(value)}`;
  const flip = px > width * 0.65;
  return (
    <div className="tooltip" data-testid="heatmap-tooltip" style={{ top: py + 12, left: flip ? undefined : px + 12, right: flip ? width - px + 12 : undefined }}>
      <b>{id}</b> at {time}: {text}
    </div>
  );
}
