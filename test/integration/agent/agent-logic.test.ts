import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { findAgentByTypeAndHost } from '../../../src/db/tables/agents.js'
import { useTestDatabase } from '../../support/databases.js'
import { waitFor } from '../../support/rpc.js'
import { startTestStack, testAgentSettings, type TestStack } from '../../support/stack.js'
import { RecordingDriver } from './fake-driver.js'

const HOST = testAgentSettings.host

describe('DHCP agent logic against the real server over the in-process bus', () => {
  const db = useTestDatabase('sqlite')
  let stack: TestStack
  let driver: RecordingDriver

  beforeEach(async () => {
    stack = await startTestStack(db())
    driver = new RecordingDriver()
  })
  afterEach(async () => {
    await stack.close()
  })

  async function post(collection: string, body: Record<string, unknown>): Promise<any> {
    const singular = collection.slice(0, -1)
    const response = await stack.api.request('POST', `/v2.0/${collection}`, { [singular]: body })
    expect(response.status).toBe(201)
    return response.body[singular]
  }

  /** A network with a DHCP subnet: the scheduler gives it to the agent on the subnet create. */
  async function hostedNetwork(): Promise<{ networkId: string; subnetId: string }> {
    const network = await post('networks', { name: 'n' })
    const subnet = await post('subnets', {
      network_id: network.id,
      cidr: '198.18.0.0/24',
      ip_version: 4,
    })
    await waitFor(() => driver.of('enable', network.id).length === 1, { what: 'enable' })
    const bindings = await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()
    expect(bindings).toEqual([
      { network_id: network.id, dhcp_agent_id: agentRowId, binding_index: 1 },
    ])
    return { networkId: network.id, subnetId: subnet.id }
  }

  let agentRowId: string | undefined
  async function startAgent() {
    const started = await stack.startAgent(driver)
    const deadline = Date.now() + 5000
    while (Date.now() < deadline) {
      agentRowId = (await findAgentByTypeAndHost(db().db, 'DHCP agent', HOST))?.id
      if (agentRowId) break
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    return started
  }

  it('reports its state, creates its DHCP port on the lowest address and serves a bound network', async () => {
    await startAgent()
    const agent = await findAgentByTypeAndHost(db().db, 'DHCP agent', HOST)
    expect(agent).toMatchObject({ binary: 'neutron-dhcp-agent', topic: 'dhcp_agent' })
    const { networkId } = await hostedNetwork()
    const [enable] = driver.of('enable', networkId)
    expect(enable?.port).toMatchObject({
      device_owner: 'network:dhcp',
      device_id: expect.stringMatching(new RegExp(`^dhcp[0-9a-f-]{36}-${networkId}$`)),
      fixed_ips: [expect.objectContaining({ ip_address: '198.18.0.2' })],
    })
    expect(enable?.network?.ports.map((p) => p.id)).toContain(enable?.port?.id)
  })

  it('reloads for port changes, with the change in the model, and drops stale updates', async () => {
    await startAgent()
    const { networkId } = await hostedNetwork()
    const port = await post('ports', {
      network_id: networkId,
      fixed_ips: [{ ip_address: '198.18.0.50' }],
    })
    await waitFor(() => driver.model(networkId)?.ports.some((p) => p.id === port.id) ?? false, {
      what: 'reload with the port',
    })
    const updated = await stack.api.request('PUT', `/v2.0/ports/${port.id}`, {
      port: { fixed_ips: [{ ip_address: '198.18.0.51' }] },
    })
    expect(updated.status).toBe(200)
    await waitFor(
      () =>
        driver.model(networkId)?.ports.find((p) => p.id === port.id)?.fixed_ips[0]?.ip_address ===
        '198.18.0.51',
      { what: 'the new address' },
    )
    // An update older than what the agent holds is ignored.
    const reloads = driver.of('reload', networkId).length
    await stack.server.messaging
      .client({ topic: 'dhcp_agent', version: '1.0', server: HOST })
      .cast({ is_admin: true }, 'port_update_end', {
        payload: { port: { ...port, revision_number: 0 }, priority: 6 },
      })
    await stack.api.request('DELETE', `/v2.0/ports/${port.id}`)
    await waitFor(() => !(driver.model(networkId)?.ports.some((p) => p.id === port.id) ?? true), {
      what: 'delete',
    })
    expect(driver.of('reload', networkId).length).toBe(reloads + 1)
  })

  it('turns a burst of port creates into fewer reloads, and marks the ports ACTIVE', async () => {
    await startAgent()
    const { networkId } = await hostedNetwork()
    driver.reloadDelayMs = 30
    const before = driver.of('reload', networkId).length
    const ports = await Promise.all(
      Array.from({ length: 40 }, () => post('ports', { network_id: networkId })),
    )
    await waitFor(() => (driver.model(networkId)?.ports.length ?? 0) === 41, {
      what: 'all 40 ports',
    })
    const reloads = driver.of('reload', networkId).length - before
    expect(reloads).toBeGreaterThan(0)
    expect(reloads).toBeLessThan(40)
    const statuses = async () =>
      (await stack.api.request('GET', `/v2.0/ports?network_id=${networkId}`)).body.ports.map(
        (p: { status: string }) => p.status,
      )
    const deadline = Date.now() + 5000
    let seen: string[] = await statuses()
    while (seen.some((s) => s !== 'ACTIVE') && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      seen = await statuses()
    }
    expect(seen).toHaveLength(ports.length + 1) // and the DHCP port
    expect(new Set(seen)).toEqual(new Set(['ACTIVE']))
  })

  it('restarts when the DHCP subnets change and disables a deleted network, releasing its port', async () => {
    await startAgent()
    const { networkId } = await hostedNetwork()
    await post('subnets', { network_id: networkId, cidr: '198.19.0.0/24', ip_version: 4 })
    await waitFor(() => driver.of('restart', networkId).length === 1, { what: 'restart' })
    expect(
      driver
        .of('restart', networkId)[0]
        ?.port?.fixed_ips.map((ip) => ip.ip_address)
        .sort(),
    ).toEqual(['198.18.0.2', '198.19.0.2'])
    expect((await stack.api.request('DELETE', `/v2.0/networks/${networkId}`)).status).toBe(204)
    await waitFor(() => driver.of('disable', networkId).length === 1, { what: 'disable' })
    expect(driver.served.has(networkId)).toBe(false)
  })

  it('syncs everything it hosts when it starts again, and drops what it no longer hosts', async () => {
    const first = await startAgent()
    const { networkId } = await hostedNetwork()
    await first.agent.stop()
    driver.served.set('0a2b3c4d-0000-4000-8000-000000000000', {
      id: '0a2b3c4d-0000-4000-8000-000000000000',
    } as never)
    driver.calls.length = 0
    await startAgent()
    expect(driver.of('enable', networkId)).toHaveLength(1)
    expect(driver.of('disable', '0a2b3c4d-0000-4000-8000-000000000000')).toHaveLength(1)
    // The agent found its own DHCP port in the model: no second port was created.
    const dhcpPorts = await stack.api.request(
      'GET',
      `/v2.0/ports?network_id=${networkId}&device_owner=network:dhcp`,
    )
    expect(dhcpPorts.body.ports).toHaveLength(1)
  })
})
