import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One row of a benchmark table: column name → figure. */
export type BenchRow = Record<string, string | number | boolean | null>;

/** What every benchmark returns: its name, rows of figures, and notes on how to read them. */
export interface BenchResult {
  name: string;
  title: string;
  rows: BenchRow[];
  notes?: string[];
  /** Pass/fail against the targets, where one is set. */
  targets?: { description: string; met: boolean; value: string }[];
}

const RESULTS_DIR = join(dirname(fileURLToPath(import.meta.url)), "..", "results");

function format(value: BenchRow[string]): string {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value)) return value.toLocaleString("en-US");
    const abs = Math.abs(value);
    return value.toLocaleString("en-US", { maximumFractionDigits: abs >= 100 ? 0 : abs >= 1 ? 2 : 4 });
  }
  return String(value);
}

/** Prints the result as an aligned table and writes `bench/results/<name>.json`. */
export function report(result: BenchResult): BenchResult {
  const columns = [...new Set(result.rows.flatMap((row) => Object.keys(row)))];
  const cells = result.rows.map((row) => columns.map((c) => format(row[c] ?? "")));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => v.padStart(widths[i]!)).join("  ");
  console.log(`\n## ${result.title}`);
  console.log(line(columns));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells) console.log(line(r));
  for (const note of result.notes ?? []) console.log(`  note: ${note}`);
  for (const t of result.targets ?? []) console.log(`  target ${t.met ? "MET " : "MISSED"}: ${t.description} (${t.value})`);
  mkdirSync(RESULTS_DIR, { recursive: true });
  const file = join(RESULTS_DIR, `${result.name}.json`);
  writeFileSync(file, JSON.stringify({ ...result, machine: machine(), at: new Date().toISOString() }, null, 2) + "\n");
  console.log(`  → ${file}`);
  return result;
}

function machine() {
  return { node: process.version, platform: process.platform, arch: process.arch };
}

/** Runs `fn` repeatedly for about `ms` milliseconds; returns operations per second. */
export function opsPerSec(fn: () => void, ms = 500): number {
  for (let i = 0; i < 3; i++) fn(); // warm up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    fn();
    n++;
    elapsed = performance.now() - start;
  }
  return (n * 1000) / elapsed;
}
