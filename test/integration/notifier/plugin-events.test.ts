import { beforeEach, describe, expect, it } from 'vitest'
import { adminContext } from '../../../src/common/context.js'
import { IpAddressAlreadyAllocated, SubnetInUse } from '../../../src/common/errors.js'
import { DhcpAgentNotifier } from '../../../src/notifier/dhcp-agent-notifier.js'
import type { ResourceEvent, ResourceEventSink } from '../../../src/notifier/resource-events.js'
import { CorePlugin } from '../../../src/plugin/core-plugin.js'
import type { PortCreate } from '../../../src/plugin/ports.js'
import { testDatabases, useTestDatabase } from '../../support/databases.js'
// The recording RpcCaller and logger of the notifier's unit tests.
import { RecordingCaller, anAgent, capturingLogger } from '../../unit/notifier/fakes.js'

const options = {
  baseMac: 'fa:16:3e:00:00:00',
  globalPhysnetMtu: 1500,
  maxDnsNameservers: 5,
  maxSubnetHostRoutes: 20,
  macGenerationRetries: 16,
}
const admin = adminContext()

/** What the sink saw: each event, and whether the change was visible outside its transaction. */
interface Seen {
  readonly event: ResourceEvent
  readonly committed: boolean
}

for (const engine of testDatabases()) {
  describe(`${engine}: plugin change events`, () => {
    const db = useTestDatabase(engine)
    let seen: Seen[]
    let plugin: CorePlugin

    /** Reads the changed resource on the pool, outside any transaction of the plugin. */
    async function isCommitted(event: ResourceEvent): Promise<boolean> {
      const [resource, action] = event.type.split('.') as [string, string]
      const table = `${resource}s` as 'networks' | 'subnets' | 'ports'
      const id =
        'network' in event ? event.network.id : 'subnet' in event ? event.subnet.id : event.port.id
      const row = await db()
        .db.selectFrom(table)
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst()
      return action === 'delete' ? row === undefined : row !== undefined
    }

    beforeEach(() => {
      seen = []
      const sink: ResourceEventSink = {
        publish: async (event) => {
          seen.push({ event, committed: await isCommitted(event) })
        },
      }
      plugin = new CorePlugin(db(), options, sink)
    })

    const events = () => seen.map((s) => s.event)
    const types = () => seen.map((s) => s.event.type)

    async function aNetworkWithSubnet() {
      const network = await plugin.networks.create(admin, {
        name: 'net',
        admin_state_up: true,
        project_id: 'p1',
        availability_zone_hints: [],
        description: '',
      })
      const [subnet] = await plugin.subnets.create(admin, [
        {
          network_id: network.id,
          ip_version: 4,
          cidr: '198.18.0.0/24',
          dns_nameservers: [],
          host_routes: [],
          enable_dhcp: true,
          ipv6_ra_mode: null,
          ipv6_address_mode: null,
          name: 'sub',
          description: '',
          project_id: 'p1',
        },
      ])
      return { network, subnet: subnet! }
    }

    function portInput(networkId: string, overrides: Partial<PortCreate> = {}): PortCreate {
      return {
        network_id: networkId,
        name: 'vm',
        admin_state_up: true,
        device_id: 'vm-1',
        device_owner: 'compute:nova',
        project_id: 'p1',
        description: '',
        ...overrides,
      }
    }

    it('publishes each create after its commit, the port with its fixed_ips', async () => {
      const { network, subnet } = await aNetworkWithSubnet()
      const [port] = await plugin.ports.create(admin, [portInput(network.id)])
      expect(types()).toEqual(['network.create', 'subnet.create', 'port.create'])
      expect(seen.every((s) => s.committed)).toBe(true)
      const published = events()[2]
      expect(published).toEqual({ type: 'port.create', port })
      expect(port?.fixed_ips).toEqual([
        { subnet_id: subnet.id, ip_address: expect.stringMatching(/^198\.18\.0\.\d+$/) },
      ])
      expect(events()[1]).toEqual({ type: 'subnet.create', subnet })
    })

    it('publishes one event per port of a bulk create, in order', async () => {
      const { network } = await aNetworkWithSubnet()
      seen = []
      const ports = await plugin.ports.create(admin, [
        portInput(network.id, { name: 'a' }),
        portInput(network.id, { name: 'b' }),
      ])
      expect(events()).toEqual(ports.map((port) => ({ type: 'port.create', port })))
    })

    it('publishes nothing for a create that fails with IpAddressAlreadyAllocated', async () => {
      const { network, subnet } = await aNetworkWithSubnet()
      const fixed = [{ subnet_id: subnet.id, ip_address: '198.18.0.50' }]
      await plugin.ports.create(admin, [portInput(network.id, { fixed_ips: fixed })])
      seen = []
      const bulk = [
        portInput(network.id, { name: 'fine' }),
        portInput(network.id, { name: 'taken', fixed_ips: fixed }),
      ]
      await expect(plugin.ports.create(admin, bulk)).rejects.toBeInstanceOf(
        IpAddressAlreadyAllocated,
      )
      expect(seen).toEqual([])
    })

    it('publishes a port update with the port before and after', async () => {
      const { network } = await aNetworkWithSubnet()
      const [port] = await plugin.ports.create(admin, [portInput(network.id)])
      seen = []
      const updated = await plugin.ports.update(admin, port!.id, { name: 'renamed' })
      expect(events()).toEqual([{ type: 'port.update', port: updated, original: port }])
      expect(seen[0]?.committed).toBe(true)
    })

    it('publishes subnet and network updates with the dicts before and after', async () => {
      const { network, subnet } = await aNetworkWithSubnet()
      const before = await plugin.networks.get(admin, network.id)
      seen = []
      const net = await plugin.networks.update(admin, network.id, { admin_state_up: false })
      const sub = await plugin.subnets.update(admin, subnet.id, { dns_nameservers: ['198.18.1.1'] })
      expect(events()).toEqual([
        { type: 'network.update', network: net, original: before },
        { type: 'subnet.update', subnet: sub, original: subnet },
      ])
      expect([before.admin_state_up, net.admin_state_up]).toEqual([true, false])
      expect([subnet.dns_nameservers, sub.dns_nameservers]).toEqual([[], ['198.18.1.1']])
    })

    it('publishes nothing for a subnet delete refused with SubnetInUse', async () => {
      const { network, subnet } = await aNetworkWithSubnet()
      await plugin.ports.create(admin, [portInput(network.id)])
      seen = []
      await expect(plugin.subnets.delete(admin, subnet.id)).rejects.toBeInstanceOf(SubnetInUse)
      expect(seen).toEqual([])
    })

    it('publishes port and subnet deletes with what the payloads need', async () => {
      const { network, subnet } = await aNetworkWithSubnet()
      const [port] = await plugin.ports.create(admin, [portInput(network.id)])
      seen = []
      await plugin.ports.delete(admin, port!.id)
      await plugin.subnets.delete(admin, subnet.id)
      expect(events()).toEqual([
        {
          type: 'port.delete',
          port: { id: port!.id, network_id: network.id, fixed_ips: port!.fixed_ips },
        },
        { type: 'subnet.delete', subnet: { id: subnet.id, network_id: network.id } },
      ])
      expect(seen.every((s) => s.committed)).toBe(true)
    })

    it('publishes the DHCP port delete and the subnet delete before the network delete', async () => {
      const { network, subnet } = await aNetworkWithSubnet()
      const [dhcp] = await plugin.ports.create(admin, [
        portInput(network.id, { device_owner: 'network:dhcp', device_id: 'dhcp-x' }),
      ])
      seen = []
      await plugin.networks.delete(admin, network.id)
      expect(events()).toEqual([
        {
          type: 'port.delete',
          port: { id: dhcp!.id, network_id: network.id, fixed_ips: dhcp!.fixed_ips },
        },
        { type: 'subnet.delete', subnet: { id: subnet.id, network_id: network.id } },
        { type: 'network.delete', network: { id: network.id } },
      ])
      expect(dhcp!.fixed_ips.map((f) => f.ip_address)).toEqual(['198.18.0.2'])
      expect(seen.every((s) => s.committed)).toBe(true)
    })

    describe('with the DHCP agent notifier', () => {
      let caller: RecordingCaller

      beforeEach(() => {
        caller = new RecordingCaller()
        const notifier = new DhcpAgentNotifier({
          caller,
          hostingAgents: () => Promise.resolve([anAgent('host-a')]),
          hasPortsAndSubnets: (networkId) => plugin.networks.hasPortsAndSubnets(networkId),
          options: {
            enableServicesOnAgentsWithAdminStateDown: false,
            dhcpAgentNotification: true,
          },
          log: capturingLogger().log,
        })
        plugin = new CorePlugin(db(), options, notifier)
      })

      const sent = () => caller.casts.map((c) => [c.server ?? 'fanout', c.method, c.args.priority])

      it('casts a port update that changed fixed_ips but not one that changed only the name', async () => {
        const { network, subnet } = await aNetworkWithSubnet()
        const [port] = await plugin.ports.create(admin, [portInput(network.id)])
        caller.casts.length = 0
        await plugin.ports.update(admin, port!.id, { name: 'renamed' })
        expect(caller.casts).toEqual([])
        const fixed = [{ subnet_id: subnet.id, ip_address: '198.18.0.77' }]
        const moved = await plugin.ports.update(admin, port!.id, { fixed_ips: fixed })
        expect(caller.casts.map((c) => [c.server, c.method, c.args])).toEqual([
          ['host-a', 'port_update_end', { port: moved, priority: 6 }],
        ])
      })

      it('casts port_delete_end for the DHCP port, then network_delete_end as a fanout', async () => {
        const { network } = await aNetworkWithSubnet()
        const [dhcp] = await plugin.ports.create(admin, [
          portInput(network.id, { device_owner: 'network:dhcp', device_id: 'dhcp-x' }),
        ])
        caller.casts.length = 0
        await plugin.networks.delete(admin, network.id)
        expect(sent()).toEqual([
          ['host-a', 'port_delete_end', 6],
          ['host-a', 'subnet_delete_end', 4],
          ['fanout', 'network_delete_end', 2],
        ])
        expect(caller.casts[0]?.args).toEqual({
          port_id: dhcp!.id,
          network_id: network.id,
          fixed_ips: dhcp!.fixed_ips,
          priority: 6,
        })
        expect(caller.casts[2]?.fanout).toBe(true)
      })

      it('tells whether a network has ports and subnets', async () => {
        const { network } = await aNetworkWithSubnet()
        expect(await plugin.networks.hasPortsAndSubnets(network.id)).toBe(false)
        await plugin.ports.create(admin, [portInput(network.id)])
        expect(await plugin.networks.hasPortsAndSubnets(network.id)).toBe(true)
      })
    })
  })
}
