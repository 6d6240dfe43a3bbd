// The live visibility curve (Bailis et al.'s t-visibility; docs/metrics.md): the share of live
// replicas holding a traced update as a function of its age, averaged over the updates issued
// in the window that are at least that old. Censored honestly: an update younger than age a
// (plus the reporting lag) does not count at a, in the numerator or the denominator.
//
// Cost model (B age bins, S issue-time slots, both fixed at construction):
// - an update issued, an inclusion reported, an update converged: O(1) (one map lookup, one add);
// - the curve: O(S × B) ≈ 15,000 additions, asked once a second or per snapshot, never per frame;
// - memory: S × B numbers, plus one record per traced update not yet held by all (bounded).

/** Age bins per doubling: bin b ends at age 2^(b/8) ms, so ages step by about 9 %. */
export const AGE_BINS_PER_DOUBLING = 8;
/** Issue-time slots per window: an update counts at age a once its whole slot is that old. */
const SLOTS_PER_WINDOW = 120;
/** Updates awaiting their last holder, at most (the oldest are forgotten beyond). */
const MAX_PENDING = 65_536;
/** Inclusions arrive with the next report: an update counts at age a only once it is a + this old. */
export const DEFAULT_VISIBILITY_LAG_MS = 1_000;

export interface VisibilityOptions {
  /** Updates issued this long before now at most are averaged (the percentiles' window). */
  windowMs: number;
  lagMs?: number;
}

/** The curve as frames carry it. */
export interface VisibilityFigures {
  windowMs: number;
  lagMs: number;
  /** Updates averaged at the youngest age. */
  updates: number;
  /** `[ageMs, share, updates]`, ages ascending: mean share of live replicas holding an update that old, over `updates` updates. */
  points: Array<[number, number, number]>;
  t50Ms: number | null;
  t90Ms: number | null;
  t99Ms: number | null;
}

interface Pending {
  issuedAtMs: number;
  slot: number;
  /** Replicas holding it so far (the origin counts). */
  held: number;
  /** Live replicas when it was issued. */
  live: number;
}

/** The first age whose share reaches `share` (t50 = firstAgeReaching(points, 0.5)), or null. */
export function firstAgeReaching(points: ReadonlyArray<readonly [number, number, ...number[]]>, share: number): number | null {
  for (const p of points) if (p[1] >= share - 1e-12) return p[0];
  return null;
}

export class VisibilityCurve {
  /** Upper edge (ms) of each age bin. */
  readonly ages: Float64Array;
  private readonly bins: number;
  private readonly slotMs: number;
  private readonly slots: number;
  /** Per slot and age bin: Σ over its updates of (inclusions at that delay) / live replicas. */
  private readonly held: Float64Array;
  /** Updates issued per slot, and which absolute slot each ring cell holds (NaN: none). */
  private readonly counts: Float64Array;
  private readonly slotOfCell: Float64Array;
  /** Per origin (small-integer keys: no boxed number per lookup), seq → its record. */
  private readonly pending: Array<Map<number, Pending> | undefined> = [];
  private pendingTotal = 0;
  private epochMs = -Infinity;
  readonly windowMs: number;
  readonly lagMs: number;

  constructor(opts: VisibilityOptions) {
    this.windowMs = opts.windowMs;
    this.lagMs = opts.lagMs ?? DEFAULT_VISIBILITY_LAG_MS;
    this.bins = Math.ceil(AGE_BINS_PER_DOUBLING * Math.log2(Math.max(2, opts.windowMs))) + 1;
    this.ages = Float64Array.from({ length: this.bins }, (_, b) => 2 ** (b / AGE_BINS_PER_DOUBLING));
    this.slotMs = Math.max(50, opts.windowMs / SLOTS_PER_WINDOW);
    this.slots = Math.ceil(opts.windowMs / this.slotMs) + 2;
    this.held = new Float64Array(this.slots * this.bins);
    this.counts = new Float64Array(this.slots);
    this.slotOfCell = new Float64Array(this.slots).fill(Number.NaN);
  }

  /** The age bin a delay falls in: the first whose edge is at least `delayMs`. */
  binOf(delayMs: number): number {
    if (delayMs <= 1) return 0;
    let b = Math.ceil(AGE_BINS_PER_DOUBLING * Math.log2(delayMs));
    if (b > 0 && b - 1 < this.bins && this.ages[b - 1]! >= delayMs) b--;
    else if (b < this.bins && this.ages[b]! < delayMs) b++;
    return b;
  }

  /** A traced update `(origin, seq)` was issued at `issuedAtMs` while `live` replicas were live (its origin holds it). */
  issued(origin: number, seq: number, issuedAtMs: number, live: number): void {
    if (issuedAtMs < this.epochMs) return;
    let byOrigin = this.pending[origin];
    if (byOrigin?.has(seq) === true) return;
    const slot = Math.floor(issuedAtMs / this.slotMs);
    const cell = this.cellFor(slot);
    if (cell < 0) return;
    const n = Math.max(1, live);
    this.counts[cell]! += 1;
    this.held[cell * this.bins]! += 1 / n;
    if (n === 1) return;
    if (byOrigin === undefined) {
      while (this.pending.length <= origin) this.pending.push(undefined);
      byOrigin = this.pending[origin] = new Map();
    }
    // Beyond the bound the origin's oldest is forgotten (its later inclusions no longer count).
    if (this.pendingTotal >= MAX_PENDING && byOrigin.size > 0) this.forget(byOrigin, byOrigin.keys().next().value!);
    byOrigin.set(seq, { issuedAtMs, slot, held: 1, live: n });
    this.pendingTotal++;
  }

