/** One cached entry and the time it stops being served (milliseconds since the epoch). */
interface Entry<V> {
  readonly value: V
  readonly until: number
}

/**
 * A bounded cache of validated tokens: least recently used entries go first when it is full, and
 * each entry is served until its own deadline. Times come from `now` (milliseconds), so tests
 * can move the clock.
 */
export class TokenCache<V> {
  private readonly entries = new Map<string, Entry<V>>()

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** The value cached for `key`, unless it is missing or past its deadline. */
  get(key: string): V | undefined {
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.entries.delete(key)
    if (entry.until <= this.now()) return undefined
    this.entries.set(key, entry) // most recently used last
    return entry.value
  }

  /** Caches `value` until `until` (ms since the epoch); nothing when that is not in the future. */
  set(key: string, value: V, until: number): void {
    this.entries.delete(key)
    if (until <= this.now() || this.maxEntries <= 0) return
    this.entries.set(key, { value, until })
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next()
      if (oldest.done === true) break
      this.entries.delete(oldest.value)
    }
  }

  /** How many entries are held (some may be past their deadline). */
  get size(): number {
    return this.entries.size
  }
}
