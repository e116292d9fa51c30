/**
 * Runs host commands: an argv array (never a shell string), with a timeout, capturing stdout and
 * stderr. The only module of Leasehold that may import `node:child_process` (STYLE.md).
 */
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { CommandFailed } from '../../common/errors.js'

/** How to run one command. */
export interface ExecOptions {
  /** Milliseconds before the command is killed with SIGKILL and counts as failed; default 30 s. */
  readonly timeoutMs?: number
  /** Exit codes besides 0 that count as success (the caller reads `exitCode`). */
  readonly okExitCodes?: readonly number[]
  /** Text written to the command's stdin. */
  readonly input?: string
}

/** What a finished command printed, and its exit status. */
export interface ExecResult {
  readonly stdout: string
  readonly stderr: string
  readonly exitCode: number
}

const DEFAULT_TIMEOUT_MS = 30_000
/** Output kept per stream; a host command printing more is broken anyway. */
const MAX_OUTPUT_CHARS = 4 * 1024 * 1024

/** Runs `argv` to completion; rejects with `CommandFailed` unless it exits 0 (or an ok code). */
export function execute(argv: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  const [command, ...args] = argv
  if (command === undefined) return Promise.reject(new RangeError('empty argv'))
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const stdout = collect(child, 'stdout')
    const stderr = collect(child, 'stderr')
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      child.kill('SIGKILL')
    }, timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new CommandFailed(argv, null, '', { cause: error, reason: error.message }))
    })
    child.once('close', (code, signal) => {
      clearTimeout(timer)
      const result = { stdout: stdout(), stderr: stderr(), exitCode: code ?? -1 }
      if (code === 0 || (code !== null && options.okExitCodes?.includes(code))) {
        resolve(result)
        return
      }
      const reason = timedOut
        ? `timed out after ${timeoutMs} ms`
        : signal
          ? `killed by ${signal}`
          : undefined
      reject(new CommandFailed(argv, code, result.stderr, { reason }))
    })
    if (options.input !== undefined) child.stdin?.end(options.input)
  })
}

/** The argv that runs `argv` inside network namespace `namespace`. */
export function netnsArgv(namespace: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', namespace, ...argv]
}

/** Runs `argv` inside network namespace `namespace` (`ip netns exec`). */
export function netnsExec(
  namespace: string,
  argv: readonly string[],
  options?: ExecOptions,
): Promise<ExecResult> {
  return execute(netnsArgv(namespace, argv), options)
}

/**
 * Starts a daemon that forks into the background by itself (dnsmasq without `--keep-in-foreground`)
 * and resolves when the starting process exits 0; rejects with `CommandFailed` (and its stderr,
 * where dnsmasq reports bad options and bind failures) otherwise. The daemon runs in its own
 * session, so it outlives the agent and ignores signals sent to the agent's process group.
 */
export function startDaemon(argv: readonly string[], options: ExecOptions = {}): Promise<void> {
  const [command, ...args] = argv
  if (command === undefined) return Promise.reject(new RangeError('empty argv'))
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  return new Promise((resolve, reject) => {
    // stdout is not a pipe: the daemon keeps its copy open for as long as it lives.
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true })
    const stderr = collect(child, 'stderr')
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', (error) => {
      clearTimeout(timer)
      reject(new CommandFailed(argv, null, '', { cause: error, reason: error.message }))
    })
    // 'exit', not 'close': a daemon that inherited the stderr pipe would hold 'close' back.
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      // Let the failure text that came with the exit arrive before the pipe is dropped.
      setImmediate(() => {
        const text = stderr()
        child.stderr?.destroy()
        child.unref()
        if (code === 0) {
          resolve()
          return
        }
        const reason = signal ? `killed by ${signal}` : undefined
        reject(new CommandFailed(argv, code, text, { reason }))
      })
    })
  })
}

/** Collects a child's stream as text (up to MAX_OUTPUT_CHARS); the getter returns it so far. */
function collect(child: ChildProcess, stream: 'stdout' | 'stderr'): () => string {
  let text = ''
  const readable = child[stream]
  readable?.setEncoding('utf8')
  readable?.on('data', (chunk: string) => {
    if (text.length < MAX_OUTPUT_CHARS) text += chunk
  })
  return () => text
}
