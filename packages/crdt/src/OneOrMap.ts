// A string-keyed map that holds its first entry inline and makes a Map only for a second one.
// A causal context's dot cloud is usually empty or one entry (an update's own dot beyond the
// receiver's vector): decoding one per received update then allocates no Map.

export class OneOrMap<V> implements Iterable<[string, V]> {
  private oneKey: string | undefined = undefined;
  private oneValue: V | undefined = undefined;
  private map: Map<string, V> | undefined = undefined;

  get size(): number {
    return this.map !== undefined ? this.map.size : this.oneKey === undefined ? 0 : 1;
  }

  get(key: string): V | undefined {
    if (this.map !== undefined) return this.map.get(key);
    return key === this.oneKey ? this.oneValue : undefined;
  }

  has(key: string): boolean {
    if (this.map !== undefined) return this.map.has(key);
    return key === this.oneKey;
  }

  set(key: string, value: V): this {
    if (this.map !== undefined) {
      this.map.set(key, value);
    } else if (this.oneKey === undefined || this.oneKey === key) {
      this.oneKey = key;
      this.oneValue = value;
    } else {
      this.map = new Map([[this.oneKey, this.oneValue as V], [key, value]]);
      this.oneKey = undefined;
      this.oneValue = undefined;
    }
    return this;
  }

  delete(key: string): boolean {
    if (this.map !== undefined) return this.map.delete(key);
    if (key !== this.oneKey) return false;
    this.oneKey = undefined;
    this.oneValue = undefined;
    return true;
  }

  [Symbol.iterator](): IterableIterator<[string, V]> {
    if (this.map !== undefined) return this.map.entries();
    return (this.oneKey === undefined ? [] : [[this.oneKey, this.oneValue as V] as [string, V]]).values();
  }

  keys(): IterableIterator<string> {
    if (this.map !== undefined) return this.map.keys();
    return (this.oneKey === undefined ? [] : [this.oneKey]).values();
  }

  values(): IterableIterator<V> {
    if (this.map !== undefined) return this.map.values();
    return (this.oneKey === undefined ? [] : [this.oneValue as V]).values();
  }
}
