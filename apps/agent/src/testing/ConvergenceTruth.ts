// The ground truth a test keeps itself while replicas run: when each dot was issued and
// when each replica came to include it, read from the library's own events rather than
// from the adapter under test. It then checks the collector's convergence samples
// (`[origin, seq, issuedAtMs, convergenceMs]`, DESIGN §3) against what it saw.

/** A convergence sample as the collector sends it. */
export type ConvergenceSampleTuple = readonly [origin: string, seq: number, issuedAtMs: number, convergenceMs: number];

export class ConvergenceTruth {
  /** origin → seq → issue time. */
  readonly #issued = new Map<string, Map<number, number>>();
  /** origin → seq → replica → first inclusion time. */
  readonly #included = new Map<string, Map<number, Map<string, number>>>();

  /** Dot `(origin, seq)` was issued at `atMs` (later calls for the same dot are ignored). */
  issued(origin: string, seq: number, atMs: number): void {
    const seqs = this.#issued.get(origin) ?? new Map<number, number>();
    this.#issued.set(origin, seqs);
    if (!seqs.has(seq)) seqs.set(seq, atMs);
  }

  /** `replica` came to include dots `from..to` of `origin` at `atMs` (the first time counts). */
  included(replica: string, origin: string, from: number, to: number, atMs: number): void {
    const seqs = this.#included.get(origin) ?? new Map<number, Map<string, number>>();
    this.#included.set(origin, seqs);
    for (let seq = from; seq <= to; seq++) {
      const at = seqs.get(seq) ?? new Map<string, number>();
      seqs.set(seq, at);
      if (!at.has(replica)) at.set(replica, atMs);
    }
  }

  /** Dots issued, per origin. */
  issuedCounts(): Map<string, number> {
    return new Map([...this.#issued].map(([origin, seqs]) => [origin, seqs.size]));
  }

  /** Issue time of a dot, if it was seen. */
  issueTime(origin: string, seq: number): number | undefined {
    return this.#issued.get(origin)?.get(seq);
  }

  /** When the last of `replicas` included the dot, or undefined while one lacks it. */
  convergedAt(origin: string, seq: number, replicas: readonly string[]): number | undefined {
    const at = this.#included.get(origin)?.get(seq);
    if (at === undefined) return undefined;
    let last = -Infinity;
    for (const r of replicas) {
      const t = at.get(r);
      if (t === undefined) return undefined;
      last = Math.max(last, t);
    }
    return last;
  }

  /**
   * Compares samples with the truth over `replicas`: each sample's issue time and
   * convergence time must be within `toleranceMs` of what was seen. Returns how many were
   * compared and the problems, one line each.
   */
  compare(samples: readonly ConvergenceSampleTuple[], replicas: readonly string[], toleranceMs: number): { compared: number; problems: string[] } {
    const problems: string[] = [];
    let compared = 0;
    for (const [origin, seq, issuedAtMs, convergenceMs] of samples) {
      const issued = this.issueTime(origin, seq);
      const converged = this.convergedAt(origin, seq, replicas);
      if (issued === undefined || converged === undefined) {
        problems.push(`sample ${origin}#${seq}: the test saw it ${issued === undefined ? "never issued" : "not yet at every replica"}`);
        continue;
      }
      compared++;
      const truth = converged - issued;
      if (Math.abs(issuedAtMs - issued) > toleranceMs) problems.push(`sample ${origin}#${seq}: issued at ${issuedAtMs}, the test saw ${issued.toFixed(0)}`);
      if (Math.abs(convergenceMs - truth) > toleranceMs) problems.push(`sample ${origin}#${seq}: converged in ${convergenceMs} ms, the test measured ${truth.toFixed(0)} ms`);
    }
    return { compared, problems };
  }
}
