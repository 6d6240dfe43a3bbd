// Every DRIFTSCOPE_* variable any part reads, so that each part can name a misspelt one
// instead of ignoring it. What each does: the README's "Environment variables" table.

/** The variables, each with the other words people reach for (matched for "did you mean"). */
export const KNOWN_ENV = {
  // collector (apps/collector/src/env.ts, experiments/simulator.ts)
  DRIFTSCOPE_PORT: ["LISTEN_PORT", "HTTP_PORT"],
  DRIFTSCOPE_HOST: ["BIND", "ADDRESS", "LISTEN"],
  DRIFTSCOPE_DB: ["DATA", "DATA_DIR", "DATABASE", "DB_PATH", "SQLITE", "DB_FILE"],
  DRIFTSCOPE_TOKEN: ["AGENT_TOKEN"],
  DRIFTSCOPE_OPERATOR_TOKEN: ["ADMIN_TOKEN", "OP_TOKEN"],
  DRIFTSCOPE_ALLOWED_HOSTS: ["HOSTS", "ALLOWED_HOST"],
  DRIFTSCOPE_DASHBOARD_DIR: ["DASHBOARD", "STATIC_DIR", "UI_DIR"],
  DRIFTSCOPE_FRAME_HZ: ["FRAME_RATE", "FPS"],
  DRIFTSCOPE_REPORT_INTERVAL_MS: ["REPORT_INTERVAL", "REPORT_MS"],
  DRIFTSCOPE_RETENTION_RUNS: ["KEEP_RUNS", "MAX_RUNS"],
  DRIFTSCOPE_RETENTION_MB: ["MAX_MB", "DB_MB"],
  DRIFTSCOPE_LOG_LEVEL: ["LOG", "LOGLEVEL", "DEBUG"],
  DRIFTSCOPE_SIMULATOR: ["SIMULATE"],
  // agent (apps/agent/src/env.ts) and the integrations' examples
  DRIFTSCOPE_COLLECTOR: ["SERVER", "COLLECTOR_ADDRESS"],
  // npm start (scripts/start.mjs)
  DRIFTSCOPE_DEMO: ["DEMO_LIBRARY"],
  DRIFTSCOPE_DEMO_REPLICAS: ["REPLICAS", "NODES"],
  // dashboard dev server (apps/dashboard/vite.config.ts)
  DRIFTSCOPE_COLLECTOR_URL: [],
  // clients' tests and examples (clients/*)
  DRIFTSCOPE_URL: [],
  DRIFTSCOPE_CLIENT_RESULTS: [],
  // tests (npm test, e2e, the agent's outage test)
  DRIFTSCOPE_TEST_REPORT_DIR: [],
  DRIFTSCOPE_SCREENSHOT_DIR: ["SCREENSHOTS"],
  DRIFTSCOPE_OUTAGE_MS: [],
  DRIFTSCOPE_OUTAGE_REPLICAS: [],
  DRIFTSCOPE_OUTAGE_RESULT: [],
} as const satisfies Record<string, readonly string[]>;

/** A DRIFTSCOPE_* variable some part reads. */
export type KnownEnvName = keyof typeof KNOWN_ENV;

const PREFIX = "DRIFTSCOPE_";

/**
 * The known variable closest to `name` (edit distance to its name or one of its other
 * words, after the prefix), or null when none is close.
 * @example closestEnvName("DRIFTSCOPE_DATA_DIR") // "DRIFTSCOPE_DB"
 */
export function closestEnvName(name: string): KnownEnvName | null {
  const wanted = name.toUpperCase().slice(PREFIX.length);
  let best: { name: KnownEnvName; distance: number } | null = null;
  for (const [known, words] of Object.entries(KNOWN_ENV) as [KnownEnvName, readonly string[]][]) {
    for (const word of [known.slice(PREFIX.length), ...words]) {
      const distance = editDistance(wanted, word);
      if (best === null || distance < best.distance) best = { name: known, distance };
    }
  }
  // Close means at most a third of the letters differ (two for short names).
  return best !== null && best.distance <= Math.max(2, Math.floor(wanted.length / 3)) ? best.name : null;
}

/**
 * One warning line per DRIFTSCOPE_* variable of `env` that no part reads.
 * @example unknownEnvWarnings({ DRIFTSCOPE_DATA_DIR: "x" }) // ["DRIFTSCOPE_DATA_DIR is not a Driftscope setting and is ignored; did you mean DRIFTSCOPE_DB?"]
 */
export function unknownEnvWarnings(env: Readonly<Record<string, string | undefined>>): string[] {
  const out: string[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(PREFIX) || Object.hasOwn(KNOWN_ENV, name)) continue;
    const near = closestEnvName(name);
    out.push(`${name} is not a Driftscope setting and is ignored; ${near ? `did you mean ${near}?` : "the README lists the variables"}`);
  }
  return out;
}

/** Levenshtein distance with adjacent swaps counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  return rows[a.length]![b.length]!;
}
