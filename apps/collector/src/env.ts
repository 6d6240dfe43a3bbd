// Every environment variable the collector reads, validated in one place. The CLI's
// flags override these; tests pass options to createCollector directly.
import { DEFAULT_HOST, DEFAULT_PORT, DEFAULT_REPORT_INTERVAL_MS, unknownEnvWarnings } from "@driftscope/protocol";

/** Validated environment settings (undefined: not set). */
export interface CollectorEnv {
  port: number;
  host: string;
  /** SQLite file of the recordings. */
  dbPath: string | undefined;
  agentToken: string | undefined;
  operatorToken: string | undefined;
  /** Extra Host names accepted (reverse proxy); empty: loopback names and the bound address only. */
  allowedHosts: string[];
  dashboardDir: string | undefined;
  frameHz: number;
  reportIntervalMs: number;
  retentionRuns: number;
  retentionMb: number;
  logLevel: LogLevel;
}

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Thrown when a variable is set to something unusable; the message names it and says why. */
export class EnvError extends Error {
  override readonly name = "EnvError";
}

/** Defaults of the settings that have one. */
export const ENV_DEFAULTS = {
  port: DEFAULT_PORT,
  host: DEFAULT_HOST,
  frameHz: 10,
  reportIntervalMs: DEFAULT_REPORT_INTERVAL_MS,
  retentionRuns: 50,
  retentionMb: 1024,
  logLevel: "info" as LogLevel,
} as const;

/** The variables, their meaning and default (also printed by `driftscope serve --help`). */
export const ENV_HELP: ReadonlyArray<[name: string, meaning: string]> = [
  ["DRIFTSCOPE_PORT", `port to listen on (default ${DEFAULT_PORT}; 0 = any free port)`],
  ["DRIFTSCOPE_HOST", `address to bind (default ${DEFAULT_HOST}; anything else needs both tokens)`],
  ["DRIFTSCOPE_DB", "SQLite file of the recordings (default .driftscope/driftscope.db)"],
  ["DRIFTSCOPE_TOKEN", "token agents must present (socket auth, hello, or Authorization: Bearer)"],
  ["DRIFTSCOPE_OPERATOR_TOKEN", "token required to change the config or control runs"],
  ["DRIFTSCOPE_ALLOWED_HOSTS", "extra Host names accepted, comma-separated (e.g. the name a reverse proxy forwards); others are refused"],
  ["DRIFTSCOPE_DASHBOARD_DIR", "directory of the built dashboard (default apps/dashboard/dist)"],
  ["DRIFTSCOPE_FRAME_HZ", "frames per second sent to dashboards (1–60, default 10)"],
  ["DRIFTSCOPE_REPORT_INTERVAL_MS", `report interval asked of agents (50–60000, default ${DEFAULT_REPORT_INTERVAL_MS})`],
  ["DRIFTSCOPE_RETENTION_RUNS", "recorded runs kept in the database (default 50)"],
  ["DRIFTSCOPE_RETENTION_MB", "size the database is kept under, in MB (default 1024)"],
  ["DRIFTSCOPE_LOG_LEVEL", `log level: ${LOG_LEVELS.join(", ")} (default info)`],
];

/** One line per DRIFTSCOPE_* variable no part reads, naming the closest known one (a typo is not ignored silently). */
export function envWarnings(source: NodeJS.ProcessEnv = process.env): string[] {
  return unknownEnvWarnings(source);
}

/** Parses an integer in [min, max]; the message names the variable or flag. */
export function parseIntSetting(name: string, raw: string, min: number, max: number): number {
  const text = raw.trim();
  if (!/^-?\d+$/.test(text)) throw new EnvError(`${name} must be an integer, got ${JSON.stringify(raw)}`);
  const value = Number(text);
  if (value < min || value > max) throw new EnvError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

function nonEmpty(name: string, raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  if (raw.trim() === "") throw new EnvError(`${name} is set but empty; unset it or give it a value`);
  return raw;
}

function token(name: string, raw: string | undefined): string | undefined {
  const value = nonEmpty(name, raw);
  if (value !== undefined && (value.length < 8 || value.length > 512)) {
    throw new EnvError(`${name} must be 8–512 characters long`);
  }
  return value;
}

/** Parses a comma-separated list of host names (no scheme, path or port). */
export function parseHostList(name: string, raw: string): string[] {
  const names = raw.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
  for (const h of names) {
    if (!/^[a-z0-9.-]{1,253}$/.test(h) && !/^\[?[0-9a-f:.]+\]?$/.test(h)) {
      throw new EnvError(`${name} takes host names separated by commas (no scheme, port or path), got ${JSON.stringify(h).slice(0, 80)}`);
    }
  }
  return names;
}

/** Reads and validates the environment; throws `EnvError` naming the first bad variable. */
export function readEnv(source: NodeJS.ProcessEnv = process.env): CollectorEnv {
  const get = (name: string) => {
    const v = source[name];
    return v === undefined || v === "" ? undefined : v;
  };
  const int = (name: string, min: number, max: number, fallback: number) => {
    const raw = get(name);
    return raw === undefined ? fallback : parseIntSetting(name, raw, min, max);
  };
  const level = get("DRIFTSCOPE_LOG_LEVEL") ?? ENV_DEFAULTS.logLevel;
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new EnvError(`DRIFTSCOPE_LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(level)}`);
  }
  return {
    port: int("DRIFTSCOPE_PORT", 0, 65535, ENV_DEFAULTS.port),
    host: nonEmpty("DRIFTSCOPE_HOST", get("DRIFTSCOPE_HOST")) ?? ENV_DEFAULTS.host,
    dbPath: nonEmpty("DRIFTSCOPE_DB", get("DRIFTSCOPE_DB")),
    agentToken: token("DRIFTSCOPE_TOKEN", source.DRIFTSCOPE_TOKEN),
    operatorToken: token("DRIFTSCOPE_OPERATOR_TOKEN", source.DRIFTSCOPE_OPERATOR_TOKEN),
    allowedHosts: parseHostList("DRIFTSCOPE_ALLOWED_HOSTS", get("DRIFTSCOPE_ALLOWED_HOSTS") ?? ""),
    dashboardDir: nonEmpty("DRIFTSCOPE_DASHBOARD_DIR", get("DRIFTSCOPE_DASHBOARD_DIR")),
    frameHz: int("DRIFTSCOPE_FRAME_HZ", 1, 60, ENV_DEFAULTS.frameHz),
    reportIntervalMs: int("DRIFTSCOPE_REPORT_INTERVAL_MS", 50, 60_000, ENV_DEFAULTS.reportIntervalMs),
    retentionRuns: int("DRIFTSCOPE_RETENTION_RUNS", 1, 100_000, ENV_DEFAULTS.retentionRuns),
    retentionMb: int("DRIFTSCOPE_RETENTION_MB", 1, 10_000_000, ENV_DEFAULTS.retentionMb),
    logLevel: level as LogLevel,
  };
}
