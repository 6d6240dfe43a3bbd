// The ranges of the numeric config fields and the words a refusal uses. The config
// schemas enforce them (so the collector refuses with these words) and the dashboard
// checks a typed value against them before sending (so it shows the same words).

/** A numeric config field's allowed range and how people read it. */
export interface NumericLimit {
  /** Name shown to people ("Sync interval"). */
  label: string;
  /** Smallest and largest allowed config value. */
  min: number;
  max: number;
  /** Whole numbers only. */
  integer: boolean;
  /** Unit of the number people type ("ms", "%"). */
  unit: string;
  /** Config value × this = the number people type (a loss share of 0.05 is typed as 5 %). */
  displayFactor: number;
}

/** Every numeric field the controls edit, by dotted path. */
export const CONFIG_LIMITS = {
  "gossip.intervalMs": { label: "Sync interval", min: 10, max: 60_000, integer: true, unit: "ms", displayFactor: 1 },
  "gossip.fanout": { label: "Fanout", min: 1, max: 64, integer: true, unit: "peers", displayFactor: 1 },
  "workload.updatesPerSecPerReplica": { label: "Updates per replica", min: 0, max: 1000, integer: false, unit: "updates/s", displayFactor: 1 },
  "network.latencyMs": { label: "Latency", min: 0, max: 60_000, integer: false, unit: "ms", displayFactor: 1 },
  "network.jitterMs": { label: "Jitter", min: 0, max: 60_000, integer: false, unit: "ms", displayFactor: 1 },
  "network.lossRate": { label: "Message loss", min: 0, max: 1, integer: false, unit: "%", displayFactor: 100 },
} as const satisfies Record<string, NumericLimit>;

/** A numeric config field with a range. */
export type LimitedField = keyof typeof CONFIG_LIMITS;

/** A config value as people read it (loss 0.035 → "3.5"), without float noise. */
export function displayNumber(field: LimitedField, value: number): string {
  return String(Number((value * CONFIG_LIMITS[field].displayFactor).toPrecision(12)));
}

/**
 * The allowed range in words.
 * @example describeRange("gossip.intervalMs") // "a whole number from 10 to 60000 ms"
 */
export function describeRange(field: LimitedField): string {
  const l: NumericLimit = CONFIG_LIMITS[field];
  return `${l.integer ? "a whole number" : "a number"} from ${displayNumber(field, l.min)} to ${displayNumber(field, l.max)} ${l.unit}`;
}

/**
 * Why `value` (a config value, or the text typed when it is not a number) cannot be set
 * on `field`, or null when it can. The collector's refusal and the dashboard's show these words.
 * @example limitProblem("network.lossRate", 1.5) // "Message loss takes a number from 0 to 100 %; 150 % is too large"
 */
export function limitProblem(field: LimitedField, value: unknown): string | null {
  const l: NumericLimit = CONFIG_LIMITS[field];
  const why = (what: string) => `${l.label} takes ${describeRange(field)}; ${what}`;
  if (value === undefined || (typeof value === "string" && value.trim() === "")) return why("nothing was given");
  if (typeof value !== "number" || !Number.isFinite(value)) return why(`${quote(value)} is not a number`);
  if (value < l.min) return why(`${displayNumber(field, value)} ${l.unit} is too small`);
  if (value > l.max) return why(`${displayNumber(field, value)} ${l.unit} is too large`);
  if (l.integer && !Number.isInteger(value)) return why(`${displayNumber(field, value)} is not a whole number`);
  return null;
}

function quote(value: unknown): string {
  if (typeof value === "number") return String(value); // NaN, Infinity
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (value === null || value === undefined) return String(value);
  return Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : typeof value;
}
