// Buffers what a run records and writes it to the file: once a second the server hands
// the buffer over and it is written in slices of about 10 ms (one transaction each, in
// order, the event loop free in between), so neither the hot path nor a burst of samples
// (a partition healing) holds frames and health checks up. Ending a run writes all at once.
import type { ClusterConfig, ConfigPatch, Kpis, TimelineEvent } from "@driftscope/protocol";
import type { Batch, FrameRow, Retention, RunStore, SampleRow, StoredRun } from "./RunStore.js";

/** Most samples buffered or waiting to be written; beyond it samples are counted, not kept. */
const MAX_BUFFERED_SAMPLES = 1_000_000;
/** Time one write may hold the event loop; what is left waits for the next turn. */
const WRITE_SLICE_MS = 10;
/** Rows in the first slice; later slices are sized from how long the previous one took. */
const FIRST_SLICE_ROWS = 2000;

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
  private batch: Batch = emptyBatch();
  private droppedSamples = 0;
  /** Batches handed over and not yet written whole, oldest first, with their run and time. */
  private readonly queue: Array<{ runId: string; batch: Batch; nowMs: number }> = [];
  private queuedSamples = 0;
  private draining: ReturnType<typeof setImmediate> | undefined;
  private sliceRows = FIRST_SLICE_ROWS;

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
    const room = MAX_BUFFERED_SAMPLES - this.batch.samples.length - this.queuedSamples;
    if (samples.length > room) this.droppedSamples += samples.length - Math.max(0, room);
    for (let i = 0; i < Math.min(room, samples.length); i++) this.batch.samples.push(samples[i]!);
  }

  /** Writes everything buffered now (readers of the file see all of it afterwards). */
  flush(nowMs: number): void {
    this.handOver(nowMs);
    while (this.queue.length > 0) this.writeSlice(Infinity);
  }

  /**
   * Writes what is buffered in slices of about 10 ms of work, one transaction each, the
   * next slice on a later turn of the event loop; order is kept and nothing is dropped.
   */
  flushInSlices(nowMs: number): void {
    this.handOver(nowMs);
    if (this.draining === undefined && this.queue.length > 0) this.drain();
  }

  /** Rows handed over and not written yet (tests, /metrics). */
  get rowsWaiting(): number {
    return this.queue.reduce((n, q) => n + rowsOf(q.batch), 0);
  }

  private handOver(nowMs: number): void {
    if (this.run === null || rowsOf(this.batch) === 0) return;
    this.queue.push({ runId: this.run.id, batch: this.batch, nowMs });
    this.queuedSamples += this.batch.samples.length;
    this.batch = emptyBatch();
  }

  private drain(): void {
    this.draining = undefined;
    if (this.queue.length === 0) return;
    this.writeSlice(this.sliceRows);
    if (this.queue.length > 0) this.draining = setImmediate(() => this.drain());
  }

  /** Writes up to `maxRows` rows of the oldest waiting batch in one transaction. */
  private writeSlice(maxRows: number): void {
    const head = this.queue[0]!;
    const b = head.batch;
    let room = maxRows;
    const take = <T>(rows: T[]): T[] => {
      const n = Math.min(room, rows.length);
      room -= n;
      return n === rows.length ? rows.splice(0) : rows.splice(0, n);
    };
    // Per table in order; a table's rows are never reordered.
    const part: Batch = { configs: take(b.configs), events: take(b.events), frames: take(b.frames), samples: take(b.samples) };
    const started = performance.now();
    this.store.write(head.runId, part, head.nowMs);
    const tookMs = performance.now() - started;
    const written = rowsOf(part);
    this.queuedSamples -= part.samples.length;
    if (rowsOf(b) === 0) this.queue.shift();
    if (Number.isFinite(maxRows) && written === maxRows && tookMs > 0) {
      this.sliceRows = Math.max(100, Math.min(50_000, Math.round((written * WRITE_SLICE_MS) / tookMs)));
    }
  }

  /** Applies the retention limits (call now and then, e.g. once a minute). */
  enforceRetention(): number {
    return this.store.enforceRetention(this.options.retention, this.run?.id ?? null);
  }

  /** Ends the current run and closes the file: nothing is left half-written. */
  close(nowMs: number): void {
    this.stop(nowMs);
    this.flush(nowMs);
    if (this.draining !== undefined) clearImmediate(this.draining);
    this.draining = undefined;
    this.store.close();
  }
}

function emptyBatch(): Batch {
  return { frames: [], samples: [], events: [], configs: [] };
}

function rowsOf(b: Batch): number {
  return b.frames.length + b.samples.length + b.events.length + b.configs.length;
}

/** The censored flags as bits: p50 1, p95 2, p99 4, max 8. */
export function atLeastBits(a: Kpis["convergenceAtLeast"]): number {
  return (a.p50 ? 1 : 0) | (a.p95 ? 2 : 0) | (a.p99 ? 4 : 0) | (a.max ? 8 : 0);
}

/** The percentiles flagged in `bits`, e.g. "p95 p99 max". */
export function atLeastNames(bits: number): string {
  return ["p50", "p95", "p99", "max"].filter((_, i) => (bits & (1 << i)) !== 0).join(" ");
}
