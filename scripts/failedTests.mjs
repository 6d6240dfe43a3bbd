// The failed tests of one runner's JSON report (Vitest or Playwright), each as its file, name
// and the first lines of its error, so the closing tally says what failed and why — CI keeps
// only the tail of the output.

const MESSAGE_LINES = 6;

/**
 * One entry per failure: `file › name`, then up to MESSAGE_LINES lines of its first error.
 * @param {any} report a parsed Vitest or Playwright JSON report
 * @returns {string[]}
 */
export function failedTests(report) {
  return report.stats ? playwrightFailures(report) : vitestFailures(report);
}

/** @param {any} report */
function vitestFailures(report) {
  /** @type {string[]} */
  const out = [];
  for (const file of report.testResults ?? []) {
    const failed = (file.assertionResults ?? []).filter((/** @type {any} */ t) => t.status === "failed");
    for (const t of failed) out.push(entry(file.name, t.fullName, t.failureMessages?.[0]));
    // A file that failed before any test ran (an import error, a hook) has only a message.
    if (failed.length === 0 && file.status === "failed") out.push(entry(file.name, "(the file)", file.message));
  }
  return out;
}

/** @param {any} report */
function playwrightFailures(report) {
  /** @type {string[]} */
  const out = [];
  /** @type {(suite: any, titles: string[]) => void} */
  const walk = (suite, titles) => {
    for (const child of suite.suites ?? []) walk(child, [...titles, child.title]);
    for (const spec of suite.specs ?? []) {
      for (const test of spec.tests ?? []) {
        if (test.status !== "unexpected") continue;
        const error = test.results?.find((/** @type {any} */ r) => r.error)?.error;
        out.push(entry(spec.file ?? suite.file, [...titles, spec.title].filter(Boolean).join(" › "), error?.message ?? error?.stack));
      }
    }
  };
  for (const suite of report.suites ?? []) walk(suite, []);
  return out;
}

const ANSI = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");
// Stack frames of the runners themselves say nothing about the failure.
const NOISE = /^\s*at (.*node_modules\/|.*node:internal\/|new Promise \(<anonymous>\))/;

/** @type {(file: unknown, name: string, message: unknown) => string} */
function entry(file, name, message) {
  const where = String(file ?? "?").replace(/^.*?\/(apps|packages|integrations|clients|tooling|e2e)\//, "$1/");
  const lines = String(message ?? "(no message)").replace(ANSI, "").split("\n").map((l) => l.trimEnd()).filter((l) => l.trim() !== "" && !NOISE.test(l));
  const shown = lines.slice(0, MESSAGE_LINES).map((l) => `      ${l.slice(0, 300)}`);
  if (lines.length > MESSAGE_LINES) shown.push(`      … ${lines.length - MESSAGE_LINES} more lines`);
  return [`  ✗ ${where} › ${name}`, ...shown].join("\n");
}
