/**
 * Runs tasks with at most `limit` at a time, and tasks that share a key one after another in the
 * order they were submitted (all casts about one network, say). Tasks without a key only wait for
 * a free slot.
 */
export class KeyedExecutor {
  private running = 0
  private readonly waiting: (() => void)[] = []
  private readonly tails = new Map<string, Promise<void>>()
  private readonly inFlight = new Set<Promise<void>>()

  constructor(private readonly limit: number) {}

  /** Queues a task; the returned promise settles when it has run (it never rejects). */
  submit(key: string | undefined, task: () => Promise<void>): Promise<void> {
    const previous = key === undefined ? undefined : this.tails.get(key)
    const run = (previous ?? Promise.resolve()).then(() => this.withSlot(task))
    if (key !== undefined) {
      this.tails.set(key, run)
      void run.then(() => {
        if (this.tails.get(key) === run) this.tails.delete(key)
      })
    }
    this.inFlight.add(run)
    void run.then(() => this.inFlight.delete(run))
    return run
  }

  /** Resolves when every task submitted so far has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight])
  }

  private async withSlot(task: () => Promise<void>): Promise<void> {
    await this.acquire()
    try {
      await task()
    } catch {
      // Tasks report their own failures; a failed task must not block the ones behind it.
    } finally {
      this.release()
    }
  }

  private async acquire(): Promise<void> {
    if (this.running < this.limit) {
      this.running++
      return
    }
    // The slot is handed over by release(), so the count never passes the limit.
    await new Promise<void>((resolve) => this.waiting.push(resolve))
  }

  private release(): void {
    const next = this.waiting.shift()
    if (next) next()
    else this.running--
  }
}
