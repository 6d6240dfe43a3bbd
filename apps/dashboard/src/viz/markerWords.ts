// Timeline events in plain words for chart markers: "interval 1000 → 51 ms", "partition into
// 2 groups", "crash r3", "heal" — never the collector's field paths ("network.crashed 1 item →
// none"). The collector's summary names what changed and the values before ("path before →
// after, …"); the event's patch carries the values after; earlier patches tell what a list held.

/** A timeline event as the words need it (the protocol's `TimelineEvent` fits). */
export interface WordedEvent {
  timeMs: number;
  kind: string;
  summary: string;
  version?: number;
  /** The config patch applied (sections of settings), as the protocol's `ConfigPatch`. */
  patch?: object;
  replicas?: readonly string[];
  detail?: string;
}

/** One changed setting as the collector's summary lists it. */
export interface SummaryChange {
  path: string;
  before: string;
  after: string;
}

/** The changes a config event's summary lists: "v3: gossip.intervalMs 1000 → 51, gossip.fanout 2 → 3". */
export function parseSummary(summary: string): SummaryChange[] {
  const body = summary.replace(/^(config )?v\d+:?\s*/, "").replace(/…$/, "");
  const out: SummaryChange[] = [];
  for (const part of body.split(/,\s+(?=[a-z]+\.[A-Za-z]+ )/)) {
    const m = /^([a-z]+\.[A-Za-z]+) (.*?) → (.*)$/.exec(part.trim());
    if (m) out.push({ path: m[1]!, before: m[2]!, after: m[3]! });
  }
  return out;
}

/** A value from the summary's text: numbers as numbers, "none" as an empty list, "2 items" as a count, the rest as text. */
function fromSummary(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  if (text === "none") return [];
  const items = /^(\d+) items?$/.exec(text);
  if (items) return { count: Number(items[1]) };
  const n = Number(text);
  return text !== "" && Number.isFinite(n) ? n : text.replace(/^"|"$/g, "");
}

const isList = (v: unknown): v is unknown[] => Array.isArray(v);
const num = (v: unknown) => (typeof v === "number" ? String(Math.round(v * 1000) / 1000) : "?");
const percent = (v: unknown) => (typeof v === "number" ? String(Math.round(v * 1000) / 10) : "?");
const fromTo = (before: unknown, after: unknown, show: (v: unknown) => string, unit = "") => `${before === undefined ? "" : `${show(before)} → `}${show(after)}${unit}`;

/** Replica ids in a label: named when few, counted when many. */
function ids(list: readonly unknown[]): string {
  return list.length <= 3 ? list.join(", ") : `${list.length} replicas`;
}

/** Groups a partition makes: the listed ones, plus one for every replica listed in none. */
function groupCount(groups: readonly unknown[], replicaCount: number | undefined): number {
  const listed = groups.reduce<number>((n, g) => n + (isList(g) ? g.length : 0), 0);
  if (replicaCount !== undefined && replicaCount > 0) return groups.length + (listed < replicaCount ? 1 : 0);
  return groups.length === 1 ? 2 : groups.length;
}

