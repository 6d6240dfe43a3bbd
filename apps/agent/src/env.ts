// Every environment variable the launcher reads, validated in one place; flags override them.

import { unknownEnvWarnings } from "@driftscope/protocol";

/** Settings taken from the environment (undefined: not set). */
export interface AgentEnv {
  /** Collector base URL (DRIFTSCOPE_COLLECTOR). */
  collectorUrl: string | undefined;
  /** Agent token (DRIFTSCOPE_TOKEN), also used as the operator token for the command-line config. */
  token: string | undefined;
}

/** Thrown when a variable is set to something unusable; the message names it. */
export class EnvError extends Error {
  override readonly name = "EnvError";
}

export const ENV_HELP: ReadonlyArray<[name: string, meaning: string]> = [
  ["DRIFTSCOPE_COLLECTOR", "collector URL (default http://127.0.0.1:7420; --collector overrides)"],
  ["DRIFTSCOPE_TOKEN", "agent token (--token overrides)"],
];

/** One line per DRIFTSCOPE_* variable no part reads, naming the closest known one. */
export function envWarnings(env: NodeJS.ProcessEnv = process.env): string[] {
  return unknownEnvWarnings(env);
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): AgentEnv {
  const collectorUrl = env.DRIFTSCOPE_COLLECTOR?.trim() || undefined;
  if (collectorUrl !== undefined) checkUrl("DRIFTSCOPE_COLLECTOR", collectorUrl, ["http:", "https:"]);
  const token = env.DRIFTSCOPE_TOKEN || undefined;
  return { collectorUrl, token };
}

/** Throws an EnvError naming `name` unless `value` is a URL with one of `protocols`. */
export function checkUrl(name: string, value: string, protocols: readonly string[]): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new EnvError(`${name} must be a URL, got ${JSON.stringify(value)}`);
  }
  if (!protocols.includes(url.protocol)) throw new EnvError(`${name} must be a ${protocols.join(" or ")} URL, got ${JSON.stringify(value)}`);
  return url;
}
