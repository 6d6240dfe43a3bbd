import { randomOp } from "@driftscope/crdt";
import type { Replica } from "../replica/Replica.js";
import type { Rng } from "../time/Rng.js";
import type { Scheduler, Timer } from "../time/Scheduler.js";

/** What the workload driver does: random valid operations at a Poisson rate per running replica. */
export interface WorkloadConfig {
  /** Mean updates per second per running replica (0 stops the workload). */
  updatesPerSecPerReplica: number;
}

/**
 * One timer for the whole cluster: the gaps between updates are exponential with rate
 * λ·(running replicas), each update at a uniformly chosen running replica, so the cost does
 * not grow with the number of replicas.
 */
export class Workload {
  private rate = 0;
  private timer: Timer | null = null;
  private nextAt = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    private readonly running: () => readonly Replica[],
  ) {}

  get config(): WorkloadConfig {
    return { updatesPerSecPerReplica: this.rate };
  }

  set(config: WorkloadConfig): void {
    const rate = config.updatesPerSecPerReplica;
    if (!(rate >= 0) || !Number.isFinite(rate)) throw new RangeError(`updatesPerSecPerReplica must be a finite number >= 0, got ${rate}`);
    this.rate = rate;
    this.reschedule();
  }

  stop(): void {
    if (this.timer !== null) this.scheduler.clearTimer(this.timer);
    this.timer = null;
  }

  /** Re-draws the next gap (call when the number of running replicas changed). */
  reschedule(): void {
    this.stop();
    this.nextAt = this.scheduler.now();
    this.scheduleNext();
  }

  /**
   * The next update is due a random gap after the previous *due* time, not after the moment the
   * timer actually fired: a busy event loop delays timers, and the rate must not sag with it.
   */
  private scheduleNext(): void {
    const n = this.running().length;
    if (this.rate <= 0 || n === 0) return;
    this.nextAt += (-Math.log(1 - this.rng.next()) / (this.rate * n)) * 1000;
    this.timer = this.scheduler.setTimeout(() => this.fire(), this.nextAt - this.scheduler.now());
  }

  private fire(): void {
    this.timer = null;
    const replicas = this.running();
    if (replicas.length > 0) {
      const r = replicas[this.rng.int(replicas.length)]!;
      r.update(randomOp(r.type, this.rng.random, r.origin, r.state.seq + 1, this.scheduler.now()) as never);
    }
    this.scheduleNext();
  }
}
