// `npm start`: installs, builds, starts the collector (serving the dashboard) and a
// local demo cluster of 16 replicas, and prints the URL. Ctrl-C stops everything. A second
// start with nothing changed reuses both: node_modules matches the lockfile, and turbo's
// cache restores every build.
// DRIFTSCOPE_DEMO=yjs (or automerge) runs that integration's example node instead: 4
// replicas of the library syncing through its own sync path.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { childEnv, install, log, ROOT, runOrExit, TURBO } from "./lib.mjs";

const host = process.env.DRIFTSCOPE_HOST ?? "127.0.0.1";
const port = process.env.DRIFTSCOPE_PORT ?? "7420";
const replicas = process.env.DRIFTSCOPE_DEMO_REPLICAS ?? "16";
const demo = process.env.DRIFTSCOPE_DEMO ?? "gossip";
/** Demos on other CRDT libraries: the integration whose example node runs. */
const LIBRARY_DEMOS = { yjs: "integrations/yjs", automerge: "integrations/automerge" };
if (demo !== "gossip" && !Object.hasOwn(LIBRARY_DEMOS, demo)) {
  console.error(`[driftscope] DRIFTSCOPE_DEMO=${demo}: expected gossip, ${Object.keys(LIBRARY_DEMOS).join(" or ")}`);
  process.exit(2);
}

await install({ skipIfInstalled: true });
log("building");
await runOrExit(TURBO, ["run", "build", "--output-logs=errors-only"]);

// A misspelt DRIFTSCOPE_* variable is named once here; the children get the environment
// without it (nothing reads it), so they do not repeat the warning.
const { KNOWN_ENV, unknownEnvWarnings } = await import(pathToFileURL(join(ROOT, "packages/protocol/dist/index.js")).href);
for (const line of unknownEnvWarnings(process.env)) console.warn(`\x1b[33m[driftscope] warning:\x1b[0m ${line}`);
for (const name of Object.keys(childEnv)) if (name.startsWith("DRIFTSCOPE_") && !Object.hasOwn(KNOWN_ENV, name)) delete childEnv[name];

const children = [];
function start(name, args, cwd = ROOT, env = childEnv) {
  const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "inherit", "inherit"], env });
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`[driftscope] ${name} exited (${signal ?? code}); stopping`);
      stop(code ?? 1);
    }
  });
  children.push(child);
  return child;
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill("SIGTERM");
  setTimeout(() => process.exit(code), 3000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r() : c.on("exit", r))))).then(() => process.exit(code));
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

const url = `http://${host}:${port}`;
// glibc's allocator thresholds are read at process start: set here, so that the collector's
// memory comes back after a burst of large inputs (apps/collector/src/allocatorEnv.ts).
const { withAllocatorEnv } = await import(pathToFileURL(join(ROOT, "apps/collector/dist/allocatorEnv.js")).href);
start("collector", [join(ROOT, "apps/collector/dist/cli.js"), "serve", "--host", host, "--port", port], ROOT, withAllocatorEnv(childEnv));
await waitForHealth(`${url}/api/v1/health`);
if (demo === "gossip") {
  start("demo cluster", [join(ROOT, "apps/agent/dist/cli.js"), "--replicas", replicas, "--collector", url, "--updates-per-sec", "2"]);
  log(`Driftscope is running: ${url}  (demo cluster of ${replicas} replicas; Ctrl-C to stop)`);
} else {
  // The example runs from its TypeScript sources (tsx, installed with the integration).
  start(`${demo} demo`, ["--import", "tsx", "--conditions=@driftscope/source", "examples/node.ts", url], join(ROOT, LIBRARY_DEMOS[demo]));
  log(`Driftscope is running: ${url}  (${demo} demo: 4 replicas; Ctrl-C to stop)`);
}

async function waitForHealth(healthUrl) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(healthUrl);
      if (response.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  console.error(`[driftscope] the collector did not answer ${healthUrl} within 30 s`);
  stop(1);
}
