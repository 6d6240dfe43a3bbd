#!/usr/bin/env node
// driftscope CLI: `driftscope serve` runs the collector until SIGINT/SIGTERM, then closes
// the current run cleanly (everything buffered is written, the run is marked closed).
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, InvalidArgumentError } from "commander";
import { pino } from "pino";
import { ENV_HELP, EnvError, envWarnings, parseHostList, parseIntSetting, readEnv, type CollectorEnv } from "./env.js";
import { runExperimentCommand } from "./experiments/runCommand.js";
import { createCollector, defaultDbPath } from "./server.js";
import { COLLECTOR_VERSION } from "./version.js";

function intOption(name: string, min: number, max: number) {
  return (raw: string) => {
    try {
      return parseIntSetting(name, raw, min, max);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  };
}

interface ServeFlags {
  port?: number;
  host?: string;
  db?: string;
  token?: string;
  operatorToken?: string;
  allowedHosts?: string[];
  dashboardDir?: string;
  frameHz?: number;
  reportInterval?: number;
  tracedBudget?: number;
}

async function serve(flags: ServeFlags, env: CollectorEnv): Promise<void> {
  const logger = pino({ level: env.logLevel }, pino.destination(2));
  const collector = await createCollector({
    host: flags.host ?? env.host,
    port: flags.port ?? env.port,
    db: flags.db ?? env.dbPath ?? defaultDbPath(),
    ...optional("agentToken", flags.token ?? env.agentToken),
    ...optional("operatorToken", flags.operatorToken ?? env.operatorToken),
    allowedHosts: flags.allowedHosts ?? env.allowedHosts,
    ...optional("dashboardDir", flags.dashboardDir ?? env.dashboardDir),
    frameHz: flags.frameHz ?? env.frameHz,
    reportIntervalMs: flags.reportInterval ?? env.reportIntervalMs,
    ...(flags.tracedBudget !== undefined ? { tracedEntriesPerSec: flags.tracedBudget } : {}),
    retention: { maxRuns: env.retentionRuns, maxBytes: env.retentionMb * 1024 * 1024 },
    logger,
  });
  console.log(`driftscope collector listening on ${collector.url}`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    collector.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("driftscope: error while shutting down:", error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, string>);
}

export function buildProgram(): Command {
  const program = new Command();
  program.name("driftscope").description("Driftscope: see and steer how CRDT replicas drift apart and converge.").version(COLLECTOR_VERSION);
  program
    .command("serve")
    .description("run the collector: ingest, metrics, dashboard, recordings, REST API and /metrics")
    .option("-p, --port <port>", "port to listen on (0 = any free port)", intOption("--port", 0, 65535))
    .option("-H, --host <host>", "address to bind (anything but loopback needs --token and --operator-token)")
    .option("--db <file>", "SQLite file of the recordings (default .driftscope/driftscope.db)")
    .option("--token <token>", "token agents must present")
    .option("--operator-token <token>", "token required to change the config or control runs")
    .option("--allowed-hosts <names>", "extra Host names accepted, comma-separated (the name a reverse proxy forwards); requests naming any other host are refused", (raw: string) => {
      try {
        return parseHostList("--allowed-hosts", raw);
      } catch (error) {
        throw new InvalidArgumentError((error as Error).message);
      }
    })
    .option("--dashboard-dir <dir>", "directory of the built dashboard")
    .option("--frame-hz <hz>", "frames per second sent to dashboards", intOption("--frame-hz", 1, 60))
    .option("--report-interval <ms>", "report interval asked of agents", intOption("--report-interval", 50, 60_000))
    .option(
      "--traced-budget <entries/s>",
      "traced-dot entries per second the collector keeps telemetry within, by raising or lowering the tracing stride k (default 20000; 0 = never change k)",
      intOption("--traced-budget", 0, 100_000_000),
    )
    .addHelpText("after", `\nEnvironment (flags win):\n${ENV_HELP.map(([n, m]) => `  ${n.padEnd(30)} ${m}`).join("\n")}\n`)
    .action(async (flags: ServeFlags) => {
      for (const [flag, value] of [
        ["--token", flags.token],
        ["--operator-token", flags.operatorToken],
      ] as const) {
        if (value !== undefined && (value.length < 8 || value.length > 512)) throw new EnvError(`${flag} must be 8–512 characters long`);
      }
      for (const line of envWarnings()) console.warn(`[driftscope] warning: ${line}`);
      await serve(flags, readEnv());
    });
  const experiment = program.command("experiment").description("sweeps of configs: which sync period is worth its cost (docs/experiments.md)");
  experiment
    .command("run <plan>")
    .description("run an experiment plan (JSON) without a server: progress, the results table, CSV, JSON and SVG charts")
    .option("--simulate", "run it in simulation (virtual time), whatever the plan's engine")
    .option("--out <dir>", "write results.csv, results.json and the charts here")
    .option("--target-p95 <ms>", "recommend the cheapest point whose p95 convergence is under this", intOption("--target-p95", 1, 86_400_000))
    .action(async (planPath: string, flags: { simulate?: boolean; out?: string; targetP95?: number }) => {
      const code = await runExperimentCommand(planPath, flags, { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), tty: process.stderr.isTTY === true });
      process.exitCode = code;
    });
  return program;
}

/** Runs the `driftscope` command line (the bin entry point calls this). */
export function main(argv: readonly string[] = process.argv): void {
  buildProgram()
    .parseAsync([...argv])
    .catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      console.error(`driftscope: ${message}`);
      process.exit(1);
    });
}

function isEntryPoint(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

// Also runnable directly (`node dist/cli.js serve`); importing it runs nothing.
if (isEntryPoint()) main();
