import { describe, expect, it } from 'vitest'
import { dhcpAgentDeviceId } from '../../../src/common/dhcp-port.js'
import { testDatabases } from '../../support/databases.js'
import { aNetwork, aPort, aSubnet, bind, call, registerDhcpAgent, useRpcEnv } from './harness.js'

const MISSING = '00000000-0000-0000-0000-000000000000'

for (const engine of testDatabases()) {
  describe(`${engine}: DHCP port methods`, () => {
    const env = useRpcEnv(engine)

    /** A network with one subnet whose pool is 198.18.0.10-20, .10 already taken. */
    async function poolNetwork() {
      const network = await aNetwork(env())
      const subnet = await aSubnet(env(), network.id, {
        allocation_pools: [{ start: '198.18.0.10', end: '198.18.0.20' }],
      })
      await aPort(env(), network.id, { fixed_ips: [{ ip_address: '198.18.0.10' }] })
      return { network, subnet }
    }

    async function portRow(portId: string) {
      return env()
        .handle.db.selectFrom('ports')
        .innerJoin('ml2_port_bindings', 'ml2_port_bindings.port_id', 'ports.id')
        .select(['ports.device_id', 'ports.device_owner', 'ports.status', 'ml2_port_bindings.host'])
        .where('ports.id', '=', portId)
        .executeTakeFirst()
    }

    const portCount = async () =>
      Number(
        (
          await env()
            .handle.db.selectFrom('ports')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )

    it('creates a DHCP port on the lowest free pool address, owned by network:dhcp', async () => {
      const { network, subnet } = await poolNetwork()
      const deviceId = dhcpAgentDeviceId(network.id, 'host1')
      const port = await call(env().dhcp, 'create_dhcp_port', {
        host: 'host1',
        port: {
          port: {
            name: '',
            admin_state_up: true,
            network_id: network.id,
            device_id: deviceId,
            device_owner: 'compute:nova',
            fixed_ips: [{ subnet_id: subnet.id }],
          },
        },
      })
      expect(port).toMatchObject({
        network_id: network.id,
        device_id: deviceId,
        device_owner: 'network:dhcp',
        'binding:host_id': 'host1',
        project_id: network.project_id,
        fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.11' }],
      })
      expect(await portRow(port.id)).toEqual({
        device_id: deviceId,
        device_owner: 'network:dhcp',
        status: 'DOWN',
        host: 'host1',
      })
    })

    it('answers null to create_dhcp_port on a missing network or subnet', async () => {
      const { network } = await poolNetwork()
      const before = await portCount()
      const onMissingNetwork = await call(env().dhcp, 'create_dhcp_port', {
        host: 'host1',
        port: { port: { network_id: MISSING, fixed_ips: [] } },
      })
      const onMissingSubnet = await call(env().dhcp, 'create_dhcp_port', {
        host: 'host1',
        port: { port: { network_id: network.id, fixed_ips: [{ subnet_id: MISSING }] } },
      })
      expect([onMissingNetwork, onMissingSubnet]).toEqual([null, null])
      expect(await portCount()).toBe(before)
    })

    it('raises IpAddressGenerationFailure when the pool is full', async () => {
      const network = await aNetwork(env())
      const subnet = await aSubnet(env(), network.id, {
        allocation_pools: [{ start: '198.18.0.10', end: '198.18.0.10' }],
      })
      await aPort(env(), network.id)
      const attempt = call(env().dhcp, 'create_dhcp_port', {
        host: 'host1',
        port: { port: { network_id: network.id, fixed_ips: [{ subnet_id: subnet.id }] } },
      })
      await expect(attempt).rejects.toMatchObject({
        type: 'IpAddressGenerationFailure',
        status: 409,
      })
    })

    it('lets the hosting agent adopt a reserved_dhcp_port and keep its address', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1.example.org')
      const { network } = await poolNetwork()
      const reserved = await aPort(env(), network.id, {
        device_id: 'reserved_dhcp_port',
        device_owner: 'network:dhcp',
        'binding:host_id': 'old-host',
      })
      await bind(env(), network.id, agentId)
      const deviceId = dhcpAgentDeviceId(network.id, 'host1.example.org')
      const adopted = await call(env().dhcp, 'update_dhcp_port', {
        port_id: reserved.id,
        port: { port: { network_id: network.id, device_id: deviceId } },
        host: 'host1.example.org',
      })
      expect(adopted).toMatchObject({
        id: reserved.id,
        device_id: deviceId,
        'binding:host_id': 'host1.example.org',
        fixed_ips: reserved.fixed_ips,
        revision_number: reserved.revision_number + 1,
      })
      expect(await portRow(reserved.id)).toMatchObject({
        device_id: deviceId,
        host: 'host1.example.org',
      })
    })

    it('updates the fixed IPs of the agent’s own DHCP port', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1')
      const { network, subnet } = await poolNetwork()
      const second = await aSubnet(env(), network.id, { cidr: '198.19.0.0/24' })
      const own = await aPort(env(), network.id, {
        device_id: dhcpAgentDeviceId(network.id, 'host1'),
        device_owner: 'network:dhcp',
        fixed_ips: [{ subnet_id: subnet.id }],
      })
      await bind(env(), network.id, agentId)
      const updated = await call(env().dhcp, 'update_dhcp_port', {
        port_id: own.id,
        port: {
          port: { network_id: network.id, fixed_ips: [...own.fixed_ips, { subnet_id: second.id }] },
        },
        host: 'host1',
      })
      expect(updated.fixed_ips).toEqual([
        ...own.fixed_ips,
        { subnet_id: second.id, ip_address: '198.19.0.2' },
      ])
    })

    it('answers null to update_dhcp_port on another device’s port or a gone port', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1')
      const { network } = await poolNetwork()
      const foreign = dhcpAgentDeviceId(network.id, 'host2')
      const theirs = await aPort(env(), network.id, {
        device_id: foreign,
        device_owner: 'network:dhcp',
      })
      await bind(env(), network.id, agentId)
      const update = (portId: string) =>
        call(env().dhcp, 'update_dhcp_port', {
          port_id: portId,
          port: {
            port: { network_id: network.id, device_id: dhcpAgentDeviceId(network.id, 'host1') },
          },
          host: 'host1',
        })
      expect(await update(theirs.id)).toBeNull()
      expect(await update(MISSING)).toBeNull()
      expect(await portRow(theirs.id)).toMatchObject({ device_id: foreign, host: '' })
    })

    it('raises NetworkNotFound when the host’s agent does not host the network', async () => {
      const agentId = await registerDhcpAgent(env(), 'host1')
      await registerDhcpAgent(env(), 'host2')
      const { network } = await poolNetwork()
      const reserved = await aPort(env(), network.id, {
        device_id: 'reserved_dhcp_port',
        device_owner: 'network:dhcp',
      })
      await bind(env(), network.id, agentId)
      const attempt = call(env().dhcp, 'update_dhcp_port', {
        port_id: reserved.id,
        port: {
          port: { network_id: network.id, device_id: dhcpAgentDeviceId(network.id, 'host2') },
        },
        host: 'host2',
      })
      await expect(attempt).rejects.toMatchObject({
        type: 'NetworkNotFound',
        networkId: network.id,
      })
      expect(await portRow(reserved.id)).toMatchObject({ device_id: 'reserved_dhcp_port' })
    })

    it('releases every port of the device on that network, and nothing else', async () => {
      const { network } = await poolNetwork()
      const other = await aNetwork(env())
      await aSubnet(env(), other.id)
      const deviceId = dhcpAgentDeviceId(network.id, 'host1')
      const doomed = [
        await aPort(env(), network.id, { device_id: deviceId, device_owner: 'network:dhcp' }),
        await aPort(env(), network.id, { device_id: deviceId, device_owner: 'network:dhcp' }),
      ]
      const kept = [
        await aPort(env(), other.id, { device_id: deviceId, device_owner: 'network:dhcp' }),
        await aPort(env(), network.id, {
          device_id: 'reserved_dhcp_port',
          device_owner: 'network:dhcp',
        }),
      ]
      const result = await call(env().dhcp, 'release_dhcp_port', {
        network_id: network.id,
        device_id: deviceId,
        host: 'host1',
      })
      expect(result).toBeNull()
      for (const port of doomed) expect(await portRow(port.id)).toBeUndefined()
      for (const port of kept) expect(await portRow(port.id)).toBeDefined()
      const allocations = await env()
        .handle.db.selectFrom('ipallocations')
        .select('ip_address')
        .where(
          'port_id',
          'in',
          doomed.map((p) => p.id),
        )
        .execute()
      expect(allocations).toEqual([])
    })

    it('gets a DHCP port by id, and raises PortNotFound for a gone one', async () => {
      const { network } = await poolNetwork()
      const port = await aPort(env(), network.id, { device_owner: 'network:dhcp' })
      expect(await call(env().dhcp, 'get_dhcp_port', { port_id: port.id })).toEqual(port)
      await expect(call(env().dhcp, 'get_dhcp_port', { port_id: MISSING })).rejects.toMatchObject({
        type: 'PortNotFound',
      })
    })
  })
}
