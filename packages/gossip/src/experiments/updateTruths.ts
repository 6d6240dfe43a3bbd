// The simulator's ground truth per update: when it was issued and which replicas hold it,
// kept by origin number and seq (wire/origins.ts) and told of inclusions straight by the
// replicas (Replica.observeInclusions): no event object, key string or map lookup per delivery.
import type { InclusionSink } from "../replica/InclusionJournal.js";
import type { UpdateDelays } from "./delayHistogram.js";

/** Updates issued during the measurement, until every one of `replicas` holds them. */
export class UpdateTruths implements InclusionSink {
  /** Per origin number: the open updates by seq − first[origin] (undefined once converged). */
  private readonly open: Array<Array<UpdateDelays | undefined> | undefined> = [];
  private readonly first: number[] = [];
  /** Convergence times, in the order updates converged. */
  readonly converged: number[] = [];
  /** Inclusions of measured updates at replicas other than their origin. */
  deliveries = 0;

  constructor(private readonly replicas: number) {}

  /** Update (origin, seq) was issued: `u` (from VisibilityCurve.issued) receives its inclusion delays. */
  issued(origin: number, seq: number, u: UpdateDelays): void {
    let list = this.open[origin];
    if (list === undefined) {
      // An origin's updates from the start of the measurement on are all measured: dense by seq.
      this.open[origin] = list = [];
      this.first[origin] = seq;
    }
    list[seq - this.first[origin]!] = u;
  }

  record(origin: number, from: number, to: number, atMs: number): void {
    const list = this.open[origin];
    if (list === undefined) return;
    const first = this.first[origin]!;
    for (let s = Math.max(from, first); s <= to; s++) {
      const u = list[s - first];
      if (u === undefined) continue; // converged, or not issued during the measurement
      this.deliveries++;
      u.delays[u.held++] = atMs - u.issuedAt;
      if (u.held === this.replicas) {
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
