// Export file names that say what is inside, so a folder of figures sorts and reads well:
// driftscope-convergence-run12-interval1000ms-fanout2-2026-11-20T2205.svg

/** What a file name is built from; absent parts are left out. */
export interface ExportNameParts {
  chart: string;
  runId?: string | null;
  intervalMs?: number | null;
  fanout?: number | null;
  /** The content spans several intervals or fanouts: the name says "multiple-configs" instead of one of each. */
  multipleConfigs?: boolean;
  /** Extra tags, e.g. ["overlay", "3runs"]. */
  tags?: string[];
  at: Date;
  ext: string;
}

/** Keeps a name part to [a-z0-9-], no leading/trailing dashes, at most 48 chars. */
export function slug(part: string): string {
  return part
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 48);
}

/** Local time as 2026-11-20T2205 (minutes are enough to tell exports apart; no colons for Windows). */
export function fileTimestamp(at: Date): string {
  const p = (n: number) => String(n).padStart(2, "0");
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}T${p(at.getHours())}${p(at.getMinutes())}`;
}

/** The export file name for a chart or data set. */
export function exportFileName(parts: ExportNameParts): string {
  const pieces = ["driftscope", slug(parts.chart)];
  if (parts.runId) {
    const run = slug(parts.runId);
    pieces.push(run.startsWith("run") ? run : `run${run}`);
  }
  if (parts.multipleConfigs) pieces.push("multiple-configs");
  else if (parts.intervalMs !== null && parts.intervalMs !== undefined && Number.isFinite(parts.intervalMs)) {
    pieces.push(`interval${Math.round(parts.intervalMs)}ms`);
  }
  if (!parts.multipleConfigs && parts.fanout !== null && parts.fanout !== undefined && Number.isFinite(parts.fanout)) pieces.push(`fanout${parts.fanout}`);
  for (const tag of parts.tags ?? []) if (slug(tag)) pieces.push(slug(tag));
  pieces.push(fileTimestamp(parts.at));
  return `${pieces.filter(Boolean).join("-")}.${slug(parts.ext) || "dat"}`;
}