  /** A replica reported including `(origin, seq)` at `atMs`. */
  included(origin: number, seq: number, atMs: number): void {
    const byOrigin = this.pending[origin];
    const p = byOrigin?.get(seq);
    if (p === undefined) return;
    const cell = this.cellOf(p.slot);
    if (cell < 0) {
      this.forget(byOrigin!, seq);
      return;
    }
    this.add(cell, p, atMs - p.issuedAtMs, 1);
    if (p.held >= p.live) this.forget(byOrigin!, seq);
  }

  /** Every live replica holds `(origin, seq)` since `atMs`: those not heard from count from then. */
  converged(origin: number, seq: number, atMs: number): void {
    const byOrigin = this.pending[origin];
    const p = byOrigin?.get(seq);
    if (p === undefined) return;
    this.forget(byOrigin!, seq);
    const cell = this.cellOf(p.slot);
    if (cell >= 0 && p.held < p.live) this.add(cell, p, atMs - p.issuedAtMs, p.live - p.held);
  }

  /** A new config took effect: only updates issued from `nowMs` on count. */
  reset(nowMs: number): void {
    this.epochMs = nowMs;
    this.held.fill(0);
    this.counts.fill(0);
    this.slotOfCell.fill(Number.NaN);
    this.pending.length = 0;
    this.pendingTotal = 0;
  }

  /** The curve as of `nowMs`, over updates issued in the window (and not before `fromMs`). */
  curve(nowMs: number, fromMs = -Infinity): VisibilityFigures {
    this.forgetExpired(nowMs);
    const B = this.bins;
    const heldSum = new Float64Array(B);
    const observed = new Float64Array(B);
    // A slot straddling the epoch holds only updates issued after it (earlier ones were refused).
    const lo = Math.max(Math.ceil((nowMs - this.windowMs) / this.slotMs), Math.floor(this.epochMs / this.slotMs), Math.ceil(fromMs / this.slotMs));
    // The last slot old enough for each age: one whose end is at least that age + the lag ago.
    const lastSlot = new Float64Array(B);
    for (let b = 0; b < B; b++) lastSlot[b] = Math.floor((nowMs - this.lagMs - this.ages[b]!) / this.slotMs) - 1;
    const held = this.held;
    for (let s = lo; s <= lastSlot[0]!; s++) {
      const cell = this.cellOf(s);
      if (cell < 0) continue;
      const count = this.counts[cell]!;
      if (count === 0) continue;
      const base = cell * B;
      let cum = 0;
      for (let b = 0; b < B && s <= lastSlot[b]!; b++) {
        cum += held[base + b]!;
        heldSum[b]! += cum;
        observed[b]! += count;
      }
    }
    const points: Array<[number, number, number]> = [];
    for (let b = 0; b < B; b++) {
      if (observed[b]! === 0) continue;
      points.push([Number(this.ages[b]!.toPrecision(4)), Math.min(1, Number((heldSum[b]! / observed[b]!).toFixed(4))), observed[b]!]);
    }
    return {
      windowMs: this.windowMs,
      lagMs: this.lagMs,
      updates: observed[0]!,
      points,
      t50Ms: firstAgeReaching(points, 0.5),
      t90Ms: firstAgeReaching(points, 0.9),
      t99Ms: firstAgeReaching(points, 0.99),
    };
  }

  /** Updates awaiting a holder's report (bounded). */
  get pendingCount(): number {
    return this.pendingTotal;
  }

  private forget(byOrigin: Map<number, Pending>, seq: number): void {
    if (byOrigin.delete(seq)) this.pendingTotal--;
  }

  private add(cell: number, p: Pending, delayMs: number, replicas: number): void {
    const take = Math.min(replicas, p.live - p.held);
    if (take <= 0) return;
    p.held += take;
    const b = this.binOf(Math.max(0, delayMs));
    if (b < this.bins) this.held[cell * this.bins + b]! += take / p.live;
  }

  private cellOf(slot: number): number {
    const cell = ((slot % this.slots) + this.slots) % this.slots;
    return this.slotOfCell[cell] === slot ? cell : -1;
  }

  /** The ring cell of `slot`, taken over from an older slot; -1 when the slot is older than the ring. */
  private cellFor(slot: number): number {
    const cell = ((slot % this.slots) + this.slots) % this.slots;
    const had = this.slotOfCell[cell]!;
    if (had === slot) return cell;
    if (had > slot) return -1;
    this.slotOfCell[cell] = slot;
    this.counts[cell] = 0;
    this.held.fill(0, cell * this.bins, (cell + 1) * this.bins);
    return cell;
  }

  /** Pending records of slots out of the window (an origin's are in issue order). O(origins + expired). */
  private forgetExpired(nowMs: number): void {
    const oldest = Math.floor((nowMs - this.windowMs) / this.slotMs) - 1;
    for (const byOrigin of this.pending) {
      if (byOrigin === undefined) continue;
      for (const [seq, p] of byOrigin) {
        if (p.slot >= oldest) break;
        this.forget(byOrigin, seq);
      }
    }
  }
}
