import { useState } from "react";

/** A chart's scale choices, remembered per chart in this browser. */
export interface ChartScale {
  /** Log y-axis. */
  log: boolean;
  /** Fit everything in view, even when that squashes the latest regime. */
  fitAll: boolean;
}

const DEFAULTS: ChartScale = { log: false, fitAll: false };
const key = (chart: string) => `driftscope.scale.${chart}`;

/** Reads a chart's remembered scale (defaults when none, or storage is unavailable). */
export function readChartScale(chart: string): ChartScale {
  try {
    const raw = globalThis.localStorage?.getItem(key(chart));
    if (!raw) return DEFAULTS;
    const v = JSON.parse(raw) as Partial<ChartScale>;
    return { log: v.log === true, fitAll: v.fitAll === true };
  } catch {
    return DEFAULTS;
  }
}

/** The chart's scale and a setter that remembers it (localStorage `driftscope.scale.<chart>`). */
export function useChartScale(chart: string): [ChartScale, (patch: Partial<ChartScale>) => void] {
  const [scale, setScale] = useState<ChartScale>(() => readChartScale(chart));
  const update = (patch: Partial<ChartScale>) => {
    const next = { ...scale, ...patch };
    setScale(next);
    try {
      globalThis.localStorage?.setItem(key(chart), JSON.stringify(next));
    } catch {
      // Private mode or a full storage: the choice lasts until the page closes.
    }
  };
  return [scale, update];
}
