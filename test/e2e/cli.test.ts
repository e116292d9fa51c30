import { execFile } from 'node:child_process'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { ROOT, startLeaseholdUp } from '../support/leasehold-process.js'

const run = promisify(execFile)
const LEASEHOLD = join(ROOT, 'bin', 'leasehold')

describe('the leasehold command', () => {
  it('refuses a bad option value at start, naming the option', async () => {
    const failure = await run(process.execPath, [LEASEHOLD, 'up', '--bind-port', '70000']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure.code).toBe(2)
    expect(failure.stderr).toContain('bind_port')
  })

  it('stops cleanly on SIGTERM and keeps what it acknowledged for the next start', async () => {
    const first = await startLeaseholdUp()
    const created = await fetch(`${first.url}/v2.0/networks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ network: { name: 'survives' } }),
    })
    expect(created.status).toBe(201)
    const id = ((await created.json()) as { network: { id: string } }).network.id
    expect(await first.stopKeepingState()).toBe(0)
    expect(first.output()).toContain('stopped')
    const second = await startLeaseholdUp(['--state-path', first.stateDir])
    try {
      const shown = await fetch(`${second.url}/v2.0/networks/${id}`)
      expect(shown.status).toBe(200)
      expect(((await shown.json()) as { network: { name: string } }).network.name).toBe('survives')
    } finally {
      await second.stop()
    }
  })
})
