import { execFile, spawn, type ChildProcessByStdio } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { promisify } from 'node:util'
import { afterAll, beforeAll } from 'vitest'
import { ROOT } from './leasehold-process.js'
import { onTestProcessExit, signalQuietly } from './processes.js'

/** The reference oslo.messaging tools (rpc_server.py, rpc_client.py, conformance.py, sniff.py). */
export const OSLO_TOOLS = resolve(ROOT, '../shared/tools/oslo')
/** Debian's interpreter: a pyenv python3 earlier in PATH does not see python3-oslo.messaging. */
export const OSLO_PYTHON = '/usr/bin/python3'

let pythonChecked: Promise<void> | undefined

/** Fails with the Debian package to install when /usr/bin/python3 cannot import oslo_messaging. */
export function checkPython(): Promise<void> {
  pythonChecked ??= promisify(execFile)(OSLO_PYTHON, ['-c', 'import oslo_messaging']).then(
    () => undefined,
    (error: Error) => {
      throw new Error(
        `${OSLO_PYTHON} cannot import oslo_messaging: install the Debian package ` +
          `python3-oslo.messaging (apt-get install -y python3-oslo.messaging, or run ` +
          `scripts/install-test-deps as root)`,
        { cause: error },
      )
    },
  )
  return pythonChecked
}

/** One JSON line of rpc_server.py. */
export interface OsloServerEvent {
  readonly event: 'ready' | 'request' | 'reply' | 'error' | 'stopped'
  readonly [field: string]: unknown
}

/** A request as rpc_server.py logs it (`msg_id` and `reply_q` are null for casts). */
export interface OsloRequest extends OsloServerEvent {
  readonly event: 'request'
  readonly method: string
  readonly args: Record<string, any>
  readonly version: string | null
  readonly namespace: string | null
  readonly msg_id: string | null
  readonly reply_q: string | null
  /** The caller's `_timeout` (seconds), if it asked for call-monitor heartbeats. */
  readonly client_timeout: number | null
  readonly unique_id: string | null
  readonly ctxt: Record<string, any>
  readonly listen_topic: string
  readonly listen_server: string
  readonly extra_keys: string[]
}

/** Where and how rpc_server.py listens; defaults are the script's (`neutron`, `1.99`, no namespace). */
export interface OsloServerOptions {
  /** oslo transport URL, e.g. a RabbitVhost's `url`. */
  readonly url: string
  readonly topic: string
  readonly server: string
  readonly exchange?: string
  readonly version?: string
  readonly namespace?: string
}

/** A running reference server; `events` grows as it logs. */
export interface OsloServer {
  readonly events: readonly OsloServerEvent[]
  requests(): OsloRequest[]
  /** Resolves with the requests once at least `count` arrived; rejects after `timeoutMs`. */
  waitForRequests(count: number, options?: { timeoutMs?: number }): Promise<OsloRequest[]>
  stderr(): string
  /** SIGTERM, then waits for the exit (SIGKILL after 15 s); later calls return the same code. */
  stop(): Promise<number | null>
}

/** Collects rpc_server.py's JSON lines; `until` waits for a condition on them. */
function watchServer(child: ChildProcessByStdio<null, Readable, Readable>) {
  const events: OsloServerEvent[] = []
  const waiters = new Set<() => void>()
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line) as OsloServerEvent)
    for (const waiter of waiters) waiter()
  })
  child.once('close', () => waiters.forEach((waiter) => waiter()))
  /** Resolves when `done()` holds, rejects when the server exits or `timeoutMs` passes. */
  const until = (done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolveWait, reject) => {
      const check = () => {
        if (done()) finish()
        else if (child.exitCode !== null || child.signalCode !== null) finish('exited')
      }
      const timer = setTimeout(() => finish(`no ${what} within ${timeoutMs} ms`), timeoutMs)
      const finish = (problem?: string) => {
        clearTimeout(timer)
        waiters.delete(check)
        if (!problem) return resolveWait()
        const lines = events.map((e) => JSON.stringify(e)).join('\n')
        reject(new Error(`rpc_server.py ${problem}: waiting for ${what}\n${lines}\n${stderr}`))
      }
      waiters.add(check)
      check()
    })
  return { events, until, stderr: () => stderr }
}

