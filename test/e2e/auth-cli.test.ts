import { execFile } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, startLeasehold } from '../support/leasehold-process.js'
import { createRabbitVhost, type RabbitVhost } from '../support/rabbitmq.js'

const run = promisify(execFile)
const LEASEHOLD = join(ROOT, 'bin', 'leasehold')

/** Runs `leasehold <args>` to its end; returns the exit code and output. */
async function leasehold(
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [LEASEHOLD, ...args]).then(
    ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  )
}

describe('the leasehold command and authentication', () => {
  let dir: string
  let vhost: RabbitVhost

  function config(name: string, lines: readonly string[]): string {
    const file = join(dir, name)
    writeFileSync(file, `${lines.join('\n')}\n`)
    return file
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'leasehold-auth-cli-'))
    vhost = await createRabbitVhost()
  })
  afterAll(async () => {
    await vhost?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses noauth on a non-loopback bind_host, for up and server, with exit code 2', async () => {
    const open = config('open.conf', [
      '[DEFAULT]',
      'bind_host = 0.0.0.0',
      `transport_url = ${vhost.url}`,
    ])
    for (const command of ['up', 'server']) {
      const failure = await leasehold(
        command,
        '--config-file',
        open,
        '--state-path',
        join(dir, 'state'),
      )
      expect(failure.code, command).toBe(2)
      expect(failure.stderr).toContain('auth_strategy = noauth')
      expect(failure.stderr).toContain('0.0.0.0')
      expect(failure.stderr).toContain('--insecure-noauth')
    }
  })

  it('starts noauth on a non-loopback bind_host with --insecure-noauth, and warns', async () => {
    const open = config('open-up.conf', ['[DEFAULT]', 'bind_host = 0.0.0.0'])
    const up = await startLeasehold('up', ['--config-file', open, '--insecure-noauth'])
    try {
      expect((await fetch(`${up.url}/v2.0/networks`)).status).toBe(200)
      expect(up.output()).toMatch(/"level":40[^\n]*INSECURE: noauth on a non-loopback address/)
      expect(up.output()).toMatch(/"bind_host":"0\.0\.0\.0"[^\n]*"leasehold API listening"/)
    } finally {
      // Not checking the exit code: that is test/e2e/cli.test.ts's subject (`up` stopping
      // cleanly); this test is about the bind guard.
      await up.stop()
    }
  })

  it('starts leasehold server the same way with allow_insecure_noauth', async () => {
    const state = join(dir, 'server-state')
    mkdirSync(state, { recursive: true })
    const open = config('open-server.conf', [
      '[DEFAULT]',
      'bind_host = 0.0.0.0',
      'allow_insecure_noauth = true',
      `transport_url = ${vhost.url}`,
      '[database]',
      `connection = sqlite:///${join(state, 'server.sqlite')}`,
    ])
    expect((await leasehold('db', 'upgrade', '--config-file', open)).code).toBe(0)
    const server = await startLeasehold('server', ['--config-file', open])
    try {
      expect((await fetch(`${server.url}/v2.0/networks`)).status).toBe(200)
      expect(server.output()).toContain('INSECURE: noauth on a non-loopback address')
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 60_000)

  it('prints the effective policy with the overrides of the policy file next to the config', async () => {
    const etc = join(dir, 'etc')
    mkdirSync(etc, { recursive: true })
    writeFileSync(join(etc, 'policy.yaml'), '"create_network:shared": "rule:admin_or_owner"\n')
    const conf = join(etc, 'leasehold.conf')
    writeFileSync(conf, '[oslo_policy]\npolicy_file = policy.yaml\n')
    const shown = await leasehold('policy', 'show', '--config-file', conf)
    expect(shown.code).toBe(0)
    expect(shown.stdout).toContain(`# policy_file: ${join(etc, 'policy.yaml')}`)
    expect(shown.stdout).toContain('"create_network:shared": "rule:admin_or_owner"')
    expect(shown.stdout).toContain('"get_agent": "rule:admin_only"')
    expect(shown.stdout).toContain('"context_is_admin": "role:admin"')
    const defaults = await leasehold('policy', 'show')
    expect(defaults.stdout).toContain('"create_network:shared": "rule:admin_only"')
    expect(defaults.stdout).toContain('policy.yaml (not found; defaults only)')
  })

  it('refuses a policy file that does not parse, naming it', async () => {
    const bad = join(dir, 'bad-policy.yaml')
    writeFileSync(bad, 'get_network: "role:admin or"\n')
    const conf = config('bad-policy.conf', ['[oslo_policy]', `policy_file = ${bad}`])
    for (const args of [
      ['policy', 'show'],
      ['up', '--state-path', join(dir, 'bad-state')],
    ]) {
      const failure = await leasehold(...args, '--config-file', conf)
      expect(failure.code, args.join(' ')).toBe(2)
      expect(failure.stderr).toContain(bad)
      expect(failure.stderr).toContain('get_network')
    }
  })

  it("applies the policy file's overrides in a running leasehold server", async () => {
    const etc = join(dir, 'etc-server')
    mkdirSync(etc, { recursive: true })
    writeFileSync(join(etc, 'policy.yaml'), '"create_network:shared": "rule:admin_or_owner"\n')
    const conf = join(etc, 'leasehold.conf')
    writeFileSync(
      conf,
      [
        '[DEFAULT]',
        'auth_strategy = noauth',
        `transport_url = ${vhost.url}`,
        '[database]',
        `connection = sqlite:///${join(etc, 'server.sqlite')}`,
        '',
      ].join('\n'),
    )
    expect((await leasehold('db', 'upgrade', '--config-file', conf)).code).toBe(0)
    const server = await startLeasehold('server', ['--config-file', conf])
    try {
      const created = await fetch(`${server.url}/v2.0/networks`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-project-id': 'p-a', 'x-roles': 'member' },
        body: JSON.stringify({ network: { name: 'shared-by-member', shared: true } }),
      })
      expect(created.status).toBe(201)
      expect(server.output()).toContain(`"policy_file":"${join(etc, 'policy.yaml')}"`)
    } finally {
      expect(await server.stop()).toBe(0)
    }
  }, 60_000)
})
