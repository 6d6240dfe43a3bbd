// Reports of one agent that arrived while the first still waited to be folded in, merged
// into one — losslessly where the data allows: a version-vector entry is a value (the later
// one is what applying the reports in turn leaves), sync counters are cumulative (the
// latest), hash/size/summary, status and config version are the latest given. Issue and
// inclusion times are events: all are kept up to the protocol's per-entry limits; past them
// the oldest go and are counted (`droppedTimes`), never silently. Whole vectors stay whole.
// A report that cannot merge exactly (a replica's incarnation changed in between, or a
// seq that does not increase), or would make the merge hold more than MAX_MERGED_ENTRIES, is refused: the caller folds the pending one first. Adding costs O(entries added), whatever
// has accumulated; the merged report is bounded by replicas × origins plus the time lists.
import { LIMITS, type Report, type ReplicaReport } from "@driftscope/protocol";
import { vvLength, vvPairs } from "../metrics/packedVv.js";

/** Most entries a merged report may hold (memory per connection stays bounded; past it the waiting one is folded first). */
export const MAX_MERGED_ENTRIES = 4 * LIMITS.entriesPerReport;

interface Entry {
  /** The latest entry given (its scalar fields win); its lists are replaced by the ones below. */
  latest: ReplicaReport;
  full: boolean;
  vv: Map<string, number>;
  hash: Pick<ReplicaReport, "hash" | "bytes" | "summary"> | undefined;
  configVersion: number | undefined;
  status: ReplicaReport["status"];
  issued: Array<[number, number]>;
  included: Array<[string, number, number]>;
  hasIssued: boolean;
  hasIncluded: boolean;
}

export class CoalescedReport {
  /** Seq of the first report merged (the session's seq check covers the range). */
  readonly firstSeq: number;
  /** Reports merged into this one (1: just the first). */
  reports = 1;
  /** Issue and inclusion times that did not fit (dropped, oldest first). */
  droppedTimes = 0;
  /** Entries that collapsed into later values of the same origin. */
  collapsedEntries = 0;
  /** Entries of the reports merged in (before collapsing). */
  offeredEntries = 0;
  #last: Report;
  #single: Report | undefined;
  #entries = new Map<string, Entry>();
  #events: NonNullable<Report["events"]> | undefined;
  #dropped: { reports: number; events: number } | undefined;
  #size = 0;

  constructor(first: Report) {
    this.firstSeq = first.seq;
    this.#last = first;
    this.#single = first;
    this.offeredEntries = countEntries(first);
  }

  /** Entries the merged report carries now. */
  get size(): number {
    return this.#single !== undefined ? this.offeredEntries : this.#size;
  }

