interface Entry<V> {
  value: V;
  pass: number;
}

/**
 * MemoTable keeps what one pass of a watcher worked out, by key, for the next pass, and
 * forgets what a pass no longer asked for. It is updated in place: a pass over 20,000
 * servers where one file changed writes about a hundred entries instead of building a new
 * table of 20,000. Whether a kept value still holds is for the caller to judge.
 */
export class MemoTable<K, V> {
  private readonly entries = new Map<K, Entry<V>>();
  private pass = 0;
  private touched = 0;

  /** start begins a pass; `clear` forgets everything first. */
  start(clear = false): void {
    if (clear) this.entries.clear();
    this.pass++;
    this.touched = 0;
  }

  /** get is the value kept for `key`, which this pass then keeps. */
  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.touch(entry);
    return entry.value;
  }

  set(key: K, value: V): void {
    const entry = this.entries.get(key);
    if (entry) {
      entry.value = value;
      this.touch(entry);
    } else {
      this.entries.set(key, { value, pass: this.pass });
      this.touched++;
    }
  }

  /** end forgets the entries this pass did not ask for. */
  end(): void {
    if (this.entries.size === this.touched) return;
    for (const [key, entry] of this.entries) if (entry.pass !== this.pass) this.entries.delete(key);
  }

  private touch(entry: Entry<V>): void {
    if (entry.pass === this.pass) return;
    entry.pass = this.pass;
    this.touched++;
  }
}

/** sameItems tells whether two lists hold the same objects in the same order: how a memo checks that what it was built from is unchanged. */
export function sameItems<T>(a: readonly T[] | undefined, b: readonly T[]): boolean {
  return a !== undefined && a.length === b.length && a.every((item, i) => item === b[i]);
}
