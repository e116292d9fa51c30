import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { BenchHost } from './agent-host.js'
import { run } from './agent-host.js'

/**
 * The Leasehold processes of the agent benchmark, deployed as in production: `leasehold server`
 * and `leasehold dhcp-agent` as separate processes over RabbitMQ, configured by generated INI
 * files. Their JSON log lines (pino, on stdout) are kept with the time each arrived.
 */

/** The repository root (this file runs from dist/bench/). */
const ROOT = join(import.meta.dirname, '..', '..')
const LEASEHOLD = join(ROOT, 'bin', 'leasehold')
/** Milliseconds a process gets to stop after SIGTERM before it is killed. */
const STOP_DEADLINE_MS = 60_000

/** One JSON log line and when it arrived (performance.now() milliseconds). */
export interface LogLine {
  readonly at: number
  readonly fields: Readonly<Record<string, unknown>>
}

/** How a process ended: exit code or signal, and milliseconds from SIGTERM to the exit. */
export interface ProcessEnd {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
  readonly ms: number
}

/** A running `leasehold` command. */
export interface LeaseholdProcess {
  readonly pid: number
  /** When it was spawned (performance.now() milliseconds). */
  readonly spawnedAt: number
  /** The first log line (already seen or still to come) that `test` accepts. */
  waitForLog(
    test: (fields: Record<string, unknown>) => boolean,
    timeoutMs: number,
  ): Promise<LogLine>
  /** Log lines so far whose `msg` is `msg`. */
  count(msg: string): number
  /** The last `n` log lines and stderr, for error messages. */
  tail(n: number): string
  /** SIGTERM, then waits for the exit (SIGKILL after a deadline); resolves with how it ended. */
  stop(): Promise<ProcessEnd>
}

/** A port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      const port = typeof address === 'object' && address ? address.port : 0
      server.close(() => resolve(port))
    })
  })
}

/** Writes an INI file of `{ section: { option: value } }`. */
export function writeIni(path: string, sections: Record<string, Record<string, string>>): void {
  const lines = Object.entries(sections).flatMap(([section, options]) => [
    `[${section}]`,
    ...Object.entries(options).map(([key, value]) => `${key} = ${value}`),
    '',
  ])
  writeFileSync(path, lines.join('\n'))
}

/** `leasehold db upgrade` with these config files. */
export async function upgradeDatabase(configFiles: readonly string[]): Promise<void> {
  await run([process.execPath, LEASEHOLD, 'db', 'upgrade', ...configArgs(configFiles)])
}

function configArgs(configFiles: readonly string[]): string[] {
  return configFiles.flatMap((file) => ['--config-file', file])
}

/** Spawns `leasehold <command>` with these config files; the host kills it if it is left. */
export function spawnLeasehold(
  host: BenchHost,
  command: 'server' | 'dhcp-agent',
  configFiles: readonly string[],
): LeaseholdProcess {
  const spawnedAt = performance.now()
  const child = spawn(process.execPath, [LEASEHOLD, command, ...configArgs(configFiles)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  host.trackChild(child)
  const lines: LogLine[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  let partial = ''
  child.stdout?.setEncoding('utf8')
  child.stdout?.on('data', (chunk: string) => {
    const at = performance.now()
    const parts = (partial + chunk).split('\n')
    partial = parts.pop() ?? ''
    for (const text of parts) {
      if (text.trim() === '') continue
      try {
        lines.push({ at, fields: JSON.parse(text) as Record<string, unknown> })
      } catch {
        lines.push({ at, fields: { msg: text } })
      }
    }
    for (const wake of waiters) wake()
  })
  child.stderr?.setEncoding('utf8')
  child.stderr?.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-20_000)))
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => {
      for (const wake of waiters) wake()
      resolve()
    })
  })
  const describe = () => `leasehold ${command} (pid ${child.pid}): ${stderr.slice(-2000)}`
  return {
    pid: child.pid ?? 0,
    spawnedAt,
    waitForLog: (test, timeoutMs) => waitForLine(child, lines, waiters, test, timeoutMs, describe),
    count: (msg) => lines.filter((line) => line.fields['msg'] === msg).length,
    tail: (n) =>
      [...lines.slice(-n).map((line) => JSON.stringify(line.fields)), stderr.slice(-2000)].join(
        '\n',
      ),
    stop: () => stopChild(child, exited),
  }
}

function waitForLine(
  child: ChildProcess,
  lines: readonly LogLine[],
  waiters: Set<() => void>,
  test: (fields: Record<string, unknown>) => boolean,
  timeoutMs: number,
  describe: () => string,
): Promise<LogLine> {
  let seen = 0
  return new Promise((resolve, reject) => {
    const finish = (error: Error | undefined, line?: LogLine) => {
      clearTimeout(timer)
      waiters.delete(check)
      if (line) resolve(line)
      else reject(error ?? new Error('no line'))
    }
    const check = () => {
      for (; seen < lines.length; seen++) {
        const line = lines[seen]!
        if (test({ ...line.fields })) return finish(undefined, line)
      }
      if (child.exitCode !== null || child.signalCode !== null) {
        finish(new Error(`${describe()} exited before the awaited log line`))
      }
    }
    const timer = setTimeout(
      () => finish(new Error(`${describe()} awaited log line not seen in ${timeoutMs} ms`)),
      timeoutMs,
    )
    waiters.add(check)
    check()
  })
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<ProcessEnd> {
  const started = performance.now()
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
  const deadline = setTimeout(() => child.kill('SIGKILL'), STOP_DEADLINE_MS)
  await exited
  clearTimeout(deadline)
  return { code: child.exitCode, signal: child.signalCode, ms: performance.now() - started }
}

/** Polls `condition` every `everyMs` until it holds; throws after `timeoutMs`. */
export async function waitUntil(
  condition: () => boolean | Promise<boolean>,
  options: { what: string; timeoutMs: number; everyMs?: number },
): Promise<void> {
  const deadline = performance.now() + options.timeoutMs
  while (!(await condition())) {
    if (performance.now() > deadline) {
      throw new Error(`${options.what}: not within ${options.timeoutMs} ms`)
    }
    await new Promise((resolve) => setTimeout(resolve, options.everyMs ?? 10))
  }
}

/** Resident memory of a process in MB (VmRSS of /proc/<pid>/status). */
export function residentMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1])
  return kb / 1024
}
