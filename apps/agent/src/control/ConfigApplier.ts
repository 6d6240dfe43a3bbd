// Applying a cluster config pushed by the collector. Two phases, so that a refused
// config leaves every replica as it was: first every party (the host's handlers and
// each replica source) checks the config, and only if all accept does anyone apply it.
// The outcome is acknowledged per replica with the config version.
import { ClusterConfigSchema, parseMessage, type ClusterConfig, type ErrorCode } from "@driftscope/protocol";

/** How a host retunes itself when the cluster config changes (e.g. the launcher's network and workload). */
export interface ConfigHandler {
  /** Why `config` cannot be applied here, or undefined when it can. Must not change anything. */
  check?(config: ClusterConfig, previous: ClusterConfig | undefined): string | undefined;
  /** Applies `config`. Called only after every check passed; a throw is reported as a failure. */
  apply(config: ClusterConfig, previous: ClusterConfig | undefined): void;
}

/** A party that runs configs: a replica source with `checkConfig`/`applyConfig`. */
export interface ConfigTarget {
  readonly id: string;
  checkConfig?(config: ClusterConfig): string | undefined;
  applyConfig?(config: ClusterConfig): void;
}

/** The outcome for one config version: which replicas run it, which refused it and why. */
export interface ConfigOutcome {
  version: number;
  /** Replicas now running `version`. */
  applied: string[];
  /** Refusals, grouped by reason: nothing was changed for these replicas. */
  refused: Array<{ replicas: string[]; code: ErrorCode; message: string }>;
  /** The config as applied (undefined when it was refused or invalid). */
  config: ClusterConfig | undefined;
}

export class ConfigApplier {
  readonly #handlers = new Set<ConfigHandler>();
  #current: ClusterConfig | undefined;

  /** The last config applied. */
  get current(): ClusterConfig | undefined {
    return this.#current;
  }

  addHandler(handler: ConfigHandler): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  get hasHandlers(): boolean {
    return this.#handlers.size > 0;
  }

  /**
   * Validates `input` (it came over the network) and applies it to the host and `targets`.
   * Targets that neither check nor apply configs are acknowledged only when a host handler
   * applied the config for them; otherwise they are left out (they do not run configs).
   */
  apply(input: unknown, targets: readonly ConfigTarget[]): ConfigOutcome {
    const versionGuess = readVersion(input);
    const runs = targets.filter((t) => t.applyConfig !== undefined || this.#handlers.size > 0);
    const ids = runs.map((t) => t.id);
    const parsed = parseMessage(ClusterConfigSchema, input, { what: "config" });
    if (!parsed.ok) {
      const detail = parsed.error.issues?.map((i) => `${i.path || "(config)"}: ${i.reason}`).join("; ");
      return refuseAll(versionGuess, ids, "VALIDATION", detail ? `invalid config: ${detail}` : parsed.error.message);
    }
    const config = parsed.value;
    const previous = this.#current;
    // Phase 1: every party checks; the first reason refuses the whole config.
    for (const handler of this.#handlers) {
      const reason = safeCheck(() => handler.check?.(config, previous));
      if (reason !== undefined) return refuseAll(config.version, ids, "VALIDATION", reason);
    }
    for (const target of runs) {
      const reason = safeCheck(() => target.checkConfig?.(config));
      if (reason !== undefined) return refuseAll(config.version, ids, "VALIDATION", `replica ${target.id}: ${reason}`);
    }
    // Phase 2: apply. A failure here is unexpected (the checks passed); it is reported for
    // the replicas it concerns, and the others go on with the new config.
    const outcome: ConfigOutcome = { version: config.version, applied: [], refused: [], config };
    for (const handler of this.#handlers) {
      try {
        handler.apply(config, previous);
      } catch (error) {
        outcome.refused.push({ replicas: ids, code: "INTERNAL", message: `host could not apply the config: ${errorText(error)}` });
        outcome.config = undefined;
        return outcome;
      }
    }
    this.#current = config;
    for (const target of runs) {
      try {
        target.applyConfig?.(config);
        outcome.applied.push(target.id);
      } catch (error) {
        outcome.refused.push({ replicas: [target.id], code: "INTERNAL", message: errorText(error) });
      }
    }
    return outcome;
  }
}

function refuseAll(version: number, replicas: string[], code: ErrorCode, message: string): ConfigOutcome {
  return { version, applied: [], refused: replicas.length > 0 ? [{ replicas, code, message }] : [], config: undefined };
}

function safeCheck(fn: () => string | undefined): string | undefined {
  try {
    return fn();
  } catch (error) {
    return errorText(error);
  }
}

function readVersion(input: unknown): number {
  const v = typeof input === "object" && input !== null ? (input as { version?: unknown }).version : undefined;
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0 ? v : 0;
}

/** A short readable text for anything thrown. */
export function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 1000 ? text.slice(0, 999) + "…" : text;
}
