// The launcher's synthetic workload: random valid updates at a Poisson rate per running
// replica, with an optional operation mix. One timer for the whole process (the gaps are
// exponential with rate λ·n and each update goes to a uniformly chosen running replica),
// and updates that fall due together are issued together, so the cost does not grow with
// the number of replicas and a high rate does not mean one timer per update.
import { randomOp, type CrdtTypeName } from "@driftscope/crdt";
import type { Replica, Rng, Scheduler, Timer } from "@driftscope/gossip";
import type { OpWeight } from "@driftscope/protocol";

/** Operation names of each CRDT type, as `randomOp` produces them (what an op mix may weight). */
export const OPS_BY_TYPE: Readonly<Record<CrdtTypeName, readonly string[]>> = {
  gcounter: ["increment"],
  pncounter: ["increment", "decrement"],
  gset: ["add"],
  awset: ["add", "remove"],
  lww: ["set"],
  mvregister: ["set"],
  awmap: ["update", "remove"],
};

/** Why `mix` cannot drive `type`, or undefined when it can. */
export function checkOpMix(type: CrdtTypeName, mix: readonly OpWeight[]): string | undefined {
  const known = OPS_BY_TYPE[type];
  for (const { op } of mix) {
    if (!known.includes(op)) return `${type} has no operation "${op}" (it has: ${known.join(", ")})`;
  }
  if (mix.length > 0 && mix.every((w) => w.weight === 0)) return "every weight of the op mix is 0";
  return undefined;
}

/** Largest number of updates issued in one timer callback (beyond it the rest is skipped: the host is overloaded). */
const MAX_BATCH = 10_000;

export class Workload {
  #ratePerReplica = 0;
  #mix: OpWeight[] = [];
  #timer: Timer | null = null;
  #nextAt = 0;
  /** Updates issued since start; updates that could not be applied (e.g. an op the type refused). */
  issued = 0;
  failed = 0;

  constructor(
    private readonly scheduler: Scheduler,
    private readonly rng: Rng,
    private readonly running: () => readonly Replica[],
  ) {}

  get ratePerReplica(): number {
    return this.#ratePerReplica;
  }

  /** Sets the rate (updates per second per running replica) and the op mix ([] = the type's default). */
  set(ratePerReplica: number, mix: readonly OpWeight[] = []): void {
    if (!(ratePerReplica >= 0) || !Number.isFinite(ratePerReplica)) throw new RangeError(`updates per second must be a finite number >= 0, got ${ratePerReplica}`);
    this.#ratePerReplica = ratePerReplica;
    this.#mix = mix.filter((w) => w.weight > 0).map((w) => ({ ...w }));
    this.reschedule();
  }

  stop(): void {
    if (this.#timer !== null) this.scheduler.clearTimer(this.#timer);
    this.#timer = null;
  }

  /** Re-draws the schedule (call when the number of running replicas changed). */
  reschedule(): void {
    this.stop();
    const rate = this.#totalRate();
    if (rate <= 0) return;
    this.#nextAt = this.scheduler.now() + this.#gapMs(rate);
    this.#timer = this.scheduler.setTimeout(() => this.#fire(), this.#nextAt - this.scheduler.now());
  }

  #totalRate(): number {
    return this.#ratePerReplica * this.running().length;
  }

  #gapMs(rate: number): number {
    return (-Math.log(1 - this.rng.next()) / rate) * 1000;
  }

  #fire(): void {
    this.#timer = null;
    const rate = this.#totalRate();
    if (rate <= 0) return;
    const now = this.scheduler.now();
    let n = 0;
    while (this.#nextAt <= now && n < MAX_BATCH) {
      this.#one();
      n++;
      this.#nextAt += this.#gapMs(rate);
    }
    if (this.#nextAt <= now) this.#nextAt = now + this.#gapMs(rate); // overloaded: skip the backlog
    this.#timer = this.scheduler.setTimeout(() => this.#fire(), this.#nextAt - now);
  }

  #one(): void {
    const replicas = this.running();
    if (replicas.length === 0) return;
    const r = replicas[this.rng.int(replicas.length)]!;
    try {
      r.update(this.#op(r) as never);
      this.issued++;
    } catch {
      this.failed++;
    }
  }

  #op(r: Replica): unknown {
    const draw = () => randomOp(r.type, this.rng.random, r.origin, r.state.seq + 1, this.scheduler.now()) as { type: string };
    if (this.#mix.length === 0) return draw();
    const wanted = this.#pick();
    // randomOp decides the op kind itself; draw until it matches, then fall back to
    // relabelling ops of the same shape (increment/decrement, add/remove).
    let op = draw();
    for (let i = 0; i < 16 && op.type !== wanted; i++) op = draw();
    if (op.type !== wanted && "element" in op) return { ...op, type: wanted };
    if (op.type !== wanted && "amount" in op) return { ...op, type: wanted };
    return op;
  }

  #pick(): string {
    let total = 0;
    for (const w of this.#mix) total += w.weight;
    let x = this.rng.next() * total;
    for (const w of this.#mix) {
      x -= w.weight;
      if (x < 0) return w.op;
    }
    return this.#mix[this.#mix.length - 1]!.op;
  }
}
