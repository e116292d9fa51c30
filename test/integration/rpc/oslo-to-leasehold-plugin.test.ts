import { randomUUID } from 'node:crypto'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest'
import { loadLeaseholdConfig } from '../../../src/cli/config.js'
import {
  createMessaging,
  PLUGIN_TOPIC,
  REPORTS_TOPIC,
  startServerCore,
  type ServerCore,
} from '../../../src/cli/server-rpc.js'
import { adminContext } from '../../../src/common/context.js'
import { dhcpAgentDeviceId } from '../../../src/common/dhcp-port.js'
import { findAgentByTypeAndHost } from '../../../src/db/tables/agents.js'
import { bindNetwork } from '../../../src/db/tables/dhcp-agent-bindings.js'
import { dbTimestamp, parseDbTimestamp } from '../../../src/plugin/agents.js'
import type { PortCreate } from '../../../src/plugin/ports.js'
import type { Messaging } from '../../../src/rpc/messaging.js'
import { useTestDatabase } from '../../support/databases.js'
import { checkPython, osloCall, startOsloServer, type OsloRequest } from '../../support/oslo.js'
import { createRabbitVhost, type RabbitVhost } from '../../support/rabbitmq.js'
import { waitFor } from '../../support/rpc.js'

const SERVER_HOST = 'leasehold-server'
const AGENT_HOST = 'interop-agent'
const PROJECT = 'a0000000000000000000000000000001'

/** A time as Neutron's agents send it: UTC `%Y-%m-%dT%H:%M:%S.%f`. */
function agentTime(date = new Date()): string {
  return `${date.toISOString().slice(0, 23)}000`
}

/** The DHCP agent's `agent_state` body (spec neutron-dhcp.md §2.4). */
function dhcpAgentState(extra: Record<string, unknown> = {}) {
  return {
    binary: 'neutron-dhcp-agent',
    host: AGENT_HOST,
    availability_zone: 'nova',
    topic: 'dhcp_agent',
    agent_type: 'DHCP agent',
    uuid: randomUUID(),
    configurations: {
      dhcp_driver: 'neutron.agent.linux.dhcp.Dnsmasq',
      dhcp_lease_duration: 86400,
      log_agent_heartbeats: false,
      networks: 3,
      subnets: 4,
      ports: 17,
    },
    ...extra,
  }
}

