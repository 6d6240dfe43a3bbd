#!/usr/bin/env node
// driftscope-agent: hosts N replicas with an agent attached (see --help). Stops cleanly
// on SIGINT/SIGTERM: a last report and a bye reach the collector if it is there.
import { envWarnings } from "./env.js";
import { parseLauncherArgs } from "./launcher/cliOptions.js";
import { Launcher } from "./launcher/Launcher.js";

const options = parseLauncherArgs(process.argv.slice(2));
for (const line of envWarnings()) console.warn(`[driftscope-agent] warning: ${line}`);
let launcher: Launcher;
try {
  launcher = await Launcher.start(options);
} catch (error) {
  console.error(`[driftscope-agent] cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

const ids = launcher.replicas.map((r) => r.id);
console.log(
  `[driftscope-agent] ${ids.length} ${options.crdt} replicas (${ids.length > 0 ? `${ids[0]}…${ids.at(-1)}` : "none"}) ` +
    `reporting to ${options.collectorUrl}` +
    (launcher.url !== undefined ? `; WebSocket transport at ${launcher.url}${options.peers?.length ? `, peers ${options.peers.join(", ")}` : ""}` : "; in-memory network"),
);

const listenHost = options.listen?.host;
if (listenHost !== undefined && !/^(127\.|localhost$|::1$|\[::1\]$)/.test(listenHost)) {
  console.warn(
    `[driftscope-agent] warning: the gossip transport listens on ${listenHost}, reachable from other machines; ` +
      "it has no authentication, so anyone who can reach it can send gossip to these replicas",
  );
}

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) {
    process.exit(1); // a second signal: stop now
  }
  stopping = true;
  console.log(`[driftscope-agent] ${signal}: stopping`);
  const force = setTimeout(() => process.exit(1), 5000);
  force.unref();
  await launcher.close();
  process.exit(0);
}
process.on("SIGINT", () => void stop("SIGINT"));
process.on("SIGTERM", () => void stop("SIGTERM"));
