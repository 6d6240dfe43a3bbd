// A harness cluster with a recording observer on every source: each step (a local change,
// a sync, a gossip round) is recorded with every replica's view before and after, what the
// observers were told, and what the sources' journals said they included.
import type { SyncCounters } from "@driftscope/protocol";
import { toVersionVectorMap, type DotRun, type ReplicaSource } from "../ReplicaSource.js";
import type { ReplicaSourceHarness, SourceCluster } from "./harness.js";
import { RecordingObserver, type Observed } from "./RecordingObserver.js";

/** One replica as its source describes it, next to the test's truth. */
export interface ReplicaView {
  vv: Map<string, number>;
  hash: string;
  bytes: number;
  summary: string;
  /** `seq()`, or the own vector entry when the source has none (the agent's default). */
  seq: number;
  counters: SyncCounters | undefined;
  /** The harness's truth (`stateKey`). */
  stateKey: string;
  /** Problems found while reading (a throwing source, fast paths that disagree with the digest). */
  problems: string[];
}

export type StepKind = "update" | "remove" | "sync" | "gossip";

export interface Step {
  kind: StepKind;
  /** The replica that changed (update, remove) or merged (sync). */
  at?: number;
  /** The sender of a sync. */
  from?: number;
  /** For remove: whether something was removed. */
  removed?: boolean;
  before: ReplicaView[];
  after: ReplicaView[];
  observed: Observed[];
  /** Runs each replica's `drainIncluded` gave after the step. */
  drained: DotRun[][];
}

export class ObservedCluster {
  readonly observers: RecordingObserver[];
  readonly #stops: Array<() => void>;
  #views: ReplicaView[];

  private constructor(readonly cluster: SourceCluster) {
    this.observers = cluster.sources.map((s) => new RecordingObserver(s.id));
    this.#stops = cluster.sources.map((s, i) => s.observe(this.observers[i]!));
    // What happened before observing is history, not this run's events.
    for (const s of cluster.sources) s.drainIncluded?.(() => {});
    this.#views = this.read();
  }

  static async open(harness: ReplicaSourceHarness, replicas: number, seed: number): Promise<ObservedCluster> {
    return new ObservedCluster(await harness.create(replicas, seed));
  }

  get sources(): readonly ReplicaSource[] {
    return this.cluster.sources;
  }

  get views(): readonly ReplicaView[] {
    return this.#views;
  }

  read(): ReplicaView[] {
    return this.cluster.sources.map((s, i) => readView(s, this.cluster.stateKey(i)));
  }

  /** Runs `action` as one step and records it. */
  async step(kind: StepKind, action: () => unknown, where: { at?: number; from?: number } = {}): Promise<Step> {
    const before = this.#views;
    for (const o of this.observers) o.take(); // drop anything between steps (there should be nothing)
    const result = await action();
    const drained = this.cluster.sources.map((s) => {
      const runs: DotRun[] = [];
      s.drainIncluded?.((replica, from, to) => runs.push({ replica, from, to }));
      return runs;
    });
    const observed = this.observers.map((o) => o.take());
    const after = this.read();
    this.#views = after;
    return { kind, ...where, ...(kind === "remove" ? { removed: result !== false } : {}), before, after, observed, drained };
  }

  /** Stops every observer (observe's returned functions); later calls are recorded as problems. */
  stopObserving(): void {
    for (const stop of this.#stops) stop();
    for (const o of this.observers) o.stopped = true;
  }

  async close(): Promise<void> {
    this.stopObserving();
    await this.cluster.close?.();
  }
}

function readView(source: ReplicaSource, stateKey: string): ReplicaView {
  const problems: string[] = [];
  const fail = (what: string, error: unknown) => problems.push(`${source.id}: ${what} threw ${error instanceof Error ? error.message : String(error)}`);
  let view: ReplicaView = { vv: new Map(), hash: "", bytes: 0, summary: "", seq: 0, counters: undefined, stateKey, problems };
  try {
    const d = source.digest();
    view = { ...view, vv: toVersionVectorMap(d.versionVector), hash: d.hash, bytes: d.bytes, summary: d.summary };
  } catch (error) {
    fail("digest()", error);
  }
  try {
    view.seq = source.seq?.() ?? view.vv.get(source.id) ?? 0;
  } catch (error) {
    fail("seq()", error);
  }
  try {
    view.counters = source.syncCounters?.();
  } catch (error) {
    fail("syncCounters()", error);
  }
  // The fast paths must say what the digest says.
  try {
    const s = source.stateDigest?.();
    if (s !== undefined && (s.hash !== view.hash || s.bytes !== view.bytes || s.summary !== view.summary)) {
      problems.push(`${source.id}: stateDigest() ${JSON.stringify(s)} differs from digest() ${JSON.stringify({ hash: view.hash, bytes: view.bytes, summary: view.summary })}`);
    }
  } catch (error) {
    fail("stateDigest()", error);
  }
  if (source.versionVectorEntry !== undefined) {
    for (const [origin, seq] of view.vv) {
      try {
        const entry = source.versionVectorEntry(origin);
        if (entry !== seq) problems.push(`${source.id}: versionVectorEntry(${origin}) = ${entry}, the digest says ${seq}`);
      } catch (error) {
        fail(`versionVectorEntry(${origin})`, error);
      }
    }
  }
  return view;
}