/** Starts rpc_server.py and waits for its `ready` line (its queues are consuming by then). */
export async function startOsloServer(options: OsloServerOptions): Promise<OsloServer> {
  await checkPython()
  const argv = [resolve(OSLO_TOOLS, 'rpc_server.py'), options.topic, options.server]
  argv.push('--url', options.url, '--exchange', options.exchange ?? 'neutron')
  argv.push('--version', options.version ?? '1.99')
  if (options.namespace !== undefined) argv.push('--namespace', options.namespace)
  const child = spawn(OSLO_PYTHON, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  const forget = onTestProcessExit(() => signalQuietly(child.pid!, 'SIGKILL'))
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)))
  const { events, until, stderr } = watchServer(child)
  let stopping: Promise<number | null> | undefined
  const stop = () => {
    stopping ??= (async () => {
      signalQuietly(child.pid!, 'SIGTERM')
      const timer = setTimeout(() => signalQuietly(child.pid!, 'SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      forget()
      return code
    })()
    return stopping
  }
  const requests = () => events.filter((e): e is OsloRequest => e.event === 'request')
  try {
    await until(() => events.some((e) => e.event === 'ready'), 'ready line', 30_000)
  } catch (error) {
    await stop()
    throw error
  }
  return {
    events,
    requests,
    stderr,
    stop,
    async waitForRequests(count, { timeoutMs = 10_000 } = {}) {
      await until(() => requests().length >= count, `${count} requests`, timeoutMs)
      return requests()
    },
  }
}

/** A reference server for the suite; `options` is read in beforeAll (e.g. from a vhost). */
export function useOsloServer(options: () => OsloServerOptions): () => OsloServer {
  let server: OsloServer | undefined
  beforeAll(async () => {
    server = await startOsloServer(options())
  })
  afterAll(async () => {
    await server?.stop()
  })
  return () => {
    if (!server) throw new Error('oslo server not ready')
    return server
  }
}

/** One message sent by rpc_client.py; see its usage for each flag. */
export interface OsloClientOptions {
  readonly url: string
  readonly topic: string
  readonly method: string
  readonly args?: Record<string, unknown>
  readonly server?: string
  readonly fanout?: boolean
  /** The message's target version (the script sends `1.0` by default); null leaves it out. */
  readonly version?: string | null
  readonly namespace?: string
  readonly exchange?: string
  /** Call timeout in seconds (the script's default is 60). */
  readonly timeout?: number
  /** Puts `_timeout` (seconds) in the call, so the server sends heartbeats. */
  readonly callMonitorTimeout?: number
  /** A Neutron admin context by default. */
  readonly context?: 'neutron-admin' | 'empty' | Record<string, unknown>
  /** Modules whose exceptions the client may re-create instead of a RemoteError. */
  readonly allowExmod?: readonly string[]
}

/** The error rpc_client.py reports (`remote_*` only for a RemoteError). */
export interface OsloClientError {
  readonly class: string
  readonly module: string
  readonly message: string
  readonly is_remote_error?: boolean
  readonly remote_exc_type?: string
  readonly remote_value?: string
}

/** What rpc_client.py printed; exit code 0 ok, 1 error reply or failure, 2 MessagingTimeout. */
export interface OsloClientResult {
  readonly exitCode: number | null
  readonly ok: boolean
  readonly result?: unknown
  readonly sent?: 'cast' | 'fanout'
  readonly error?: OsloClientError
  readonly stderr: string
}

function clientArgv(mode: 'call' | 'cast', options: OsloClientOptions): string[] {
  const argv = [resolve(OSLO_TOOLS, 'rpc_client.py'), mode, options.topic, options.method]
  argv.push('--url', options.url, '--exchange', options.exchange ?? 'neutron')
  argv.push('--args', JSON.stringify(options.args ?? {}))
  if (options.server !== undefined) argv.push('--server', options.server)
  if (options.fanout) argv.push('--fanout')
  if (options.version !== undefined) argv.push('--version', options.version ?? 'none')
  if (options.namespace !== undefined) argv.push('--namespace', options.namespace)
  if (options.timeout !== undefined) argv.push('--timeout', String(options.timeout))
  if (options.callMonitorTimeout !== undefined)
    argv.push('--call-monitor-timeout', String(options.callMonitorTimeout))
  const context = options.context
  if (context !== undefined)
    argv.push('--context', typeof context === 'string' ? context : JSON.stringify(context))
  for (const module of options.allowExmod ?? []) argv.push('--allow-exmod', module)
  return argv
}

/** Runs one of the scripts to its end (SIGKILL after `limitMs`) and collects its output. */
export async function runOsloScript(argv: string[], limitMs: number) {
  await checkPython()
  const child = spawn(OSLO_PYTHON, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
  const forget = onTestProcessExit(() => signalQuietly(child.pid!, 'SIGKILL'))
  const timer = setTimeout(() => signalQuietly(child.pid!, 'SIGKILL'), limitMs)
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const exitCode = await new Promise<number | null>((done) => child.once('close', done))
  clearTimeout(timer)
  forget()
  return { exitCode, stdout, stderr }
}

async function runClient(mode: 'call' | 'cast', options: OsloClientOptions) {
  // oslo retries an unreachable broker forever: bound the whole run, not only the RPC
  const limitMs = ((options.timeout ?? 60) + 30) * 1000
  const { exitCode, stdout, stderr } = await runOsloScript(clientArgv(mode, options), limitMs)
  const line = stdout.trim().split('\n').pop() ?? ''
  if (!line.startsWith('{')) {
    throw new Error(`rpc_client.py ${mode} printed no result (exit ${exitCode}):\n${stderr}`)
  }
  return { exitCode, stderr, ...(JSON.parse(line) as { ok: boolean }) } as OsloClientResult
}

/** Sends one call with the real oslo.messaging client and returns what it got. */
export function osloCall(options: OsloClientOptions): Promise<OsloClientResult> {
  return runClient('call', options)
}

/** Sends one cast (direct with `server`, to all with `fanout`) with the real oslo client. */
export function osloCast(options: OsloClientOptions): Promise<OsloClientResult> {
  return runClient('cast', options)
}
