// The launcher's command line, parsed and validated into LauncherOptions. Kept apart from
// cli.ts (which only wires signals and the process) so it can be tested without a process.
import { Command, InvalidArgumentError, Option } from "commander";
import {
  CONFIG_LIMITS,
  CRDT_TYPE_NAMES,
  DEFAULT_CLUSTER_CONFIG,
  GOSSIP_MODES,
  limitProblem,
  PAYLOAD_MODES,
  type ConfigPatch,
  type CrdtTypeName,
  type LimitedField,
} from "@driftscope/protocol";
import { checkUrl, ENV_HELP, readEnv } from "../env.js";
import type { LauncherOptions } from "./Launcher.js";

const DEFAULTS = DEFAULT_CLUSTER_CONFIG;

function int(name: string, min: number, max: number) {
  return (raw: string): number => {
    if (!/^\d+$/.test(raw.trim())) throw new InvalidArgumentError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
    const value = Number(raw);
    if (value < min || value > max) throw new InvalidArgumentError(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };
}

/** A flag that sets a config field: the collector's range, refused in the words the collector and dashboard use. */
function limited(name: string, field: LimitedField) {
  return (raw: string): number => {
    const factor = CONFIG_LIMITS[field].displayFactor;
    // Plain decimal text only (Number() would also take "0x10" and "1e3").
    const value = raw.trim() === "" ? undefined : /^\s*[-+]?(\d+\.?\d*|\.\d+)\s*$/.test(raw) ? Number(raw) / factor : raw;
    const problem = limitProblem(field, value);
    if (problem !== null) throw new InvalidArgumentError(`${name}: ${problem}`);
    return value as number;
  };
}

function listen(raw: string): { host: string; port: number } {
  const m = /^(?:(.+):)?(\d+)$/.exec(raw.trim());
  if (m === null) throw new InvalidArgumentError(`--listen takes a port or host:port, got ${JSON.stringify(raw)}`);
  const port = Number(m[2]);
  if (port > 65535) throw new InvalidArgumentError(`--listen port must be at most 65535, got ${port}`);
  return { host: m[1] ?? "127.0.0.1", port };
}

function peers(raw: string): string[] {
  const urls = raw.split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  for (const url of urls) {
    try {
      checkUrl("--peers", url, ["ws:", "wss:"]);
    } catch (error) {
      throw new InvalidArgumentError((error as Error).message);
    }
  }
  return urls;
}

function prefix(raw: string): string {
  if (!/^[A-Za-z0-9._:-]{0,100}$/.test(raw)) throw new InvalidArgumentError(`--id-prefix may only contain A-Z a-z 0-9 . _ : - (at most 100), got ${JSON.stringify(raw)}`);
  return raw;
}

/** The commander program of `driftscope-agent` (parse with `parseLauncherArgs`). */
export function launcherProgram(): Command {
  const env = readEnv();
  return new Command("driftscope-agent")
    .description(
      "Hosts N gossip replicas with a Driftscope agent attached, reporting to the collector.\n" +
        "Replicas run over the in-memory network, or join other driftscope-agent processes over WebSocket (--listen, --peers).\n" +
        "The cluster config from the collector (gossip, workload, simulated network, crashes) is applied live.\n" +
        "Gossip/workload flags given explicitly are sent once to the collector as a config change.",
    )
    .addOption(new Option("--replicas <n>", "replicas hosted by this process").default(16).argParser(int("--replicas", 0, 4096)))
    .addOption(new Option("--collector <url>", "collector URL").default(env.collectorUrl ?? "http://127.0.0.1:7420"))
    .addOption(new Option("--token <token>", "agent token (also sent as operator token with the command-line config)").default(env.token))
    .addOption(
      new Option("--updates-per-sec <x>", "updates per second per replica").default(DEFAULTS.workload.updatesPerSecPerReplica).argParser(limited("--updates-per-sec", "workload.updatesPerSecPerReplica")),
    )
    .addOption(new Option("--interval-ms <ms>", "gossip interval").default(DEFAULTS.gossip.intervalMs).argParser(limited("--interval-ms", "gossip.intervalMs")))
    .addOption(new Option("--fanout <n>", "peers contacted per gossip round").default(DEFAULTS.gossip.fanout).argParser(limited("--fanout", "gossip.fanout")))
    .addOption(new Option("--mode <mode>", "gossip mode").choices([...GOSSIP_MODES]).default(DEFAULTS.gossip.mode))
    .addOption(new Option("--payload <payload>", "gossip payload").choices([...PAYLOAD_MODES]).default(DEFAULTS.gossip.payload))
    .addOption(new Option("--crdt <type>", "CRDT type of the replicas").choices([...CRDT_TYPE_NAMES]).default(DEFAULTS.workload.crdtType))
    .addOption(new Option("--report-interval-ms <ms>", "telemetry report tick (default 100; stated in hello, the collector may ask for another)").argParser(int("--report-interval-ms", 50, 60_000)))
    .addOption(new Option("--id-prefix <prefix>", "replica ids are <prefix><i> (give each process its own)").argParser(prefix))
    .addOption(new Option("--listen <port>", "join other processes over WebSocket: listen on [host:]port (0 = any free port)").argParser(listen))
    .addOption(new Option("--peers <urls>", "WebSocket URLs of other driftscope-agent processes, comma-separated").argParser(peers))
    .addOption(new Option("--seed <n>", "seed of every random choice (peers, workload, faults)").default(1).argParser(int("--seed", 0, 2 ** 31 - 1)))
    .addHelpText("after", `\nEnvironment:\n${ENV_HELP.map(([n, m]) => `  ${n.padEnd(22)} ${m}`).join("\n")}\n`)
    .showHelpAfterError();
}

/** Parses argv (without node and script) into launcher options; commander exits on --help or a bad flag. */
export function parseLauncherArgs(argv: readonly string[], program = launcherProgram()): LauncherOptions {
  program.parse([...argv], { from: "user" });
  const o = program.opts<{
    replicas: number;
    collector: string;
    token?: string;
    updatesPerSec: number;
    intervalMs: number;
    fanout: number;
    mode: LauncherOptions["mode"];
    payload: LauncherOptions["payload"];
    crdt: CrdtTypeName;
    reportIntervalMs?: number;
    idPrefix?: string;
    listen?: { host: string; port: number };
    peers?: string[];
    seed: number;
  }>();
  try {
    checkUrl("--collector", o.collector, ["http:", "https:"]);
  } catch (error) {
    program.error((error as Error).message);
  }
  const explicit = (key: string) => program.getOptionValueSource(key) === "cli";
  const gossip: NonNullable<ConfigPatch["gossip"]> = {};
  if (explicit("intervalMs")) gossip.intervalMs = o.intervalMs;
  if (explicit("fanout")) gossip.fanout = o.fanout;
  if (explicit("mode")) gossip.mode = o.mode;
  if (explicit("payload")) gossip.payload = o.payload;
  const workload: NonNullable<ConfigPatch["workload"]> = {};
  if (explicit("updatesPerSec")) workload.updatesPerSecPerReplica = o.updatesPerSec;
  if (explicit("crdt")) workload.crdtType = o.crdt;
  const pushPatch: NonNullable<LauncherOptions["pushPatch"]> = {};
  if (Object.keys(gossip).length > 0) pushPatch.gossip = gossip;
  if (Object.keys(workload).length > 0) pushPatch.workload = workload;
  const ws = o.listen !== undefined || (o.peers ?? []).length > 0;
  return {
    replicas: o.replicas,
    collectorUrl: o.collector,
    ...(o.token !== undefined ? { token: o.token } : {}),
    updatesPerSec: o.updatesPerSec,
    intervalMs: o.intervalMs,
    fanout: o.fanout,
    mode: o.mode,
    payload: o.payload,
    crdt: o.crdt,
    ...(o.reportIntervalMs !== undefined ? { reportIntervalMs: o.reportIntervalMs } : {}),
    // Two processes must not share replica ids: over WebSocket the default prefix names the process.
    idPrefix: o.idPrefix ?? (ws ? `p${process.pid}-r` : "r"),
    ...(o.listen !== undefined ? { listen: o.listen } : {}),
    ...(o.peers !== undefined ? { peers: o.peers } : {}),
    seed: o.seed,
    pushPatch,
  };
}
