/**
 * A map that keeps only its most recently used entries: a memo for work that repeats close together
 * (a page's word states drawing the same words, the same image asked about again), bounded so a long
 * run does not keep everything. Pure module (browser + Node).
 */
export class RecentMap<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  /** The value kept for `key`, else `make()`'s, kept (the least recently used entry goes past the limit). */
  get(key: K, make: () => V): V {
    if (this.entries.has(key)) {
      const kept = this.entries.get(key) as V;
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, kept);
      return kept;
    }
    const made = make();
    this.entries.set(key, made);
    if (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value as K);
    return made;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }
}
