import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ROOT, startLeasehold } from '../support/leasehold-process.js'
import { checkPython, osloCall } from '../support/oslo.js'
import { createRabbitVhost, listQueues, type RabbitVhost } from '../support/rabbitmq.js'

const run = promisify(execFile)
const LEASEHOLD = join(ROOT, 'bin', 'leasehold')

function pythonUtcNow(): string {
  return new Date().toISOString().replace('Z', '000')
}

describe('leasehold server', () => {
  let vhost: RabbitVhost
  let dir: string
  let configFile: string

  beforeAll(async () => {
    await checkPython()
    vhost = await createRabbitVhost()
    dir = mkdtempSync(join(tmpdir(), 'leasehold-server-'))
    configFile = join(dir, 'leasehold.conf')
    writeFileSync(
      configFile,
      [
        '[DEFAULT]',
        `transport_url = ${vhost.url}`,
        'host = server-e2e',
        '[database]',
        `connection = sqlite:///${join(dir, 'server.sqlite')}`,
        '',
      ].join('\n'),
    )
    await run(process.execPath, [LEASEHOLD, 'db', 'upgrade', '--config-file', configFile])
  }, 60_000)

  afterAll(async () => {
    await vhost?.drop()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('refuses the in-process bus, which only leasehold up can use', async () => {
    const failure = await run(process.execPath, [LEASEHOLD, 'server']).then(
      () => ({ code: 0, stderr: '' }),
      (error: { code: number; stderr: string }) => error,
    )
    expect(failure.code).toBe(2)
    expect(failure.stderr).toContain('transport_url')
  })

  it('serves the API and the agents’ report_state over RabbitMQ', async () => {
    const server = await startLeasehold('server', ['--config-file', configFile])
    try {
      expect((await fetch(`${server.url}/v2.0/networks`)).status).toBe(200)
      const queues = (await listQueues(vhost.vhost)).map((q) => q.name)
      expect(queues).toEqual(
        expect.arrayContaining([
          'q-plugin',
          'q-plugin.server-e2e',
          'q-reports-plugin',
          'q-reports-plugin.server-e2e',
        ]),
      )
      const agentState = {
        binary: 'neutron-dhcp-agent',
        host: 'agent-e2e',
        availability_zone: 'nova',
        topic: 'dhcp_agent',
        agent_type: 'DHCP agent',
        start_flag: true,
        uuid: 'f3f1d2a8-0000-4000-8000-000000000001',
        configurations: {
          dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq',
          networks: 0,
          subnets: 0,
          ports: 0,
        },
      }
      const report = await osloCall({
        url: vhost.url,
        topic: 'q-reports-plugin',
        method: 'report_state',
        version: '1.2',
        timeout: 30,
        args: { agent_state: { agent_state: agentState }, time: pythonUtcNow() },
      })
      expect(report).toMatchObject({ ok: true, result: 'new' })
      const again = await osloCall({
        url: vhost.url,
        topic: 'q-reports-plugin',
        method: 'report_state',
        version: '1.2',
        timeout: 30,
        args: {
          agent_state: { agent_state: { ...agentState, start_flag: false } },
          time: pythonUtcNow(),
        },
      })
      expect(again).toMatchObject({ ok: true, result: 'alive' })
      const networks = await osloCall({
        url: vhost.url,
        topic: 'q-plugin',
        method: 'get_active_networks_info',
        version: '1.1',
        timeout: 30,
        args: { host: 'agent-e2e', enable_dhcp_filter: false },
      })
      expect(networks).toMatchObject({ ok: true, result: [] })
    } finally {
      expect(await server.stop()).toBe(0)
    }
    expect(server.output()).toContain('stopped')
  }, 60_000)
})
