import { cleanupAgentState } from './agent-state.js'
import { spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdtempSync, rmSync, existsSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** The repository root. */
export const ROOT = join(import.meta.dirname, '..', '..')

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

/** A `leasehold up` started by a test, with its own state directory. */
export interface LeaseholdUp {
  readonly url: string
  readonly port: number
  readonly stateDir: string
  readonly output: () => string
  /** Stops with SIGTERM, removes the state directory, returns the exit code. */
  stop(): Promise<number | null>
  /** Stops with SIGTERM and leaves the state directory. */
  stopKeepingState(): Promise<number | null>
  /** Kills the process with SIGKILL (no clean stop) and leaves the state directory. */
  kill(): Promise<void>
}

/** Starts `bin/leasehold up` on a free port and waits until it answers `GET /`. */
export function startLeaseholdUp(extraArgs: readonly string[] = []): Promise<LeaseholdUp> {
  return startLeasehold('up', extraArgs)
}

/** Starts `bin/leasehold <command>` (up or server) on a free port; waits until it answers. */
export async function startLeasehold(
  command: 'up' | 'server',
  extraArgs: readonly string[] = [],
): Promise<LeaseholdUp> {
  if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
    throw new Error("dist/ is missing: run 'npm run build' before the end-to-end tests")
  }
  const given = extraArgs.indexOf('--state-path')
  const stateDir =
    given >= 0 ? (extraArgs[given + 1] ?? '') : mkdtempSync(join(tmpdir(), 'leasehold-up-'))
  // dnsmasq drops root and must still read the agent's files under the state directory.
  chmodSync(stateDir, 0o755)
  const stateArgs = given >= 0 ? [] : ['--state-path', stateDir]
  const port = await freePort()
  let output = ''
  const child: ChildProcess = spawn(
    process.execPath,
    [
      join(ROOT, 'bin', 'leasehold'),
      command,
      '--bind-port',
      String(port),
      ...stateArgs,
      ...extraArgs,
    ],
    { cwd: stateDir, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  )
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + 20_000
  for (;;) {
    if (child.exitCode !== null) throw new Error(`leasehold ${command} exited early:\n${output}`)
    try {
      if ((await fetch(`${url}/`)).ok) break
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`leasehold ${command} did not answer within 20 s:\n${output}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    url,
    port,
    stateDir,
    output: () => output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      const code = await exited
      cleanupAgentState(join(stateDir, 'dhcp'))
      rmSync(stateDir, { recursive: true, force: true })
      return code
    },
    async kill() {
      if (child.exitCode === null) child.kill('SIGKILL')
      await exited
    },
    async stopKeepingState() {
      if (child.exitCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}