/** One changed setting in words; `before` is undefined when not known. */
export function changeWords(path: string, before: unknown, after: unknown, replicaCount?: number): string {
  switch (path) {
    case "gossip.intervalMs":
      return `interval ${fromTo(before, after, num, " ms")}`;
    case "gossip.fanout":
      return `fanout ${fromTo(before, after, num)}`;
    case "gossip.mode":
      return `mode ${fromTo(before, after, String)}`;
    case "gossip.payload":
      return `payload ${fromTo(before, after, String)}`;
    case "workload.updatesPerSecPerReplica":
      return `updates ${fromTo(before, after, num, "/s per replica")}`;
    case "workload.crdtType":
      return `CRDT ${fromTo(before, after, String)}`;
    case "workload.opMix":
      return "operation mix changed";
    case "network.latencyMs":
      return `latency ${fromTo(before, after, num, " ms")}`;
    case "network.jitterMs":
      return `jitter ${fromTo(before, after, num, " ms")}`;
    case "network.lossRate":
      return `loss ${fromTo(before, after, percent, " %")}`;
    case "telemetry.traceEveryK":
      return after === 1 ? "trace every update" : `trace every ${num(after)}th update`;
    case "network.partitions":
      if (!isList(after)) return "partition changed";
      return after.length === 0 ? "heal" : `partition into ${groupCount(after, replicaCount)} groups`;
    case "network.cuts": {
      if (!isList(after)) return "one-way cuts changed";
      if (after.length === 0) return "cuts removed";
      const known = isList(before) ? before.map((c) => JSON.stringify(c)) : [];
      const added = after.filter((c) => !known.includes(JSON.stringify(c))) as { from?: string; to?: string }[];
      if (added.length === 1 && isList(before)) return `cut ${added[0]!.from} → ${added[0]!.to}`;
      return after.length === 1 ? `cut ${(after[0] as { from?: string }).from} → ${(after[0] as { to?: string }).to}` : `${after.length} one-way cuts`;
    }
    case "network.crashed": {
      if (!isList(after)) return "crashed replicas changed";
      if (!isList(before)) return after.length === 0 ? "restore all" : `crash ${ids(after)}`;
      const crashed = after.filter((id) => !before.includes(id));
      const restored = before.filter((id) => !after.includes(id));
      const words = [crashed.length ? `crash ${ids(crashed)}` : "", restored.length ? `restore ${ids(restored)}` : ""].filter(Boolean);
      return words.join(", ") || "crashed replicas unchanged";
    }
    default:
      return `${path.split(".").pop()} ${fromTo(before, after, (v) => (typeof v === "string" ? v : JSON.stringify(v)))}`;
  }
}

/** A fault without a config version (a status change, lost updates, dot reuse) in a few words: "r3 crashed", "45 updates lost". */
function faultWords(summary: string): string {
  const short = summary.split(/[:(]/)[0]!.trim();
  return short.replace(/^replica /, "");
}

/** A marker's words and its tooltip. */
export interface EventWords {
  label: string;
  title: string;
}

/**
 * Words for every event, in the order given (time order): a walk that remembers each
 * setting's last value from earlier patches, so "restore r3" knows who was crashed.
 * `replicaCount` counts partition groups (replicas listed in no group form one more).
 */
export function eventsInWords(events: readonly WordedEvent[], replicaCount?: number): EventWords[] {
  const known = new Map<string, unknown>();
  return events.map((e) => {
    const parsed = parseSummary(e.summary);
    const patch = (e.patch ?? {}) as Record<string, Record<string, unknown> | number | undefined>;
    const byTuner = e.detail?.startsWith("by the tuner") ?? false;
    const title = [e.version !== undefined ? `Config v${e.version}` : "", e.summary, e.detail ?? ""].filter(Boolean).join(" · ");
    if (e.version === undefined || (parsed.length === 0 && !e.patch)) return { label: faultWords(e.summary), title };
    const words: string[] = [];
    for (const change of parsed) {
      const [section, key] = change.path.split(".") as [string, string];
      const values = patch[section];
      const patched = typeof values === "object" ? values[key] : undefined;
      const after = patched !== undefined ? patched : fromSummary(change.after);
      const before = known.has(change.path) ? known.get(change.path) : fromSummary(change.before);
      words.push(changeWords(change.path, before, after, replicaCount));
    }
    // Remember what the patch set, changed or not (a list's members are needed later).
    for (const [section, values] of Object.entries(patch)) {
      if (section === "expectedVersion" || typeof values !== "object" || values === null) continue;
      for (const [key, value] of Object.entries(values)) if (value !== undefined) known.set(`${section}.${key}`, value);
    }
    const label = words.length > 0 ? words.join(", ") : /no value changed/.test(e.summary) ? `config v${e.version}, unchanged` : faultWords(e.summary);
    return { label: byTuner ? `tuner: ${label}` : label, title };
  });
}

/** The gossip interval and fanout before an event changed them (undefined where it did not, or the summary does not say). */
export function gossipBefore(e: WordedEvent): { intervalMs?: number; fanout?: number; changed: boolean } {
  const out: { intervalMs?: number; fanout?: number; changed: boolean } = { changed: false };
  for (const c of parseSummary(e.summary)) {
    const before = fromSummary(c.before);
    if (c.path === "gossip.intervalMs") {
      out.changed = true;
      if (typeof before === "number") out.intervalMs = before;
    } else if (c.path === "gossip.fanout") {
      out.changed = true;
      if (typeof before === "number") out.fanout = before;
    }
  }
  return out;
}
