// Runs a client's own test suite (Python, Erlang…) against a real collector, and writes
// its counts as a vitest-shaped JSON report so that `npm test` tallies them with the rest.
//
//   node ../runAgainstCollector.mjs --report <name> [--timeout <s>] [--needs <cmd>:<install hint>]… -- <command> [args…]
//
// The collector is the built CLI of @driftscope/collector (a devDependency, so turbo
// builds it first) on 127.0.0.1, an ephemeral port and a temp database, with both tokens
// set. The command gets DRIFTSCOPE_URL, DRIFTSCOPE_TOKEN, DRIFTSCOPE_OPERATOR_TOKEN and
// DRIFTSCOPE_CLIENT_RESULTS (a file where it writes {"passed","failed","skipped"}).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const AGENT_TOKEN = "client-test-agent-token";
const OPERATOR_TOKEN = "client-test-operator-token";
const STARTUP_TIMEOUT_MS = 30_000;

const { report, timeoutSec, needs, command } = parseArgs(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), `driftscope-${report}-`));
const resultsFile = join(work, "results.json");
let collector;
let exitCode = 1;
let counts = { passed: 0, failed: 1, skipped: 0 };
try {
  const missing = needs.find(([cmd]) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status !== 0);
  if (missing !== undefined) {
    // Not a skip: CI installs these (.ci/run), so their absence is a broken machine.
    console.error(`[${report}] \`${missing[0]}\` is not installed; these tests need it.\nInstall it with:\n\n    ${missing[1]}\n`);
  } else {
    collector = await startCollector(work);
    console.log(`[${report}] collector at ${collector.url}`);
    exitCode = await runTests(collector.url);
    counts = readCounts(exitCode);
  }
} catch (error) {
  console.error(`[${report}] ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await collector?.stop();
  rmSync(work, { recursive: true, force: true });
}
writeReport(counts);
console.log(`${report}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
process.exit(exitCode !== 0 || counts.failed > 0 ? 1 : 0);

function parseArgs(args) {
  const split = args.indexOf("--");
  if (split < 0 || split === args.length - 1) throw new Error("usage: runAgainstCollector.mjs --report <name> [--timeout <s>] [--needs cmd:hint] -- <command> …");
  const options = { report: "client", timeoutSec: 300, needs: [], command: args.slice(split + 1) };
  for (let i = 0; i < split; i += 2) {
    const [flag, value] = [args[i], args[i + 1] ?? ""];
    if (flag === "--report") options.report = value;
    else if (flag === "--timeout") options.timeoutSec = Number(value);
    else if (flag === "--needs") options.needs.push([value.slice(0, value.indexOf(":")), value.slice(value.indexOf(":") + 1)]);
    else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

/** The collector's bin, found through the workspace's own dependency on it. */
function collectorBin() {
  const require = createRequire(join(process.cwd(), "package.json"));
  return join(dirname(require.resolve("@driftscope/collector")), "..", "bin", "driftscope.js");
}

function startCollector(dir) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("DRIFTSCOPE_")));
  const args = ["serve", "--host", "127.0.0.1", "--port", "0", "--db", join(dir, "collector.db"), "--token", AGENT_TOKEN, "--operator-token", OPERATOR_TOKEN, "--traced-budget", "0"];
  const child = spawn(process.execPath, [collectorBin(), ...args], { env: { ...env, DRIFTSCOPE_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] });
  const stop = () =>
    new Promise((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
      child.once("exit", () => (clearTimeout(force), resolve()));
      child.kill("SIGTERM");
    });
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => (void stop(), reject(new Error(`the collector did not start within ${STARTUP_TIMEOUT_MS / 1000} s`))), STARTUP_TIMEOUT_MS);
    child.stdout.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout.resume();
        resolve({ url: match[1], stop });
      }
    });
    child.once("exit", (code) => (clearTimeout(timer), reject(new Error(`the collector exited with code ${code} before listening`))));
  });
}

function runTests(url) {
  return new Promise((resolve) => {
    const env = { ...process.env, DRIFTSCOPE_URL: url, DRIFTSCOPE_TOKEN: AGENT_TOKEN, DRIFTSCOPE_OPERATOR_TOKEN: OPERATOR_TOKEN, DRIFTSCOPE_CLIENT_RESULTS: resultsFile };
    const child = spawn(command[0], command.slice(1), { env, stdio: "inherit" });
    const timer = setTimeout(() => {
      console.error(`[${report}] tests still running after ${timeoutSec} s: stopped`);
      child.kill("SIGKILL");
    }, timeoutSec * 1000);
    child.once("error", (error) => (clearTimeout(timer), console.error(`[${report}] could not run ${command[0]}: ${error.message}`), resolve(127)));
    child.once("exit", (code, signal) => (clearTimeout(timer), resolve(code ?? (signal ? 1 : 0))));
  });
}

/** The suite's own counts; a suite that died before writing them counts as one failure. */
function readCounts(code) {
  if (!existsSync(resultsFile)) return { passed: 0, failed: 1, skipped: 0 };
  const { passed = 0, failed = 0, skipped = 0 } = JSON.parse(readFileSync(resultsFile, "utf8"));
  return { passed, failed: failed === 0 && code !== 0 ? 1 : failed, skipped };
}

function writeReport({ passed, failed, skipped }) {
  const dir = process.env.DRIFTSCOPE_TEST_REPORT_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  // The suite's results name no test: a failure is reported as the suite's, so npm test's tally says which one.
  const testResults = failed === 0 ? [] : [{ name: `clients/${report}`, status: "failed", message: `${failed} failed: the suite's own output above names them`, assertionResults: [] }];
  const body = { numTotalTests: passed + failed + skipped, numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numTodoTests: 0, success: failed === 0, testResults };
  writeFileSync(join(dir, `${report}.json`), JSON.stringify(body, null, 2));
}
