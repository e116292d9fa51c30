import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { findAgentByTypeAndHost } from '../../../src/db/tables/agents.js'
import { useTestDatabase } from '../../support/databases.js'
import { waitFor } from '../../support/rpc.js'
import { startTestStack, testAgentSettings, type TestStack } from '../../support/stack.js'
import { RecordingDriver } from '../agent/fake-driver.js'
import { asProject, expectError, expectStatus } from './fixtures.js'

const HOST = testAgentSettings.host
const MISSING = '6a1a0d5c-0000-4000-8000-000000000000'

describe('agent and dhcp_agent_scheduler extensions', () => {
  const db = useTestDatabase('sqlite')
  let stack: TestStack
  let driver: RecordingDriver
  let agentId: string

  beforeEach(async () => {
    // No automatic scheduling: the tests bind networks by hand.
    stack = await startTestStack(db(), {
      overrides: { DEFAULT: { network_auto_schedule: 'false' } },
    })
    driver = new RecordingDriver()
    await stack.startAgent(driver)
    const deadline = Date.now() + 5000
    let id: string | undefined
    while (id === undefined && Date.now() < deadline) {
      id = (await findAgentByTypeAndHost(db().db, 'DHCP agent', HOST))?.id
      if (id === undefined) await new Promise((resolve) => setTimeout(resolve, 20))
    }
    if (id === undefined) throw new Error('the agent never reported')
    agentId = id
  })
  afterEach(async () => {
    await stack.close()
  })

  async function request(method: string, path: string, body?: unknown, headers = {}) {
    return stack.api.request(method, path, body, headers)
  }

  async function networkWithSubnet(cidr = '198.18.0.0/24'): Promise<string> {
    const network = await request('POST', '/v2.0/networks', { network: { name: 'n' } })
    expectStatus(network, 201)
    const id = network.body.network.id as string
    const subnet = await request('POST', '/v2.0/subnets', {
      subnet: { network_id: id, cidr, ip_version: 4 },
    })
    expectStatus(subnet, 201)
    return id
  }

  it('lists and shows agents with Neutron fields, and filters them', async () => {
    const list = await request('GET', '/v2.0/agents')
    expectStatus(list, 200)
    const agents = list.body.agents
    expect(agents).toHaveLength(1)
    expect(agents[0]).toMatchObject({
      id: agentId,
      agent_type: 'DHCP agent',
      binary: 'neutron-dhcp-agent',
      topic: 'dhcp_agent',
      host: HOST,
      admin_state_up: true,
      alive: true,
      description: null,
      availability_zone: 'nova',
      configurations: expect.objectContaining({ dhcp_lease_duration: 120 }),
    })
    expect(agents[0].heartbeat_timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/)
    expect(Object.keys(agents[0]).sort()).toEqual(
      [
        'id',
        'agent_type',
        'binary',
        'topic',
        'host',
        'admin_state_up',
        'created_at',
        'started_at',
        'heartbeat_timestamp',
        'alive',
        'configurations',
        'description',
        'availability_zone',
        'resource_versions',
        'resources_synced',
      ].sort(),
    )

    const show = await request('GET', `/v2.0/agents/${agentId}`)
    expectStatus(show, 200)
    expect(show.body.agent).toEqual(agents[0])
    const fields = await request('GET', `/v2.0/agents/${agentId}?fields=id&fields=host`)
    expect(fields.body.agent).toEqual({ id: agentId, host: HOST })

    const ids = async (query: string) =>
      (await request('GET', `/v2.0/agents?${query}`)).body.agents.map((a: any) => a.id)
    expect(await ids('agent_type=DHCP%20agent')).toEqual([agentId])
    expect(await ids('agent_type=L3%20agent')).toEqual([])
    expect(await ids(`host=${HOST}`)).toEqual([agentId])
    expect(await ids('host=elsewhere')).toEqual([])
    expect(await ids('alive=true')).toEqual([agentId])
    expect(await ids('alive=false')).toEqual([])

    expectError(
      await request('GET', `/v2.0/agents/${MISSING}`),
      404,
      'AgentNotFound',
      `Agent ${MISSING} could not be found.`,
    )
    expectStatus(await request('POST', '/v2.0/agents', { agent: { host: 'x' } }), 400)
  })

  it('keeps agents from non-admins', async () => {
    const member = asProject('p1')
    const list = await request('GET', '/v2.0/agents', undefined, member)
    expectStatus(list, 200)
    expect(list.body.agents).toEqual([])
    expectError(
      await request('GET', `/v2.0/agents/${agentId}`, undefined, member),
      404,
      'AgentNotFound',
    )
    expectError(
      await request('PUT', `/v2.0/agents/${agentId}`, { agent: { description: 'x' } }, member),
      404,
      'AgentNotFound',
    )
    expectError(
      await request('DELETE', `/v2.0/agents/${agentId}`, undefined, member),
      404,
      'AgentNotFound',
    )
    const networkId = await networkWithSubnet()
    expectError(
      await request(
        'POST',
        `/v2.0/agents/${agentId}/dhcp-networks`,
        { network_id: networkId },
        member,
      ),
      403,
      'PolicyNotAuthorized',
    )
    expectError(
      await request('GET', `/v2.0/agents/${agentId}/dhcp-networks`, undefined, member),
      403,
      'PolicyNotAuthorized',
    )
    expectError(
      await request('GET', `/v2.0/networks/${networkId}/dhcp-agents`, undefined, member),
      403,
      'PolicyNotAuthorized',
    )
    expect(await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()).toEqual([])
  })

  it('updates admin_state_up and description only, casting agent_updated on a toggle', async () => {
    const agentUpdated = vi.spyOn(stack.server.notifier, 'agentUpdated')
    const described = await request('PUT', `/v2.0/agents/${agentId}`, {
      agent: { description: 'rack 4' },
    })
    expectStatus(described, 200)
    expect(described.body.agent).toMatchObject({ id: agentId, description: 'rack 4' })
    expect(agentUpdated).not.toHaveBeenCalled()

    const down = await request('PUT', `/v2.0/agents/${agentId}`, {
      agent: { admin_state_up: false },
    })
    expectStatus(down, 200)
    expect(down.body.agent).toMatchObject({ admin_state_up: false, description: 'rack 4' })
    expect(agentUpdated).toHaveBeenCalledWith(HOST, false)
    const row = await findAgentByTypeAndHost(db().db, 'DHCP agent', HOST)
    expect(Boolean(row?.admin_state_up)).toBe(false)

    expectError(
      await request('PUT', `/v2.0/agents/${agentId}`, { agent: { host: 'other' } }),
      400,
      'HTTPBadRequest',
      'Cannot update read-only attribute host',
    )
    expectError(
      await request('PUT', `/v2.0/agents/${agentId}`, { agent: { description: 'x'.repeat(256) } }),
      400,
      'HTTPBadRequest',
    )
    expectError(
      await request('PUT', `/v2.0/agents/${MISSING}`, { agent: { description: 'x' } }),
      404,
      'AgentNotFound',
    )

    // An admin-down agent takes no networks by hand.
    const networkId = await networkWithSubnet()
    expectError(
      await request('POST', `/v2.0/agents/${agentId}/dhcp-networks`, { network_id: networkId }),
      404,
      'InvalidDHCPAgent',
      `Agent ${agentId} is not a valid DHCP Agent or has been disabled.`,
    )
  })

  it('binds a network by hand, serves it, and unbinds it reserving the DHCP port', async () => {
    const networkId = await networkWithSubnet()
    expect(driver.of('enable', networkId)).toEqual([])
    const path = `/v2.0/agents/${agentId}/dhcp-networks`

    const added = await request('POST', path, { network_id: networkId })
    expectStatus(added, 201)
    expect(added.body).toBeNull()
    await waitFor(() => driver.of('enable', networkId).length === 1, { what: 'enable' })
    expect(await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()).toEqual([
      { network_id: networkId, dhcp_agent_id: agentId, binding_index: 1 },
    ])

    expectError(
      await request('POST', path, { network_id: networkId }),
      409,
      'NetworkHostedByDHCPAgent',
      `The network ${networkId} has been already hosted by the DHCP Agent ${agentId}.`,
    )
    expectError(await request('POST', path, { network_id: MISSING }), 404, 'NetworkNotFound')
    expectStatus(await request('POST', path, { network_id: 'not-a-uuid' }), 400)
    expectError(
      await request('POST', `/v2.0/agents/${MISSING}/dhcp-networks`, { network_id: networkId }),
      404,
      'AgentNotFound',
    )

    const networks = await request('GET', path)
    expectStatus(networks, 200)
    expect(networks.body.networks.map((n: any) => n.id)).toEqual([networkId])
    expect(networks.body.networks[0]).toHaveProperty('subnets')
    const hosting = await request('GET', `/v2.0/networks/${networkId}/dhcp-agents`)
    expectStatus(hosting, 200)
    expect(hosting.body.agents).toMatchObject([{ id: agentId, host: HOST }])
    const none = await request('GET', `/v2.0/networks/${MISSING}/dhcp-agents`)
    expect(none.body).toEqual({ agents: [] })

    const dhcpPortId = driver.of('enable', networkId)[0]?.port?.id
    expect(dhcpPortId).toBeDefined()
    // The agent created its DHCP port before it enabled the network.
    const removed = await request('DELETE', `${path}/${networkId}`)
    expectStatus(removed, 204)
    await waitFor(() => driver.of('disable', networkId).length === 1, { what: 'disable' })
    const port = await request('GET', `/v2.0/ports/${dhcpPortId}`)
    expect(port.body.port.device_id).toBe('reserved_dhcp_port')
    expect(await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()).toEqual([])
    expectError(
      await request('DELETE', `${path}/${networkId}`),
      409,
      'NetworkNotHostedByDhcpAgent',
      `The network ${networkId} is not hosted by the DHCP Agent ${agentId}.`,
    )
    expectError(
      await request('DELETE', `/v2.0/agents/${MISSING}/dhcp-networks/${networkId}`),
      404,
      'AgentNotFound',
    )
    expect((await request('GET', path)).body.networks).toEqual([])
  })

  it('deletes an agent with its bindings, and advertises both extensions', async () => {
    const networkId = await networkWithSubnet()
    expectStatus(
      await request('POST', `/v2.0/agents/${agentId}/dhcp-networks`, { network_id: networkId }),
      201,
    )
    expectStatus(await request('DELETE', `/v2.0/agents/${agentId}`), 204)
    expect(await db().db.selectFrom('networkdhcpagentbindings').selectAll().execute()).toEqual([])
    expectError(await request('GET', `/v2.0/agents/${agentId}`), 404, 'AgentNotFound')
    expectError(await request('GET', `/v2.0/agents/${agentId}/dhcp-networks`), 404, 'AgentNotFound')
    expectError(await request('DELETE', `/v2.0/agents/${agentId}`), 404, 'AgentNotFound')

    const extensions = await request('GET', '/v2.0/extensions')
    const aliases = extensions.body.extensions.map((e: any) => e.alias)
    expect(aliases).toEqual(expect.arrayContaining(['agent', 'dhcp_agent_scheduler']))
    const scheduler = await request('GET', '/v2.0/extensions/dhcp_agent_scheduler')
    expect(scheduler.body.extension).toMatchObject({ name: 'DHCP Agent Scheduler' })
  })
})
