// Reference points a person brings from elsewhere (the thesis' table, another tool's
// measurements) as CSV, drawn beside the measured points. Column names are matched
// loosely — `interval_ms`, `intervalMs` and `Interval (ms)` are one column — and rows that
// cannot be read are counted and named, never silently dropped.

/** One reference row: the interval and whatever figures the file gives. */
export interface ReferencePoint {
  intervalMs: number;
  /** Convergence time as the file gives it: its p50, or else its mean. */
  convergenceMs: number | null;
  p95Ms: number | null;
  messagesPerSec: number | null;
  bytesPerSec: number | null;
  updatesPerSec: number | null;
  label: string | null;
}

/** A parsed reference file. */
export interface ReferenceSet {
  name: string;
  points: ReferencePoint[];
  /** Which column the convergence time came from. */
  convergenceFrom: "p50" | "mean" | null;
  /** Rows that could not be read, with why (first few). */
  skipped: { line: number; reason: string }[];
}

const ALIASES: Record<Exclude<keyof ReferencePoint, "convergenceMs">, string[]> & { p50Ms: string[]; meanMs: string[] } = {
  intervalMs: ["intervalms", "interval", "syncintervalms", "stateintervalms", "periodms", "syncperiodms"],
  p50Ms: ["p50ms", "p50", "medianms", "median", "convergencep50ms"],
  meanMs: ["meanms", "mean", "convergencems", "convergencemeanms", "avgms", "averagems"],
  p95Ms: ["p95ms", "p95", "convergencep95ms"],
  messagesPerSec: ["messagespersec", "messagespersecperreplica", "msgpersec", "messagess", "msgs", "messagespers"],
  bytesPerSec: ["bytespersec", "bytespersecperreplica", "bytess", "bps", "bytespers"],
  updatesPerSec: ["updatespersec", "updatespersecperreplica", "updatess", "updatespers", "rate"],
  label: ["label", "name", "config"],
};

/** "Interval (ms)" → "intervalms". */
function key(header: string): string {
  return header
    .toLowerCase()
    .replace(/\//g, "per")
    .replace(/[^a-z0-9]/g, "");
}

/** Splits one CSV line (quotes and doubled quotes understood) on `sep`. */
export function splitCsvLine(line: string, sep: string): string[] {
  const out: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === sep) {
      out.push(cell.trim());
      cell = "";
    } else cell += c;
  }
  out.push(cell.trim());
  return out;
}

/** Reads a reference CSV (comma, semicolon or tab separated, header first). Throws when no interval column is found. */
export function parseReferenceCsv(name: string, text: string): ReferenceSet {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const headerAt = lines.findIndex((l) => l.trim() !== "" && !l.trimStart().startsWith("#"));
  if (headerAt < 0) throw new Error(`${name}: the file is empty`);
  const headerLine = lines[headerAt]!;
  const sep = [",", ";", "\t"].sort((a, b) => headerLine.split(b).length - headerLine.split(a).length)[0]!;
  const header = splitCsvLine(headerLine, sep).map(key);
  const col = (names: readonly string[]) => header.findIndex((h) => names.includes(h));
  const c = {
    intervalMs: col(ALIASES.intervalMs),
    p50Ms: col(ALIASES.p50Ms),
    meanMs: col(ALIASES.meanMs),
    p95Ms: col(ALIASES.p95Ms),
    messagesPerSec: col(ALIASES.messagesPerSec),
    bytesPerSec: col(ALIASES.bytesPerSec),
    updatesPerSec: col(ALIASES.updatesPerSec),
    label: col(ALIASES.label),
  };
  if (c.intervalMs < 0) throw new Error(`${name}: no interval column (interval_ms) in the header "${headerLine.trim()}"`);
  const convergenceCol = c.p50Ms >= 0 ? c.p50Ms : c.meanMs;
  const points: ReferencePoint[] = [];
  const skipped: ReferenceSet["skipped"] = [];
  for (let i = headerAt + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === "" || line.trimStart().startsWith("#")) continue;
    const cells = splitCsvLine(line, sep);
    const num = (k: number): number | null => {
      if (k < 0) return null;
      const t = (cells[k] ?? "").replace(/^(-?\d+),(\d+)$/, "$1.$2");
      if (t === "") return null;
      const v = Number(t);
      return Number.isFinite(v) ? v : Number.NaN;
    };
    const intervalMs = num(c.intervalMs);
    if (intervalMs === null || !(intervalMs > 0)) {
      skipped.push({ line: i + 1, reason: `interval "${cells[c.intervalMs] ?? ""}" is not a positive number` });
      continue;
    }
    const clean = (v: number | null) => (v === null || Number.isNaN(v) ? null : v);
    points.push({
      intervalMs,
      convergenceMs: clean(num(convergenceCol)),
      p95Ms: clean(num(c.p95Ms)),
      messagesPerSec: clean(num(c.messagesPerSec)),
      bytesPerSec: clean(num(c.bytesPerSec)),
      updatesPerSec: clean(num(c.updatesPerSec)),
      label: c.label >= 0 ? (cells[c.label] ?? null) : null,
    });
  }
  return { name, points, convergenceFrom: c.p50Ms >= 0 ? "p50" : c.meanMs >= 0 ? "mean" : null, skipped: skipped.slice(0, 5) };
}
