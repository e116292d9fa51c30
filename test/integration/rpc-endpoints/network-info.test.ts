import { describe, expect, it } from 'vitest'
import { adminContext } from '../../../src/common/context.js'
import { bindNetwork } from '../../../src/db/tables/dhcp-agent-bindings.js'
import { testDatabases, useTestDatabase } from '../../support/databases.js'
import {
  aNetwork,
  aPort,
  aSubnet,
  bind,
  buildEnv,
  call,
  QueryCounter,
  registerDhcpAgent,
  somePorts,
  useRpcEnv,
} from './harness.js'

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

for (const engine of testDatabases()) {
  describe(`${engine}: get_active_networks_info`, () => {
    const env = useRpcEnv(engine)

    it('returns exactly the admin-up networks bound to the host’s agent, with contents', async () => {
      const host1 = await registerDhcpAgent(env(), 'host1')
      const host2 = await registerDhcpAgent(env(), 'host2')
      const mine = await aNetwork(env(), { name: 'mine', mtu: 1450 })
      const theirs = await aNetwork(env(), { name: 'theirs' })
      const down = await aNetwork(env(), { name: 'down', admin_state_up: false })
      await aNetwork(env(), { name: 'unbound' })
      await bind(env(), mine.id, host1)
      await bind(env(), down.id, host1)
      await bind(env(), theirs.id, host2)
      const subnet = await aSubnet(env(), mine.id, { dns_nameservers: ['198.18.0.53'] })
      const port = await aPort(env(), mine.id, {
        device_owner: 'compute:nova',
        'binding:host_id': 'compute1',
        extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxe.0', ip_version: 4 }],
      })
      await aPort(env(), theirs.id)

      const networks = await call(env().dhcp, 'get_active_networks_info', {
        host: 'host1',
        enable_dhcp_filter: false,
      })
      expect(networks.map((n: any) => n.name)).toEqual(['mine'])
      const [info] = networks
      expect(info).toMatchObject({
        id: mine.id,
        project_id: mine.project_id,
        tenant_id: mine.project_id,
        admin_state_up: true,
        mtu: 1450,
        non_local_subnets: [],
      })
      expect(info.subnets).toEqual([await env().plugin.subnets.get(adminContext(), subnet.id)])
      expect(info.subnets[0].dns_nameservers).toEqual(['198.18.0.53'])
      expect(info.ports).toEqual([await env().plugin.ports.get(adminContext(), port.id)])
      expect(info.ports[0]).toMatchObject({
        device_owner: 'compute:nova',
        'binding:host_id': 'compute1',
        revision_number: port.revision_number,
        extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxe.0', ip_version: 4 }],
        fixed_ips: port.fixed_ips,
      })
    })

    it('filters DHCP-disabled subnets only when enable_dhcp_filter is true, sorted by id', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1')
      const network = await aNetwork(env())
      await bind(env(), network.id, agentId)
      const subnets = [
        await aSubnet(env(), network.id, { cidr: '198.18.1.0/24' }),
        await aSubnet(env(), network.id, { cidr: '198.18.2.0/24', enable_dhcp: false }),
        await aSubnet(env(), network.id, { cidr: '198.18.3.0/24' }),
      ]
      const all = await call(env().dhcp, 'get_active_networks_info', {
        host: 'host1',
        enable_dhcp_filter: false,
      })
      expect(all[0].subnets.map((s: any) => s.id)).toEqual(subnets.map((s) => s.id).sort())
      const dhcpOnly = await call(env().dhcp, 'get_active_networks_info', {
        host: 'host1',
        enable_dhcp_filter: true,
      })
      expect(dhcpOnly[0].subnets.map((s: any) => s.cidr).sort()).toEqual([
        '198.18.1.0/24',
        '198.18.3.0/24',
      ])
      expect(dhcpOnly[0].subnets).toEqual([...dhcpOnly[0].subnets].sort(byId))
    })

    it('answers an empty list to a host without a DHCP agent', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1')
      const network = await aNetwork(env())
      await bind(env(), network.id, agentId)
      expect(await call(env().dhcp, 'get_active_networks_info', { host: 'nowhere' })).toEqual([])
    })

    it('answers an empty list to an admin-down agent', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1')
      await bind(env(), (await aNetwork(env())).id, agentId)
      await env().handle.db.updateTable('agents').set({ admin_state_up: 0 }).execute()
      expect(await call(env().dhcp, 'get_active_networks_info', { host: 'host1' })).toEqual([])
    })
  })

  describe(`${engine}: get_active_networks_info with options and seams`, () => {
    const db = useTestDatabase(engine)

    it('serves an admin-down agent when enable_services_on_agents_with_admin_state_down', async () => {
      const env = buildEnv(db(), { settings: { enableServicesOnAgentsWithAdminStateDown: true } })
      const agentId = await registerDhcpAgent(env, 'host1')
      const network = await aNetwork(env)
      await bind(env, network.id, agentId)
      await db().db.updateTable('agents').set({ admin_state_up: 0 }).execute()
      const networks = await call(env.dhcp, 'get_active_networks_info', { host: 'host1' })
      expect(networks.map((n: any) => n.id)).toEqual([network.id])
    })

    it('lets the auto-schedule seam bind networks before it reads them', async () => {
      const hosts: string[] = []
      let networkId = ''
      const env = buildEnv(db(), {
        autoSchedule: async (host) => {
          hosts.push(host)
          const agent = await db().db.selectFrom('agents').select('id').executeTakeFirstOrThrow()
          await bindNetwork(db().db, {
            network_id: networkId,
            dhcp_agent_id: agent.id,
            binding_index: 1,
          })
        },
      })
      await registerDhcpAgent(env, 'host1')
      networkId = (await aNetwork(env)).id
      const networks = await call(env.dhcp, 'get_active_networks_info', { host: 'host1' })
      expect(hosts).toEqual(['host1'])
      expect(networks.map((n: any) => n.id)).toEqual([networkId])
    })

    it('reads as many queries for 12 networks of 8 ports as for one network of 2', async () => {
      const counter = new QueryCounter()
      const handle = db()
      const env = buildEnv({ ...handle, db: handle.db.withPlugin(counter) })
      const agentId = await registerDhcpAgent(env, 'host1')
      const addNetwork = async (i: number, ports: number) => {
        const network = await aNetwork(env, { name: `n${i}` })
        await aSubnet(env, network.id, { cidr: `198.18.${i}.0/24` })
        await somePorts(
          env,
          network.id,
          Array.from({ length: ports }, () => ({})),
        )
        await bind(env, network.id, agentId)
      }
      const measure = async () => {
        counter.count = 0
        const networks = await call(env.dhcp, 'get_active_networks_info', { host: 'host1' })
        return {
          queries: counter.count,
          networks: networks.length,
          ports: networks.flatMap((n: any) => n.ports).length,
        }
      }
      await addNetwork(0, 2)
      const small = await measure()
      for (let i = 1; i < 12; i++) await addNetwork(i, 8)
      const large = await measure()
      expect(small).toMatchObject({ networks: 1, ports: 2 })
      expect(large).toMatchObject({ networks: 12, ports: 90 })
      expect(large.queries).toBe(small.queries)
      expect(small.queries).toBeLessThanOrEqual(15)
    })
  })

  describe(`${engine}: get_network_info and get_networks`, () => {
    const env = useRpcEnv(engine)

    it('gives DHCP-enabled subnets and every port, whether bound or not', async () => {
      const network = await aNetwork(env(), { admin_state_up: false })
      const dhcp = await aSubnet(env(), network.id, { cidr: '198.18.1.0/24' })
      await aSubnet(env(), network.id, { cidr: '198.18.2.0/24', enable_dhcp: false })
      const ports = await somePorts(env(), network.id, [{}, { device_owner: 'network:dhcp' }])
      const info = await call(env().dhcp, 'get_network_info', {
        network_id: network.id,
        host: 'host1',
      })
      expect(Object.keys(info).sort()).toEqual([
        'admin_state_up',
        'id',
        'mtu',
        'non_local_subnets',
        'ports',
        'project_id',
        'subnets',
        'tenant_id',
      ])
      expect(info).toMatchObject({
        id: network.id,
        admin_state_up: false,
        mtu: 1500,
        project_id: network.project_id,
      })
      expect(info.subnets.map((s: any) => s.id)).toEqual([dhcp.id])
      expect(info.ports.map((p: any) => p.id).sort()).toEqual(ports.map((p) => p.id).sort())
    })

    it('answers null for a network that is gone', async () => {
      const info = await call(env().dhcp, 'get_network_info', {
        network_id: '00000000-0000-0000-0000-000000000000',
        host: 'host1',
      })
      expect(info).toBeNull()
    })

    it('lists networks by filters and keeps only the asked fields', async () => {
      const wanted = await aNetwork(env(), { name: 'wanted' })
      await aNetwork(env(), { name: 'other' })
      await aNetwork(env(), { name: 'down', admin_state_up: false })
      const networks = await call(env().dhcp, 'get_networks', {
        filters: { name: ['wanted', 'down'], admin_state_up: [true] },
        fields: ['id', 'name'],
      })
      expect(networks).toEqual([{ id: wanted.id, name: 'wanted' }])
    })
  })
}
