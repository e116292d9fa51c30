/**
 * Watches the daemons the agent started and respawns dead ones (Neutron's `ProcessMonitor`,
 * spec §4.10). Every `intervalSeconds` each registered process is checked; a dead one is
 * respawned (`respawn`) or the agent is asked to stop (`exit`). Unregister before killing a
 * process on purpose, or it comes back.
 */
import type { Logger } from 'pino'

/** What the monitor needs of a watched process. */
export interface WatchedProcess {
  /** Whether the process runs (pid file plus /proc cmdline check). */
  isActive(): Promise<boolean>
  /** Starts it again with the same command line. */
  respawn(): Promise<void>
}

/** `check_child_processes_action`. */
export type ChildProcessAction = 'respawn' | 'exit'

/** Settings of a ProcessMonitor. */
export interface ProcessMonitorOptions {
  /** Seconds between checks (`check_child_processes_interval`); 0 disables checking. */
  readonly intervalSeconds: number
  readonly action: ChildProcessAction
  readonly log: Logger
  /** Called once with the reason when a process died and the action is `exit`. */
  readonly onExit?: (reason: string) => void
}

/** Periodically checks registered processes; start() begins checking, stop() ends it. */
export class ProcessMonitor {
  private readonly watched = new Map<string, WatchedProcess>()
  private readonly log: Logger
  private timer: NodeJS.Timeout | undefined
  private running = false
  private checking: Promise<void> | undefined
  private exited = false

  constructor(private readonly options: ProcessMonitorOptions) {
    this.log = options.log.child({ component: 'process-monitor' })
  }

  /** Watches the process of (`uuid`, `service`), replacing an earlier registration. */
  register(uuid: string, service: string, entry: WatchedProcess): void {
    this.watched.set(key(uuid, service), entry)
  }

  /** Stops watching (`uuid`, `service`). */
  unregister(uuid: string, service: string): void {
    this.watched.delete(key(uuid, service))
  }

  /** Whether (`uuid`, `service`) is watched (by exactly `entry`, when given). */
  isRegistered(uuid: string, service: string, entry?: WatchedProcess): boolean {
    const current = this.watched.get(key(uuid, service))
    return current !== undefined && (entry === undefined || current === entry)
  }

  /** Starts the periodic checks (none when the interval is 0). */
  start(): void {
    if (this.running || this.options.intervalSeconds <= 0) return
    this.running = true
    this.schedule()
  }

  /** Stops the checks and waits for one in progress; idempotent. */
  async stop(): Promise<void> {
    this.running = false
    clearTimeout(this.timer)
    this.timer = undefined
    await this.checking
  }

  /** Checks every registered process once and acts on dead ones. */
  async checkNow(): Promise<void> {
    for (const [id, entry] of [...this.watched]) {
      if (this.watched.get(id) !== entry) continue
      let active: boolean
      try {
        active = await entry.isActive()
      } catch (error) {
        this.log.warn({ err: error, process: id }, 'could not check process')
        continue
      }
      // Unregistered while we looked: it was stopped on purpose.
      if (active || this.watched.get(id) !== entry) continue
      await this.handleDead(id, entry)
    }
  }

  private async handleDead(id: string, entry: WatchedProcess): Promise<void> {
    if (this.options.action === 'exit') {
      this.log.error({ process: id }, 'process died; exiting as check_child_processes_action=exit')
      if (!this.exited) {
        this.exited = true
        this.options.onExit?.(`${id} died`)
      }
      return
    }
    this.log.warn({ process: id }, 'process died; respawning')
    try {
      await entry.respawn()
      this.log.info({ process: id }, 'process respawned')
    } catch (error) {
      this.log.error({ err: error, process: id }, 'could not respawn process')
    }
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.checking = this.checkNow().finally(() => {
        this.checking = undefined
        if (this.running) this.schedule()
      })
    }, this.options.intervalSeconds * 1000)
  }
}

function key(uuid: string, service: string): string {
  return `${service}:${uuid}`
}