// Neutron's agent-side calls, made with the real oslo.messaging client, against Leasehold's
// q-plugin and q-reports-plugin endpoints and its DHCP agent notifier, all over RabbitMQ.
describe('Python oslo.messaging client → Leasehold q-plugin, q-reports-plugin and notifier', () => {
  const db = useTestDatabase('sqlite')
  let vhost: RabbitVhost | undefined
  let messaging: Messaging | undefined
  let core: ServerCore | undefined

  beforeAll(async () => {
    await checkPython()
    vhost = await createRabbitVhost()
    const config = loadLeaseholdConfig([], {
      DEFAULT: { transport_url: vhost.url, host: SERVER_HOST },
    })
    const log = pino({ level: process.env.LEASEHOLD_TEST_LOG ?? 'silent' })
    messaging = createMessaging(config, log)
    core = await startServerCore({ config, handle: db(), messaging, host: SERVER_HOST, log })
  }, 60_000)
  afterAll(async () => {
    await (core ? core.stop() : messaging?.close())
    await vhost?.drop()
  }, 60_000)

  /** One call as Neutron's DHCP agent makes it (admin context, a version per method). */
  function agentCall(topic: string, method: string, version: string, args: object) {
    return osloCall({ url: vhost!.url, topic, method, version, args: { ...args }, timeout: 30 })
  }

  async function agentRow(host = AGENT_HOST) {
    return findAgentByTypeAndHost(db().db, 'DHCP agent', host)
  }

  /** Registers a DHCP agent in-process (the Python path is the report_state test's). */
  async function registerAgent(host = AGENT_HOST): Promise<string> {
    await core!.agents.createOrUpdate(dhcpAgentState({ host, start_flag: true }))
    return (await agentRow(host))!.id
  }

  function aNetwork(name: string) {
    const input = { name, admin_state_up: true, project_id: PROJECT, description: '' }
    return core!.plugin.networks.create(adminContext(), { ...input, availability_zone_hints: [] })
  }

  /**
   * A network bound to an agent, then given subnet 198.18.0.0/24 and ports on .2 and .5 as the
   * admin API creates them. Bound first, so the scheduler finds it hosted and leaves it alone.
   */
  async function aHostedNetwork(agentId: string) {
    const ctx = adminContext()
    const plugin = core!.plugin
    const network = await aNetwork('interop')
    await bindNetwork(db().db, { network_id: network.id, dhcp_agent_id: agentId, binding_index: 1 })
    const [subnet] = await plugin.subnets.create(ctx, [
      {
        network_id: network.id,
        ip_version: 4,
        cidr: '198.18.0.0/24',
        dns_nameservers: [],
        host_routes: [],
        enable_dhcp: true,
        ipv6_ra_mode: null,
        ipv6_address_mode: null,
        name: '',
        description: '',
        project_id: PROJECT,
      },
    ])
    const ports = await plugin.ports.create(
      ctx,
      ['198.18.0.2', '198.18.0.5'].map((ip) =>
        aPort(network.id, { fixed_ips: [{ ip_address: ip }] }),
      ),
    )
    return { network, subnet: subnet!, ports }
  }

  function aPort(networkId: string, overrides: Partial<PortCreate> = {}): PortCreate {
    return {
      network_id: networkId,
      name: '',
      admin_state_up: true,
      device_id: '',
      device_owner: 'compute:nova',
      project_id: PROJECT,
      description: '',
      ...overrides,
    }
  }

  it('registers the agent on report_state 1.2 ("new"), then answers "alive" and moves the heartbeat', async () => {
    const state = dhcpAgentState({ start_flag: true })
    const first = await agentCall(REPORTS_TOPIC, 'report_state', '1.2', {
      agent_state: { agent_state: state },
      time: agentTime(),
    })
    expect(first, first.stderr).toMatchObject({ exitCode: 0, ok: true, result: 'new' })
    const row = await agentRow()
    expect(row).toMatchObject({
      agent_type: 'DHCP agent',
      binary: 'neutron-dhcp-agent',
      host: AGENT_HOST,
      topic: 'dhcp_agent',
      availability_zone: 'nova',
      load: 3,
    })
    expect(JSON.parse(row!.configurations)).toEqual(state.configurations)

    const past = dbTimestamp(new Date(Date.now() - 30_000))
    await db()
      .db.updateTable('agents')
      .set({ heartbeat_timestamp: past })
      .where('id', '=', row!.id)
      .execute()
    const again = await agentCall(REPORTS_TOPIC, 'report_state', '1.2', {
      agent_state: { agent_state: dhcpAgentState() },
      time: agentTime(),
    })
    expect(again, again.stderr).toMatchObject({ exitCode: 0, ok: true, result: 'alive' })
    const heartbeat = parseDbTimestamp((await agentRow())!.heartbeat_timestamp).getTime()
    expect(heartbeat).toBeGreaterThan(parseDbTimestamp(past).getTime() + 25_000)
  }, 60_000)

  it('answers has_alive_neutron_server and refuses major version 2 with UnsupportedVersion', async () => {
    const alive = await agentCall(REPORTS_TOPIC, 'has_alive_neutron_server', '1.2', {})
    expect(alive).toMatchObject({ exitCode: 0, ok: true, result: true })
    const tooNew = await agentCall(PLUGIN_TOPIC, 'get_active_networks_info', '2.0', {
      host: AGENT_HOST,
    })
    expect(tooNew).toMatchObject({
      exitCode: 1,
      ok: false,
      error: { is_remote_error: true, remote_exc_type: 'UnsupportedVersion' },
    })
  }, 60_000)

  it('serves the hosted network, its subnet and ports, and a DHCP port on the lowest free address', async () => {
    const { network, subnet, ports } = await aHostedNetwork(await registerAgent())

    const active = await agentCall(PLUGIN_TOPIC, 'get_active_networks_info', '1.1', {
      host: AGENT_HOST,
      enable_dhcp_filter: false,
    })
    expect(active, active.stderr).toMatchObject({ exitCode: 0, ok: true })
    const networks = active.result as any[]
    expect(networks.map((n) => n.id)).toEqual([network.id])
    expect(networks[0].subnets).toMatchObject([
      { id: subnet.id, cidr: '198.18.0.0/24', enable_dhcp: true },
    ])
    const served = (networks[0].ports as any[]).map((p) => [p.id, p.fixed_ips])
    const expected = ports.map((p) => [p.id, p.fixed_ips])
    expect(served).toEqual(expect.arrayContaining(expected))
    expect(served).toHaveLength(2)
    expect(ports.map((p) => p.fixed_ips[0]?.ip_address)).toEqual(['198.18.0.2', '198.18.0.5'])

    const info = await agentCall(PLUGIN_TOPIC, 'get_network_info', '1.0', {
      network_id: network.id,
      host: AGENT_HOST,
    })
    expect(info).toMatchObject({
      exitCode: 0,
      result: { id: network.id, subnets: [{ id: subnet.id, cidr: '198.18.0.0/24' }] },
    })
    expect(((info.result as any).ports as any[]).map((p) => p.id).sort()).toEqual(
      ports.map((p) => p.id).sort(),
    )

    const deviceId = dhcpAgentDeviceId(network.id, AGENT_HOST)
    const created = await agentCall(PLUGIN_TOPIC, 'create_dhcp_port', '1.1', {
      host: AGENT_HOST,
      port: {
        port: {
          name: '',
          admin_state_up: true,
          network_id: network.id,
          device_id: deviceId,
          device_owner: 'network:dhcp',
          fixed_ips: [{ subnet_id: subnet.id }],
        },
      },
    })
    expect(created, created.stderr).toMatchObject({
      exitCode: 0,
      result: {
        network_id: network.id,
        device_id: deviceId,
        device_owner: 'network:dhcp',
        'binding:host_id': AGENT_HOST,
        fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.3' }],
      },
    })
  }, 60_000)

  it('answers update_dhcp_port for a network another agent hosts with NetworkNotFound', async () => {
    await registerAgent()
    const { network, subnet } = await aHostedNetwork(await registerAgent('other-agent'))
    const deviceId = dhcpAgentDeviceId(network.id, AGENT_HOST)
    const [dhcpPort] = await core!.plugin.ports.create(adminContext(), [
      aPort(network.id, { device_id: deviceId, device_owner: 'network:dhcp' }),
    ])
    const update = await agentCall(PLUGIN_TOPIC, 'update_dhcp_port', '1.1', {
      port_id: dhcpPort!.id,
      port: { port: { network_id: network.id, fixed_ips: [{ subnet_id: subnet.id }] } },
      host: AGENT_HOST,
    })
    expect(update).toMatchObject({
      exitCode: 1,
      ok: false,
      error: {
        is_remote_error: true,
        remote_exc_type: 'NetworkNotFound',
        remote_value: `Network ${network.id} could not be found.`,
      },
    })
  }, 60_000)

  it('casts port_create_end to the hosting agent and network_delete_end to all agents', async () => {
    const fakeAgent = await startOsloServer({
      url: vhost!.url,
      topic: 'dhcp_agent',
      server: AGENT_HOST,
      version: '1.0',
    })
    onTestFinished(async () => {
      await fakeAgent.stop()
    })
    const { network } = await aHostedNetwork(await registerAgent())
    const [port] = await core!.plugin.ports.create(adminContext(), [aPort(network.id)])
    const unhosted = await aNetwork('doomed')
    await core!.plugin.networks.delete(adminContext(), unhosted.id)

    const find = (method: string, test: (payload: any) => boolean) => () =>
      fakeAgent.requests().find((r) => r.method === method && test(r.args['payload']))
    const created = find('port_create_end', (p) => p?.port?.id === port!.id)
    const deleted = find('network_delete_end', (p) => p?.network_id === unhosted.id)
    await waitFor(() => created() !== undefined && deleted() !== undefined, {
      what: 'port_create_end and network_delete_end at the Python agent',
      timeoutMs: 15_000,
    })
    const expectCast = (request: OsloRequest | undefined, payload: object) => {
      expect(request).toMatchObject({
        version: '1.0',
        namespace: null,
        msg_id: null,
        extra_keys: [],
        args: { payload },
        ctxt: { is_admin: true, roles: [] },
      })
      expect(Object.keys(request!.args)).toEqual(['payload'])
    }
    expectCast(created(), {
      port: { id: port!.id, network_id: network.id, fixed_ips: port!.fixed_ips },
      priority: 5,
    })
    expectCast(deleted(), { network_id: unhosted.id, priority: 2 })
    expect(fakeAgent.events.filter((e) => e.event === 'error')).toEqual([])
  }, 60_000)
})
