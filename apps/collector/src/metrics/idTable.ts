// Replica and origin ids as small numbers: per-replica version vectors are dense arrays
// indexed by them, so a lookup in the hot path is an array read, not a string hash.

export class IdTable {
  private readonly ids: string[] = [];
  private readonly index = new Map<string, number>();

  /** The number of `id`, assigned on first sight (never reused). */
  intern(id: string): number {
    let n = this.index.get(id);
    if (n === undefined) {
      n = this.ids.length;
      this.ids.push(id);
      this.index.set(id, n);
    }
    return n;
  }

  /** The number of `id` if it was ever seen. */
  lookup(id: string): number | undefined {
    return this.index.get(id);
  }

  /** The id numbered `n`. */
  name(n: number): string {
    return this.ids[n]!;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  get size(): number {
    return this.ids.length;
  }
}
