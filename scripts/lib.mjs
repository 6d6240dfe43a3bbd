// Shared set-up for `npm start` and `npm test`: bootstrap pnpm, install, find a browser.
// Only Node and npm are assumed; everything else is installed from the npm registry
// (and, for the browser, Debian's packages when running as root).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const PNPM_VERSION = "9.15.9";

/** Environment for every child: no telemetry or update checks (the network is closed). */
export const childEnv = {
  ...process.env,
  // turbo looks the package manager up on PATH: put the workspace's own pnpm there.
  PATH: [join(ROOT, "node_modules", ".bin"), process.env.PATH].filter(Boolean).join(delimiter),
  TURBO_TELEMETRY_DISABLED: "1",
  TURBO_NO_UPDATE_NOTIFIER: "1",
  DO_NOT_TRACK: "1",
  NEXT_TELEMETRY_DISABLED: "1",
};

export function log(message) {
  console.log(`\x1b[36m[driftscope]\x1b[0m ${message}`);
}

/** Runs a command, inheriting stdio; resolves to its exit code. */
export function run(command, args, options = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: "inherit", env: childEnv, ...options });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", (error) => {
      console.error(`[driftscope] could not run ${command}: ${error.message}`);
      resolve(127);
    });
  });
}

export async function runOrExit(command, args, options) {
  const code = await run(command, args, options);
  if (code !== 0) {
    console.error(`[driftscope] \`${command} ${args.join(" ")}\` failed with exit code ${code}`);
    process.exit(code);
  }
}

const localPnpm = join(ROOT, "node_modules", ".bin", "pnpm");

/** pnpm from the workspace once installed; before that, bootstrapped through npx. */
export function pnpmCommand() {
  return existsSync(localPnpm) ? [localPnpm, []] : ["npx", ["-y", `pnpm@${PNPM_VERSION}`]];
}

/** The collector's native helper, which its install script builds (a checkout installed before it existed lacks it). */
const nativeHelper = join(ROOT, "apps", "collector", "build", "Release", "memory_release.node");

/** Whether node_modules holds exactly what the lockfile says (pnpm keeps a copy of the lockfile it installed) and install scripts have run. */
export function installedMatchesLockfile() {
  const installed = join(ROOT, "node_modules", ".pnpm", "lock.yaml");
  const lockfile = join(ROOT, "pnpm-lock.yaml");
  return existsSync(installed) && existsSync(lockfile) && readFileSync(installed, "utf8") === readFileSync(lockfile, "utf8") && existsSync(nativeHelper);
}

/**
 * Installs the workspace exactly as the lockfile says. `skipIfInstalled`: not even pnpm's own
 * check (2–4 s here) when node_modules already matches the lockfile.
 */
export async function install({ skipIfInstalled = false } = {}) {
  if (skipIfInstalled && installedMatchesLockfile()) {
    log("dependencies are installed as the lockfile says");
    return;
  }
  const [cmd, pre] = pnpmCommand();
  const frozen = existsSync(join(ROOT, "pnpm-lock.yaml")) ? ["--frozen-lockfile"] : [];
  log(`installing dependencies (pnpm ${PNPM_VERSION})`);
  await runOrExit(cmd, [...pre, "install", "--prefer-offline", ...frozen]);
}

/** The workspace's turbo binary (installed by `install()`). */
export const TURBO = join(ROOT, "node_modules", ".bin", "turbo");

export async function turbo(args, env = {}) {
  return run(TURBO, args, { env: { ...childEnv, ...env } });
}

function isExecutable(path) {
  return Boolean(path) && existsSync(path);
}

async function playwrightsOwnChromium() {
  try {
    const { createRequire } = await import("node:module");
    const require = createRequire(join(ROOT, "e2e", "package.json"));
    const { chromium } = require("@playwright/test");
    const path = chromium.executablePath();
    return isExecutable(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finds Chromium for the browser tests: CHROMIUM_PATH, /usr/bin/chromium, Playwright's
 * own download. Where none is found and we are root with apt, installs Debian's chromium;
 * otherwise stops with the one command to run.
 */
export async function findBrowser() {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    console.error(`[driftscope] CHROMIUM_PATH=${fromEnv} does not exist.`);
    process.exit(1);
  }
  if (isExecutable("/usr/bin/chromium")) return "/usr/bin/chromium";
  const own = await playwrightsOwnChromium();
  if (own) return own;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const hasApt = spawnSync("sh", ["-c", "command -v apt-get"], { stdio: "ignore" }).status === 0;
  if (isRoot && hasApt) {
    log("no Chromium found: installing Debian's chromium with apt-get (about 15 s)");
    await runOrExit("apt-get", ["update", "-qq"]);
    await runOrExit("apt-get", ["install", "-y", "--no-install-recommends", "chromium"], {
      env: { ...childEnv, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (isExecutable("/usr/bin/chromium")) return "/usr/bin/chromium";
  }
  console.error(
    "[driftscope] The browser tests need Chromium and none was found.\n" +
      "Install it with:\n\n    sudo apt-get install -y --no-install-recommends chromium\n\n" +
      "(or `pnpm --filter @driftscope/e2e exec playwright install chromium`, or set CHROMIUM_PATH)",
  );
  process.exit(1);
}
