// Replica table maths: sorting by any column, and which rows a scrolled viewport shows
// (only those are rendered, so 1,024 replicas cost what 20 do).

/** Columns the replica table sorts by. */
export type SortKey = "id" | "status" | "missing" | "staleness" | "updatesPerSec" | "messagesPerSec" | "bytesPerSec" | "configVersion" | "stateGroup";

/** Per-replica columns in frame order (a frame's `columns`, or empty arrays before the first). */
export interface TableColumns {
  missingUpdates: readonly number[];
  stalenessMs: readonly number[];
  status: readonly number[];
  updatesPerSec: readonly number[];
  messagesPerSec: readonly number[];
  bytesPerSec: readonly number[];
  configVersion: readonly number[];
  stateGroup: readonly number[];
}

const FIELD: Record<Exclude<SortKey, "id">, keyof TableColumns> = {
  status: "status",
  missing: "missingUpdates",
  staleness: "stalenessMs",
  updatesPerSec: "updatesPerSec",
  messagesPerSec: "messagesPerSec",
  bytesPerSec: "bytesPerSec",
  configVersion: "configVersion",
  stateGroup: "stateGroup",
};

const collator = new Intl.Collator(undefined, { numeric: true });

/** Row order for a sort; ties fall back to the replica id so the order is stable between frames. */
export function sortRows(ids: readonly string[], cols: TableColumns | null, key: SortKey, descending: boolean): number[] {
  const order = ids.map((_, i) => i);
  const sign = descending ? -1 : 1;
  const byId = (a: number, b: number) => collator.compare(ids[a]!, ids[b]!);
  if (key === "id" || !cols) return order.sort((a, b) => sign * byId(a, b));
  const values = cols[FIELD[key]];
  return order.sort((a, b) => sign * ((values[a] ?? 0) - (values[b] ?? 0)) || byId(a, b));
}

/** Rows [start, end) to render for a viewport, with `overscan` extra rows each side. */
export function visibleRows(scrollTop: number, viewportPx: number, rowPx: number, count: number, overscan = 6): [number, number] {
  const start = Math.min(count, Math.max(0, Math.floor(scrollTop / rowPx) - overscan));
  const end = Math.min(count, Math.ceil((scrollTop + viewportPx) / rowPx) + overscan);
  return [start, Math.max(start, end)];
}
