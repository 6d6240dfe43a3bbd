// Buffers what a run records and writes it in one transaction per flush (the server
// flushes once a second and on shutdown), so the hot path never waits on the disk.
import type { ClusterConfig, ConfigPatch, Kpis, TimelineEvent } from "@driftscope/protocol";
import type { Batch, FrameRow, Retention, RunStore, SampleRow, StoredRun } from "./RunStore.js";

/** Most buffered samples between two flushes; beyond it samples are counted, not kept. */
const MAX_BUFFERED_SAMPLES = 1_000_000;

export interface RecorderOptions {
  retention: Retention;
  collectorVersion: string;
  protocol: number;
}

/** Per-replica columns of a recorded frame (stored as JSON next to the KPI columns). */
export interface RecordedReplicas {
  replicaIds: readonly string[];
  columns: Record<string, readonly number[]>;
}

export class Recorder {
  private run: StoredRun | null = null;
  private batch: Batch = { frames: [], samples: [], events: [], configs: [] };
  private droppedSamples = 0;

  constructor(
    readonly store: RunStore,
    private readonly options: RecorderOptions,
  ) {}

  /** The run being recorded, or null when recording is stopped. */
  get current(): StoredRun | null {
    return this.run;
  }

  /** Samples that could not be buffered (flushes fell behind). */
  get samplesDropped(): number {
    return this.droppedSamples;
  }

  /** Starts a new run (ending the current one), recording `config` as its first version. */
  start(name: string, nowMs: number, config: ClusterConfig): StoredRun {
    if (this.run !== null) this.stop(nowMs);
    this.run = this.store.startRun(name, nowMs, this.options.collectorVersion, this.options.protocol);
    this.addConfig(config, undefined, nowMs);
    this.flush(nowMs);
    this.store.enforceRetention(this.options.retention, this.run.id);
    return this.run;
  }

  /**
   * Ends the current run cleanly (everything buffered is written first). `inFlightAges`:
   * ages of the traced updates still unconverged, so its percentiles stay censored.
   */
  stop(nowMs: number, inFlightAges: readonly number[] = []): void {
    if (this.run === null) return;
    this.flush(nowMs);
    if (inFlightAges.length > 0) this.store.setCensoredAges(this.run.id, inFlightAges);
    this.store.endRun(this.run.id, nowMs, "closed");
    this.run = null;
  }

  addConfig(config: ClusterConfig, patch: ConfigPatch | undefined, timeMs: number): void {
    if (this.run === null) return;
    this.batch.configs.push({ version: config.version, timeMs, configJson: JSON.stringify(config), patchJson: patch === undefined ? null : JSON.stringify(patch) });
  }

  addEvent(event: TimelineEvent): void {
    if (this.run === null) return;
    this.batch.events.push({ timeMs: event.timeMs, kind: event.kind, summary: event.summary, eventJson: JSON.stringify(event) });
  }

  addFrame(timeMs: number, kpis: Kpis, replicas: RecordedReplicas): void {
    if (this.run === null) return;
    const row: FrameRow = {
      timeMs,
      live: kpis.live,
      unreachable: kpis.unreachable,
      crashed: kpis.crashed,
      total: kpis.total,
      convergedShare: kpis.convergedShare,
      distinctStates: kpis.distinctStates,
      missingUpdatesTotal: kpis.missingUpdatesTotal,
      maxStalenessMs: kpis.maxStalenessMs,
      convergenceP50Ms: kpis.convergenceP50Ms,
      convergenceP95Ms: kpis.convergenceP95Ms,
      convergenceP99Ms: kpis.convergenceP99Ms,
      convergenceMaxMs: kpis.convergenceMaxMs,
      convergenceSamples: kpis.convergenceSamples,
      updatesPerSec: kpis.updatesPerSec,
      messagesPerSec: kpis.messagesPerSec,
      bytesPerSec: kpis.bytesPerSec,
      deliveriesPerSec: kpis.deliveriesPerSec,
      bytesPerUpdate: kpis.bytesPerUpdate,
      configVersion: kpis.configVersion,
      ackedReplicas: kpis.ackedReplicas,
      replicasJson: JSON.stringify(replicas),
      meanMissingUpdates: kpis.meanMissingUpdates,
      inFlight: kpis.inFlight,
      oldestInFlightMs: kpis.oldestInFlightMs,
      lostUpdates: kpis.lostUpdates,
      convergenceAtLeast: atLeastBits(kpis.convergenceAtLeast),
    };
    this.batch.frames.push(row);
  }

  addSamples(samples: readonly SampleRow[]): void {
    if (this.run === null) return;
    const room = MAX_BUFFERED_SAMPLES - this.batch.samples.length;
    if (samples.length > room) this.droppedSamples += samples.length - Math.max(0, room);
    for (let i = 0; i < Math.min(room, samples.length); i++) this.batch.samples.push(samples[i]!);
  }

  /** Writes everything buffered in one transaction. */
  flush(nowMs: number): void {
    if (this.run === null) return;
    const b = this.batch;
    if (b.frames.length + b.samples.length + b.events.length + b.configs.length === 0) return;
    this.batch = { frames: [], samples: [], events: [], configs: [] };
    this.store.write(this.run.id, b, nowMs);
  }

  /** Applies the retention limits (call now and then, e.g. once a minute). */
  enforceRetention(): number {
    return this.store.enforceRetention(this.options.retention, this.run?.id ?? null);
  }

  /** Ends the current run and closes the file: nothing is left half-written. */
  close(nowMs: number): void {
    this.stop(nowMs);
    this.store.close();
  }
}

/** The censored flags as bits: p50 1, p95 2, p99 4, max 8. */
export function atLeastBits(a: Kpis["convergenceAtLeast"]): number {
  return (a.p50 ? 1 : 0) | (a.p95 ? 2 : 0) | (a.p99 ? 4 : 0) | (a.max ? 8 : 0);
}

/** The percentiles flagged in `bits`, e.g. "p95 p99 max". */
export function atLeastNames(bits: number): string {
  return ["p50", "p95", "p99", "max"].filter((_, i) => (bits & (1 << i)) !== 0).join(" ");
}
