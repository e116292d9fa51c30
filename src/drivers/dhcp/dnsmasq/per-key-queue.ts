/**
 * Runs tasks that share a key one after another, in the order they were queued; tasks with other
 * keys run meanwhile. A failed task does not block the ones behind it.
 */
export class PerKeyQueue {
  private readonly tails = new Map<string, Promise<void>>()

  /** Runs `task` once every earlier task of `key` has settled; resolves or rejects as it does. */
  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve()
    const result = previous.then(task)
    const tail = result.then(
      () => undefined,
      () => undefined,
    )
    this.tails.set(key, tail)
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key)
    })
    return result
  }
}
