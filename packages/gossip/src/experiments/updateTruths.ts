// The simulator's ground truth per update: when it was issued and which replicas hold it,
// kept by origin number and seq (wire/origins.ts) and told of inclusions straight by the
// replicas (Replica.observeInclusions): no event object, key string or map lookup per delivery.
import type { InclusionSink } from "../replica/InclusionJournal.js";

interface UpdateTruth {
  issuedAt: number;
  holders: number;
  /** When each replica came to hold it, relative to its issue (the visibility curve's input). */
  delays: number[];
}

/** Updates issued during the measurement, until every one of `replicas` holds them. */
export class UpdateTruths implements InclusionSink {
  /** Per origin number: the open updates by seq − first[origin] (undefined once converged). */
  private readonly open: Array<Array<UpdateTruth | undefined> | undefined> = [];
  private readonly first: number[] = [];
  /** Convergence times, in the order updates converged. */
  readonly converged: number[] = [];
  /** Inclusions of measured updates at replicas other than their origin. */
  deliveries = 0;

  constructor(private readonly replicas: number) {}

  /** Update (origin, seq) was issued at `issuedAt`; `delays` receives its inclusion delays (its origin's 0 in it). */
  issued(origin: number, seq: number, issuedAt: number, delays: number[]): void {
    let list = this.open[origin];
    if (list === undefined) {
      // An origin's updates from the start of the measurement on are all measured: dense by seq.
      this.open[origin] = list = [];
      this.first[origin] = seq;
    }
    list[seq - this.first[origin]!] = { issuedAt, holders: 1, delays };
  }

  record(origin: number, from: number, to: number, atMs: number): void {
    const list = this.open[origin];
    if (list === undefined) return;
    const first = this.first[origin]!;
    for (let s = Math.max(from, first); s <= to; s++) {
      const u = list[s - first];
      if (u === undefined) continue; // converged, or not issued during the measurement
      this.deliveries++;
      u.holders++;
      u.delays.push(atMs - u.issuedAt);
      if (u.holders === this.replicas) {
        this.converged.push(atMs - u.issuedAt);
        list[s - first] = undefined;
      }
    }
  }

  /** Ages at `endMs` of the updates not yet held everywhere. */
  inFlightAges(endMs: number): number[] {
    const ages: number[] = [];
    for (const list of this.open) if (list !== undefined) for (const u of list) if (u !== undefined) ages.push(endMs - u.issuedAt);
    return ages;
  }
}