  /** Merges `next` (same agent, later seq); false when it cannot merge exactly. */
  add(next: Report): boolean {
    // A seq that does not increase is a replay: it must be refused on its own, not absorbed.
    if (next.seq <= this.#last.seq) return false;
    if (this.size + countEntries(next) > MAX_MERGED_ENTRIES) return false;
    if (this.#single !== undefined) {
      for (const r of next.replicas) {
        const old = this.#single.replicas.find((x) => x.replica === r.replica);
        if (old !== undefined && (old.incarnation ?? -1) !== (r.incarnation ?? -1)) return false;
      }
      this.#open(this.#single);
      this.#single = undefined;
    } else {
      for (const r of next.replicas) {
        const e = this.#entries.get(r.replica);
        if (e !== undefined && (e.latest.incarnation ?? -1) !== (r.incarnation ?? -1)) return false;
      }
    }
    const before = this.#size;
    this.#fold(next);
    const added = countEntries(next);
    this.offeredEntries += added;
    this.collapsedEntries += Math.max(0, before + added - this.#size);
    this.reports++;
    this.#last = next;
    return true;
  }

  /** The merged report (the first one itself when nothing was merged). */
  build(): Report {
    if (this.#single !== undefined) return this.#single;
    const last = this.#last;
    const replicas: ReplicaReport[] = [];
    for (const e of this.#entries.values()) replicas.push(this.#entry(e));
    const report: Report = { type: "report", agentId: last.agentId, seq: last.seq, timeMs: last.timeMs, replicas };
    if (last.clock !== undefined) report.clock = last.clock;
    if (this.#dropped !== undefined) report.dropped = { ...this.#dropped };
    if (this.#events !== undefined) report.events = this.#events;
    return report;
  }

  #open(first: Report): void {
    this.#fold(first);
  }

  #fold(report: Report): void {
    for (const r of report.replicas) {
      let e = this.#entries.get(r.replica);
      if (e === undefined) {
        e = { latest: r, full: false, vv: new Map(), hash: undefined, configVersion: undefined, status: undefined, issued: [], included: [], hasIssued: false, hasIncluded: false };
        this.#entries.set(r.replica, e);
      }
      if (r.full === true) {
        this.#size -= e.vv.size;
        e.vv = new Map();
        e.full = true;
      }
      for (const [origin, seq] of vvPairs(r)) {
        if (!e.vv.has(origin)) this.#size++;
        e.vv.set(origin, seq);
      }
      e.latest = r;
      if (r.hash !== undefined) e.hash = { hash: r.hash, bytes: r.bytes, summary: r.summary };
      if (r.configVersion !== undefined) e.configVersion = r.configVersion;
      if (r.status !== undefined) e.status = r.status;
      if (r.issued !== undefined) {
        e.hasIssued = true;
        for (const x of r.issued) e.issued.push(x);
        this.#size += r.issued.length;
        this.#size -= cap(e.issued, LIMITS.issuedPerReplica, this);
      }
      if (r.included !== undefined) {
        e.hasIncluded = true;
        for (const x of r.included) e.included.push(x);
        this.#size += r.included.length;
        this.#size -= cap(e.included, LIMITS.includedPerReplica, this);
      }
    }
    if (report.dropped !== undefined) this.#dropped = { reports: (this.#dropped?.reports ?? 0) + report.dropped.reports, events: (this.#dropped?.events ?? 0) + report.dropped.events };
    if (report.events !== undefined) {
      // Sync events are a sample already (counters stay exact): what does not fit is counted as dropped.
      const events = (this.#events ??= []);
      for (const ev of report.events) events.push(ev);
      const over = events.length - LIMITS.eventsPerReport;
      if (over > 0) {
        events.splice(0, over);
        this.#dropped = { reports: this.#dropped?.reports ?? 0, events: (this.#dropped?.events ?? 0) + over };
      }
    }
  }

  #entry(e: Entry): ReplicaReport {
    const r = e.latest;
    const out: ReplicaReport = { replica: r.replica, seq: r.seq, vv: [...e.vv] as ReplicaReport["vv"], sync: r.sync };
    if (e.full) out.full = true;
    if (e.hash !== undefined) Object.assign(out, e.hash);
    if (e.hasIssued) out.issued = e.issued as ReplicaReport["issued"];
    if (e.hasIncluded) out.included = e.included as ReplicaReport["included"];
    if (e.configVersion !== undefined) out.configVersion = e.configVersion;
    if (e.status !== undefined) out.status = e.status;
    if (r.incarnation !== undefined) out.incarnation = r.incarnation;
    return out;
  }
}

/** Drops the oldest items past `max`; counts them on `into`; returns how many went. */
function cap(list: unknown[], max: number, into: { droppedTimes: number }): number {
  const over = list.length - max;
  if (over <= 0) return 0;
  list.splice(0, over);
  into.droppedTimes += over;
  return over;
}

/** vv, issued and included entries of a report. */
export function countEntries(report: Report): number {
  let n = 0;
  for (const r of report.replicas) n += vvLength(r) + (r.issued?.length ?? 0) + (r.included?.length ?? 0);
  return n;
}
