// The driftscope-agent process itself (the built dist/cli.js, as `npm start` and the e2e
// fixtures run it): help, bad flags, running with no collector, joining one that starts
// later, applying its config, and a clean shutdown on SIGTERM. `npm test` builds first;
// run `pnpm --filter @driftscope/agent... build` before running this file alone.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
// eslint-disable-next-line driftscope/import-arrows -- integration test: the CLI process must join a real collector that starts later
import { createCollector, type Collector } from "@driftscope/collector";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "./fakeCollector.js";

const CLI = join(dirname(fileURLToPath(import.meta.url)), "..", "dist", "cli.js");
const built = existsSync(CLI);

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function run(args: string[]): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  });
  return { child, output: () => out, exited };
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

describe.skipIf(!built)("driftscope-agent CLI (dist/cli.js)", () => {
  it("--help lists the flags the start script and e2e fixtures use", async () => {
    const p = run(["--help"]);
    expect(await p.exited).toBe(0);
    for (const flag of ["--replicas", "--collector", "--updates-per-sec", "--interval-ms", "--fanout", "--mode", "--payload", "--crdt", "--token", "--report-interval-ms", "--id-prefix", "--listen", "--peers", "--seed"]) {
      expect(p.output()).toContain(flag);
    }
  });

  it("a bad flag value stops it with a message naming the flag", async () => {
    const p = run(["--fanout", "0"]);
    expect(await p.exited).not.toBe(0);
    expect(p.output()).toContain("--fanout");
  });

  it("keeps running without a collector, joins one that starts later, applies its flags, and stops cleanly on SIGTERM", async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const p = run(["--replicas", "6", "--collector", url, "--updates-per-sec", "3", "--interval-ms", "100", "--fanout", "3", "--id-prefix", "cli"]);
    await eventually("start-up line", () => p.output().includes("6 awset replicas"));
    await eventually("it notices the collector is away", () => p.output().includes("unreachable"));
    await new Promise((r) => setTimeout(r, 500));
    expect(p.child.exitCode).toBeNull();
    const collector: Collector = await createCollector({ port, db: ":memory:" });
    cleanups.push(() => collector.close());
    await eventually("its replicas at the collector", () => collector.core.engine.replicaIds().length === 6, 20_000);
    // The explicit flags became the cluster config (one change on the timeline).
    await eventually("flags in force", () => collector.core.config.gossip.intervalMs === 100 && collector.core.config.gossip.fanout === 3);
    expect(collector.core.config.workload.updatesPerSecPerReplica).toBe(3);
    await eventually("updates flowing", () => collector.core.engine.frontierFor("cli0") + collector.core.engine.frontierFor("cli1") > 0, 20_000);
    p.child.kill("SIGTERM");
    expect(await p.exited).toBe(0);
    // It said bye: its replicas left instead of turning unreachable.
    await eventually("replicas gone", () => collector.core.engine.replicaIds().length === 0);
  });
});
