/**
 * A daemon known by its pid file and identified by a uuid on its command line (Neutron's
 * `ProcessManager`, spec §4.1 `active`, §4.10): the pid file's process is "ours" only while its
 * /proc/<pid>/cmdline still names the uuid, so a recycled pid is never signalled.
 */
import { readFile, rm } from 'node:fs/promises'

/** Which daemon: the network id, the service name (`dnsmasq`) and its pid file. */
export interface ProcessManagerOptions {
  readonly uuid: string
  readonly service: string
  readonly pidFile: string
}

const POLL_MS = 20

/** Reads, checks and signals the process of one pid file. */
export class ProcessManager {
  readonly uuid: string
  readonly service: string
  readonly pidFile: string

  constructor(options: ProcessManagerOptions) {
    this.uuid = options.uuid
    this.service = options.service
    this.pidFile = options.pidFile
  }

  /** The pid in the pid file, or undefined when there is no such file or no number in it. */
  async pid(): Promise<number | undefined> {
    const text = await readIfExists(this.pidFile)
    if (text === undefined) return undefined
    const pid = Number(text.trim())
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined
  }

  /** The command line of the pid file's process, or undefined when it is not running. */
  async cmdline(): Promise<string[] | undefined> {
    const pid = await this.pid()
    return pid === undefined ? undefined : readCmdline(pid)
  }

  /** Whether the pid file's process runs and its command line contains the uuid. */
  async isActive(): Promise<boolean> {
    const cmdline = await this.cmdline()
    return cmdline !== undefined && cmdline.join(' ').includes(this.uuid)
  }

  /** Sends `signal` to the process if it is active; returns whether it was. */
  async kill(signal: NodeJS.Signals): Promise<boolean> {
    const pid = await this.pid()
    if (pid === undefined || !(await this.isActive())) return false
    try {
      process.kill(pid, signal)
      return true
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
      throw error
    }
  }

  /** Asks the process to reread its files (SIGHUP); returns whether it was active. */
  hup(): Promise<boolean> {
    return this.kill('SIGHUP')
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL after `termTimeoutMs` (Neutron 2023.1+; 0 = SIGKILL
   * at once, as Zed), waits up to `killTimeoutMs` until it is gone, and removes the pid file.
   */
  async stop({ termTimeoutMs = 5000, killTimeoutMs = 5000 } = {}): Promise<void> {
    if (termTimeoutMs > 0 && (await this.kill('SIGTERM'))) {
      await this.waitUntil(async () => !(await this.isActive()), termTimeoutMs)
    }
    if (await this.kill('SIGKILL')) {
      await this.waitUntil(async () => !(await this.isActive()), killTimeoutMs)
    }
    await rm(this.pidFile, { force: true })
  }

  /** Polls `condition` until it holds or `timeoutMs` pass; returns whether it held. */
  async waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      if (await condition()) return true
      if (Date.now() >= deadline) return false
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
  }
}

/** The argv of a running process (from /proc/<pid>/cmdline), or undefined (gone, or a zombie). */
export async function readCmdline(pid: number): Promise<string[] | undefined> {
  const text = await readIfExists(`/proc/${pid}/cmdline`)
  if (!text) return undefined
  return text.replace(/\0$/, '').split('\0')
}

async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ESRCH') return undefined
    throw error
  }
}
