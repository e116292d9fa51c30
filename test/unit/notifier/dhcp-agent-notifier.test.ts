import { describe, expect, it } from 'vitest'
import type { ResourceEvent } from '../../../src/notifier/resource-events.js'
import {
  NETWORK_ID,
  PORT_ID,
  SUBNET_ID,
  aNetwork,
  aNotifier,
  aPort,
  aSubnet,
  anAgent,
} from './fakes.js'

const network = aNetwork()
const subnet = aSubnet()
const port = aPort()

describe('DhcpAgentNotifier: casts and payloads', () => {
  describe('methods, payloads and priorities (spec §2.3)', () => {
    const rows: [string, ResourceEvent, string, Record<string, unknown>][] = [
      [
        'network update',
        { type: 'network.update', network, original: aNetwork({ name: 'old' }) },
        'network_update_end',
        { network, priority: 1 },
      ],
      [
        'subnet create',
        { type: 'subnet.create', subnet },
        'subnet_create_end',
        { subnet, priority: 3 },
      ],
      [
        'subnet update',
        { type: 'subnet.update', subnet, original: aSubnet({ name: 'old' }) },
        'subnet_update_end',
        { subnet, priority: 3 },
      ],
      [
        'subnet delete',
        { type: 'subnet.delete', subnet: { id: SUBNET_ID, network_id: NETWORK_ID } },
        'subnet_delete_end',
        { subnet_id: SUBNET_ID, network_id: NETWORK_ID, priority: 4 },
      ],
      [
        'port create (one agent: it is the chosen one)',
        { type: 'port.create', port },
        'port_create_end',
        { port, priority: 5 },
      ],
      [
        'port update',
        { type: 'port.update', port, original: aPort({ fixed_ips: [] }) },
        'port_update_end',
        { port, priority: 6 },
      ],
      [
        'port delete',
        { type: 'port.delete', port },
        'port_delete_end',
        { port_id: PORT_ID, network_id: NETWORK_ID, fixed_ips: port.fixed_ips, priority: 6 },
      ],
    ]
    for (const [name, event, method, args] of rows) {
      it(`casts ${method} for a ${name} to the hosting agent with priority ${String(args.priority)}`, async () => {
        const { notifier, casts, looked } = aNotifier()
        await notifier.publish(event)
        expect(
          casts.map(({ server, fanout, method, args }) => ({ server, fanout, method, args })),
        ).toEqual([{ server: 'host-a', fanout: undefined, method, args }])
        expect(looked).toEqual([NETWORK_ID])
      })
    }

    it('casts network_delete_end as one fanout with priority 2, without looking up agents', async () => {
      const { notifier, casts, looked } = aNotifier()
      await notifier.publish({ type: 'network.delete', network: { id: NETWORK_ID } })
      expect(casts).toMatchObject([
        {
          server: undefined,
          fanout: true,
          method: 'network_delete_end',
          args: { network_id: NETWORK_ID, priority: 2 },
        },
      ])
      expect(Object.keys(casts[0]!.args).sort()).toEqual(['network_id', 'priority'])
      expect(looked).toEqual([])
    })

    it('sends nothing for an API network create, even with a scheduler', async () => {
      const { notifier, casts, looked, scheduled } = aNotifier({
        schedule: () => Promise.resolve([anAgent('host-b')]),
      })
      await notifier.publish({ type: 'network.create', network })
      expect(casts).toEqual([])
      expect(looked).toEqual([])
      expect(scheduled).toEqual([])
    })

    it('casts with a fresh admin context', async () => {
      const { notifier, casts } = aNotifier()
      await notifier.publish({ type: 'subnet.create', subnet })
      expect(casts[0]?.context).toMatchObject({ is_admin: true, project_id: null })
    })

    it('casts to every hosting agent, each on its own server', async () => {
      const { notifier, casts } = aNotifier({ agents: [anAgent('host-a'), anAgent('host-b')] })
      await notifier.publish({ type: 'subnet.update', subnet, original: subnet })
      expect(casts.map((c) => [c.server, c.fanout, c.method, c.args.priority])).toEqual([
        ['host-a', undefined, 'subnet_update_end', 3],
        ['host-b', undefined, 'subnet_update_end', 3],
      ])
    })
  })

  describe('port_create_end', () => {
    const three = [anAgent('host-a'), anAgent('host-b'), anAgent('host-c')]

    it('gives priority 5 to one agent, first, and 6 to the others', async () => {
      const { notifier, casts } = aNotifier({ agents: three })
      await notifier.publish({ type: 'port.create', port })
      expect(casts).toHaveLength(3)
      expect(casts.map((c) => c.args.priority)).toEqual([5, 6, 6])
      expect(new Set(casts.map((c) => c.server))).toEqual(new Set(['host-a', 'host-b', 'host-c']))
    })

    it('lets the random number choose which agent hears first', async () => {
      for (const [random, host] of [
        [0, 'host-a'],
        [0.5, 'host-b'],
        [0.99, 'host-c'],
      ] as const) {
        const { notifier, casts } = aNotifier({ agents: three, random: () => random })
        await notifier.publish({ type: 'port.create', port })
        const high = casts.filter((c) => c.args.priority === 5).map((c) => c.server)
        expect(high).toEqual([host])
      }
    })
  })

  describe('port updates', () => {
    const changes: [string, Record<string, unknown>][] = [
      ['fixed_ips', { fixed_ips: [{ subnet_id: SUBNET_ID, ip_address: '198.18.0.11' }] }],
      ['mac_address', { mac_address: 'fa:16:3e:00:00:02' }],
      [
        'extra_dhcp_opts',
        { extra_dhcp_opts: [{ opt_name: 'mtu', opt_value: '1400', ip_version: 4 }] },
      ],
      ['dns_name', { dns_name: 'vm1' }],
      [
        'dns_assignment',
        { dns_assignment: [{ hostname: 'vm1', ip_address: '198.18.0.10', fqdn: 'vm1.' }] },
      ],
      ['dns_domain', { dns_domain: 'example.org.' }],
    ]
    for (const [field, change] of changes) {
      it(`forwards an update that changed ${field}`, async () => {
        const { notifier, casts } = aNotifier()
        await notifier.publish({ type: 'port.update', port: aPort(change), original: port })
        expect(casts.map((c) => c.method)).toEqual(['port_update_end'])
      })
    }

    it('drops an update that changed only name, status, admin_state_up and the revision', async () => {
      const { notifier, casts, looked } = aNotifier()
      const after = aPort({
        name: 'renamed',
        status: 'ACTIVE',
        admin_state_up: false,
        revision_number: 2,
      })
      await notifier.publish({ type: 'port.update', port: after, original: port })
      expect(casts).toEqual([])
      expect(looked).toEqual([])
    })
  })

  describe('agent and binding casts', () => {
    it('casts agent_updated to the agent', async () => {
      const { notifier, casts } = aNotifier()
      await notifier.agentUpdated('host-a', false)
      expect(
        casts.map(({ server, fanout, method, args }) => ({ server, fanout, method, args })),
      ).toEqual([
        {
          server: 'host-a',
          fanout: undefined,
          method: 'agent_updated',
          args: { admin_state_up: false },
        },
      ])
    })

    it('casts network_create_end when a network is added to an agent', async () => {
      const { notifier, casts } = aNotifier()
      await notifier.networkAddedToAgent(NETWORK_ID, 'host-b')
      expect(casts.map((c) => [c.server, c.fanout, c.method, c.args])).toEqual([
        ['host-b', undefined, 'network_create_end', { network: { id: NETWORK_ID }, priority: 0 }],
      ])
    })

    it('casts network_delete_end to that host only when a network is removed from an agent', async () => {
      const { notifier, casts } = aNotifier()
      await notifier.networkRemovedFromAgent(NETWORK_ID, 'host-b')
      expect(casts.map((c) => [c.server, c.fanout, c.method, c.args])).toEqual([
        ['host-b', undefined, 'network_delete_end', { network_id: NETWORK_ID, priority: 2 }],
      ])
    })
  })
})
