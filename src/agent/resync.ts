import type { Logger } from 'pino'

/** Runs a sync of some networks, or of all when given null. */
export type SyncFn = (networkIds: readonly string[] | null) => Promise<void>

/**
 * spec §3.5: reasons to resync are collected per network (null = everything); a loop wakes at
 * least every `resync_interval` seconds, at most every `resync_throttle` seconds acts, and runs
 * one sync for everything collected so far.
 */
export class ResyncScheduler {
  private reasons = new Map<string | null, string[]>()
  private timer: NodeJS.Timeout | undefined
  private wake: (() => void) | undefined
  private running: Promise<void> | undefined
  private stopped = true
  private lastRun = 0
  /** How many resyncs ran, by reason (for the state report and metrics). */
  readonly counts = new Map<string, number>()

  constructor(
    private readonly sync: SyncFn,
    private readonly options: { intervalSeconds: number; throttleSeconds: number; log: Logger },
  ) {}

  /** Asks for a resync of one network (or all, with null), for a reason that is logged. */
  schedule(reason: string, networkId: string | null = null): void {
    const reasons = this.reasons.get(networkId) ?? []
    reasons.push(reason)
    this.reasons.set(networkId, reasons)
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1)
    this.wake?.()
  }

  /** Whether anything waits for a resync. */
  isPending(): boolean {
    return this.reasons.size > 0
  }

  start(): void {
    if (!this.stopped) return
    this.stopped = false
    this.running = this.loop()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    this.wake?.()
    await this.running
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      await new Promise<void>((resolve) => {
        this.wake = resolve
        this.timer = setTimeout(resolve, this.options.intervalSeconds * 1000)
      })
      this.wake = undefined
      if (this.stopped) return
      const wait = this.lastRun + this.options.throttleSeconds * 1000 - Date.now()
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
      if (this.reasons.size === 0 || this.stopped) continue
      const reasons = this.reasons
      this.reasons = new Map()
      this.lastRun = Date.now()
      const ids = reasons.has(null) ? null : [...reasons.keys()].filter((id) => id !== null)
      this.options.log.info(
        { networks: ids ?? 'all', reasons: [...new Set([...reasons.values()].flat())] },
        'resync',
      )
      await this.sync(ids).catch((error: unknown) => {
        this.options.log.warn({ err: error }, 'resync failed; trying again')
        for (const [id, list] of reasons)
          this.reasons.set(id, [...(this.reasons.get(id) ?? []), ...list])
      })
    }
  }
}
