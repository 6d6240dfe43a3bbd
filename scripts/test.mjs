// `npm test`: installs, checks types and lint, runs unit + integration tests of every
// workspace, then the browser tests against the real stack, and prints one tally.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { failedTests } from "./failedTests.mjs";
import { findBrowser, install, log, ROOT, turbo } from "./lib.mjs";

const started = Date.now();
const reportDir = join(ROOT, ".test-results");
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });

await install();
const chromium = await findBrowser();
log(`browser for e2e: ${chromium}`);

const failures = [];
const step = async (name, args, env) => {
  log(`${name}: turbo ${args.join(" ")}`);
  const code = await turbo(args, env);
  if (code !== 0) failures.push(name);
  return code;
};

await step("build", ["run", "build", "--output-logs=errors-only"]);
if (failures.length === 0) {
  await step("typecheck + lint", ["run", "typecheck", "lint", "--output-logs=errors-only", "--concurrency=2"]);
  await step("unit + integration tests", ["run", "test", "--filter=!@driftscope/e2e", "--concurrency=1"], {
    DRIFTSCOPE_TEST_REPORT_DIR: reportDir,
  });
  await step("browser tests", ["run", "test", "--filter=@driftscope/e2e"], {
    DRIFTSCOPE_TEST_REPORT_DIR: reportDir,
    CHROMIUM_PATH: chromium,
  });
}

// One closing tally over every runner's JSON report.
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
const failedNames = [];
for (const file of existsSync(reportDir) ? readdirSync(reportDir) : []) {
  if (!file.endsWith(".json")) continue;
  const report = JSON.parse(readFileSync(join(reportDir, file), "utf8"));
  let p = 0;
  let f = 0;
  let s = 0;
  if (report.stats) {
    // Playwright
    p = report.stats.expected + (report.stats.flaky ?? 0);
    f = report.stats.unexpected;
    s = report.stats.skipped;
  } else {
    // Vitest
    p = report.numPassedTests;
    f = report.numFailedTests;
    s = report.numPendingTests + (report.numTodoTests ?? 0);
  }
  rows.push(`  ${file.replace(/\.json$/, "").padEnd(12)} ${String(p).padStart(5)} passed ${String(f).padStart(4)} failed ${String(s).padStart(4)} skipped`);
  failedNames.push(...failedTests(report));
  passed += p;
  failed += f;
  skipped += s;
}
console.log("\nTest summary by workspace:");
console.log(rows.join("\n"));
const minutes = ((Date.now() - started) / 60000).toFixed(1);
if (failedNames.length > 0) console.log(`\nFailed tests:\n${failedNames.join("\n")}`);
if (failures.length > 0) console.log(`\nFailed steps: ${failures.join(", ")}`);
console.log(`\nnpm test took ${minutes} min`);
console.log(`${passed} passed, ${failed + (failures.length > 0 && failed === 0 ? 1 : 0)} failed, ${skipped} skipped`);
process.exit(failures.length > 0 || failed > 0 ? 1 : 0);
