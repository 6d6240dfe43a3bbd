// CSV for chart data (RFC 4180: comma, CRLF, quotes doubled), readable by pandas, R and
// spreadsheets. Text cells that a spreadsheet would run as a formula are defused.

/** One CSV cell: numbers are written with full precision, null/undefined/NaN as empty. */
export type CsvCell = string | number | boolean | null | undefined;

/** Escapes one cell. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  if (typeof value === "boolean") return value ? "true" : "false";
  let s = value;
  if (/^[=+@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A whole CSV document with a header row. */
export function toCsv(header: readonly string[], rows: Iterable<readonly CsvCell[]>): string {
  const lines = [header.map(csvCell).join(",")];
  for (const row of rows) lines.push(row.map(csvCell).join(","));
  return lines.join("\r\n") + "\r\n";
}

/** Rows from parallel columns (the shape ring buffers hand out). */
export function* columnsToRows(columns: readonly ArrayLike<CsvCell>[], length: number): Generator<CsvCell[]> {
  for (let i = 0; i < length; i++) yield columns.map((c) => c[i]);
}
