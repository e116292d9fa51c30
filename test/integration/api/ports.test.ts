import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { testDatabases } from '../../support/databases.js'
import {
  ISO_UTC,
  UUID,
  aNetwork,
  aNetworkWithSubnet,
  aPort,
  aSubnet,
  addressesOf,
  anIpv6Subnet,
  expectError,
  expectStatus,
  getOk,
  useTestApi,
} from './fixtures.js'

for (const engine of testDatabases()) {
  describe(`${engine}: ports and IPAM API`, () => {
    const api = useTestApi(engine)

    async function postPort(fields: Record<string, unknown>) {
      return api().request('POST', '/v2.0/ports', { port: fields })
    }

    async function putPort(portId: string, fields: Record<string, unknown>) {
      return api().request('PUT', `/v2.0/ports/${portId}`, { port: fields })
    }

    describe('create', () => {
      it('creates a port with Neutron defaults and an address from the pool', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const response = await postPort({ network_id: network.id })
        expectStatus(response, 201)
        const port = response.body.port
        expect(port).toMatchObject({
          network_id: network.id,
          name: '',
          admin_state_up: true,
          device_id: '',
          device_owner: '',
          status: 'DOWN',
          extra_dhcp_opts: [],
          'binding:host_id': '',
          revision_number: 0,
        })
        expect(port.id).toMatch(UUID)
        expect(port.project_id).toBe(port.tenant_id)
        expect(port.created_at).toMatch(ISO_UTC)
        expect(port.fixed_ips).toHaveLength(1)
        expect(port.fixed_ips[0].subnet_id).toBe(subnet.id)
        const last = Number(port.fixed_ips[0].ip_address.split('.')[3])
        expect(port.fixed_ips[0].ip_address).toMatch(/^198\.18\.0\.\d+$/)
        expect(last).toBeGreaterThanOrEqual(2)
        expect(last).toBeLessThanOrEqual(254)
      })

      it('gives distinct addresses to ports on the same subnet', async () => {
        const { network } = await aNetworkWithSubnet(api(), { cidr: '198.18.0.0/28' })
        const ports = await Promise.all([1, 2, 3, 4, 5, 6].map(() => aPort(api(), network.id)))
        const addresses = ports.flatMap(addressesOf)
        expect(new Set(addresses).size).toBe(6)
      })

      it('hands out every address of a small pool exactly once to concurrent requests', async () => {
        const { network } = await aNetworkWithSubnet(api(), { cidr: '198.18.0.0/28' })
        const responses = await Promise.all(
          Array.from({ length: 13 }, () => postPort({ network_id: network.id })),
        )
        for (const response of responses) expectStatus(response, 201)
        const addresses = responses.flatMap((r) => addressesOf(r.body.port))
        const expected = Array.from({ length: 13 }, (_, n) => `198.18.0.${n + 2}`)
        expect([...addresses].sort()).toEqual([...expected].sort())
        expectError(await postPort({ network_id: network.id }), 409, 'IpAddressGenerationFailure')
      })

      it('shows the two default pools around a middle gateway in address order', async () => {
        const network = await aNetwork(api())
        for (let i = 0; i < 3; i++) {
          const subnet = await aSubnet(api(), network.id, {
            cidr: `198.18.${i}.0/24`,
            gateway_ip: `198.18.${i}.100`,
          })
          const shown = (await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet
          expect(shown.allocation_pools).toEqual([
            { start: `198.18.${i}.1`, end: `198.18.${i}.99` },
            { start: `198.18.${i}.101`, end: `198.18.${i}.254` },
          ])
        }
      })

      it('gives a DHCP port the lowest free address of the pool', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const dhcp = await aPort(api(), network.id, { device_owner: 'network:dhcp' })
        expect(addressesOf(dhcp)).toEqual(['198.18.0.2'])
      })

      it('gives a DHCP port the next address when the lowest one is taken', async () => {
        const { network } = await aNetworkWithSubnet(api())
        await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.2' }] })
        const dhcp = await aPort(api(), network.id, { device_owner: 'network:dhcp' })
        expect(addressesOf(dhcp)).toEqual(['198.18.0.3'])
      })

      it('allocates from the named subnet when fixed_ips gives only subnet_id', async () => {
        const network = await aNetwork(api())
        await aSubnet(api(), network.id, { cidr: '198.18.0.0/24' })
        const second = await aSubnet(api(), network.id, { cidr: '198.18.1.0/24' })
        const port = await aPort(api(), network.id, { fixed_ips: [{ subnet_id: second.id }] })
        expect(port.fixed_ips).toHaveLength(1)
        expect(port.fixed_ips[0].subnet_id).toBe(second.id)
        expect(port.fixed_ips[0].ip_address).toMatch(/^198\.18\.1\.\d+$/)
      })

      it('infers the subnet when fixed_ips gives only ip_address', async () => {
        const network = await aNetwork(api())
        await aSubnet(api(), network.id, { cidr: '198.18.0.0/24' })
        const second = await aSubnet(api(), network.id, { cidr: '198.18.1.0/24' })
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.1.77' }] })
        expect(port.fixed_ips).toEqual([{ subnet_id: second.id, ip_address: '198.18.1.77' }])
      })

      it('takes a fixed IP given by subnet_id and ip_address', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.42' }],
        })
        expect(port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '198.18.0.42' }])
      })

      it('accepts a fixed IP outside the allocation pools but inside the CIDR', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api(), {
          allocation_pools: [{ start: '198.18.0.100', end: '198.18.0.110' }],
        })
        const port = await aPort(api(), network.id, {
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.5' }],
        })
        expect(addressesOf(port)).toEqual(['198.18.0.5'])
      })

      it('canonicalises an IPv6 fixed IP and sees it taken in any spelling', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, {
          ipv6_address_mode: 'dhcpv6-stateful',
        })
        const port = await aPort(api(), network.id, {
          fixed_ips: [{ ip_address: 'FD00:1:0:0:0:0:0:0005' }],
        })
        expect(port.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: 'fd00:1::5' }])
        expectError(
          await postPort({ network_id: network.id, fixed_ips: [{ ip_address: 'fd00:1::0:5' }] }),
          409,
          'IpAddressAlreadyAllocated',
          `IP address fd00:1::5 already allocated in subnet ${subnet.id}`,
        )
      })

      it('gives a DHCP port the lowest address of a stateful IPv6 subnet', async () => {
        const network = await aNetwork(api())
        await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'dhcpv6-stateful' })
        const dhcp = await aPort(api(), network.id, { device_owner: 'network:dhcp' })
        expect(addressesOf(dhcp)).toEqual(['fd00:1::1'])
      })

      it('answers 400 InvalidIpForSubnet for an address outside the named subnet', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const response = await postPort({
          network_id: network.id,
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.5.5' }],
        })
        expectError(
          response,
          400,
          'InvalidIpForSubnet',
          'IP address 198.18.5.5 is not a valid IP for the specified subnet.',
        )
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 400 InvalidIpForSubnet for the broadcast address of an IPv4 subnet', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const response = await postPort({
          network_id: network.id,
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.255' }],
        })
        expectError(response, 400, 'InvalidIpForSubnet')
      })

      it('answers 400 InvalidIpForNetwork for an address in none of the subnets', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await postPort({
          network_id: network.id,
          fixed_ips: [{ ip_address: '198.19.7.7' }],
        })
        expectError(
          response,
          400,
          'InvalidIpForNetwork',
          'IP address 198.19.7.7 is not a valid IP for any of the subnets on the specified network.',
        )
      })

      it('answers 409 IpAddressAlreadyAllocated for a taken address', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const first = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.9' }] })
        const response = await postPort({
          network_id: network.id,
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.9' }],
        })
        expectError(
          response,
          409,
          'IpAddressAlreadyAllocated',
          `IP address 198.18.0.9 already allocated in subnet ${subnet.id}`,
        )
        const ports = (await getOk(api(), '/v2.0/ports')).ports
        expect(ports.map((p: { id: string }) => p.id)).toEqual([first.id])
      })

      it('answers 409 IpAddressGenerationFailure when a /29 pool is used up', async () => {
        const { network } = await aNetworkWithSubnet(api(), { cidr: '198.18.0.0/29' })
        const taken: string[] = []
        for (let i = 0; i < 5; i++) taken.push(...addressesOf(await aPort(api(), network.id)))
        expect(taken.sort()).toEqual([
          '198.18.0.2',
          '198.18.0.3',
          '198.18.0.4',
          '198.18.0.5',
          '198.18.0.6',
        ])
        expectError(
          await postPort({ network_id: network.id }),
          409,
          'IpAddressGenerationFailure',
          `No more IP addresses available on network ${network.id}.`,
        )
        expect((await getOk(api(), '/v2.0/ports')).ports).toHaveLength(5)
      })

      it('creates a port without addresses for fixed_ips []', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { fixed_ips: [] })
        expect(port.fixed_ips).toEqual([])
        expect((await getOk(api(), `/v2.0/ports/${port.id}`)).port.fixed_ips).toEqual([])
      })

      it('creates a port without addresses on a network without subnets', async () => {
        const network = await aNetwork(api())
        const port = await aPort(api(), network.id)
        expect(port.fixed_ips).toEqual([])
      })

      it('answers 404 NetworkNotFound for a port on an unknown network', async () => {
        const id = randomUUID()
        expectError(
          await postPort({ network_id: id }),
          404,
          'NetworkNotFound',
          `Network ${id} could not be found.`,
        )
      })

      it('answers 400 for a fixed IP on a subnet of another network', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const other = await aNetworkWithSubnet(api(), { cidr: '198.18.7.0/24' })
        const response = await postPort({
          network_id: network.id,
          fixed_ips: [{ subnet_id: other.subnet.id }],
        })
        expectError(response, 400, 'InvalidInput')
      })

      it('gives a port one IPv4 address and one stateful IPv6 address on a dual-stack network', async () => {
        const network = await aNetwork(api())
        const v4 = await aSubnet(api(), network.id)
        const v6 = await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'dhcpv6-stateful' })
        const port = await aPort(api(), network.id)
        expect(port.fixed_ips.map((f: { subnet_id: string }) => f.subnet_id).sort()).toEqual(
          [v4.id, v6.id].sort(),
        )
        const v6Address = port.fixed_ips.find((f: { subnet_id: string }) => f.subnet_id === v6.id)
        expect(v6Address.ip_address).toMatch(/^fd00:1::/)
      })
      it('allocates from a stateful IPv6 subnet of any prefix length', async () => {
        const network = await aNetwork(api())
        const subnets = []
        for (const cidr of ['fd00:1::/120', 'fd00:2::/78', 'fd00:3::/64']) {
          subnets.push(
            await anIpv6Subnet(api(), network.id, { cidr, ipv6_address_mode: 'dhcpv6-stateful' }),
          )
        }
        for (const subnet of subnets) {
          const port = await aPort(api(), network.id, { fixed_ips: [{ subnet_id: subnet.id }] })
          expect(port.fixed_ips).toHaveLength(1)
          expect(port.fixed_ips[0].subnet_id).toBe(subnet.id)
          expect(port.fixed_ips[0].ip_address.startsWith(subnet.cidr.split('::')[0] + ':')).toBe(
            true,
          )
        }
      })
    })

    describe('MAC addresses', () => {
      it('generates a MAC with the fa:16:3e prefix', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id)
        expect(port.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/)
      })

      it('normalises an explicit MAC to lower case', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { mac_address: 'FA:16:3E:AB:CD:EF' })
        expect(port.mac_address).toBe('fa:16:3e:ab:cd:ef')
      })

      it('answers 409 MacAddressInUse for a MAC already used on the network', async () => {
        const { network } = await aNetworkWithSubnet(api())
        await aPort(api(), network.id, { mac_address: 'fa:16:3e:00:00:01' })
        const response = await postPort({
          network_id: network.id,
          mac_address: 'FA:16:3E:00:00:01',
        })
        expectError(
          response,
          409,
          'MacAddressInUse',
          `Unable to complete operation for network ${network.id}. The mac address fa:16:3e:00:00:01 is in use.`,
        )
        expect((await getOk(api(), '/v2.0/ports')).ports).toHaveLength(1)
      })

      it('accepts the same MAC on another network', async () => {
        const a = await aNetworkWithSubnet(api())
        const b = await aNetworkWithSubnet(api(), { cidr: '198.18.1.0/24' })
        await aPort(api(), a.network.id, { mac_address: 'fa:16:3e:00:00:02' })
        const port = await aPort(api(), b.network.id, { mac_address: 'fa:16:3e:00:00:02' })
        expect(port.mac_address).toBe('fa:16:3e:00:00:02')
      })

      it('normalises a MAC written with dashes', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { mac_address: 'FA-16-3E-01-02-0A' })
        expect(port.mac_address).toBe('fa:16:3e:01:02:0a')
      })

      it('answers 400 for a MAC that is not one', async () => {
        const { network } = await aNetworkWithSubnet(api())
        expectError(
          await postPort({ network_id: network.id, mac_address: 'fa:16:3e:zz:00:01' }),
          400,
          'HTTPBadRequest',
          /mac_address/,
        )
      })
    })

    describe('SLAAC', () => {
      it('gives a port on a SLAAC subnet the EUI-64 address of its MAC', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, {
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'slaac',
        })
        const port = await aPort(api(), network.id, { mac_address: 'fa:16:3e:12:34:56' })
        expect(port.fixed_ips).toEqual([
          { subnet_id: subnet.id, ip_address: 'fd00:1::f816:3eff:fe12:3456' },
        ])
      })

      it('gives the EUI-64 address when fixed_ips names the SLAAC subnet', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'slaac' })
        const port = await aPort(api(), network.id, {
          mac_address: 'fa:16:3e:aa:bb:cc',
          fixed_ips: [{ subnet_id: subnet.id }],
        })
        expect(addressesOf(port)).toEqual(['fd00:1::f816:3eff:feaa:bbcc'])
      })

      it('adds the EUI-64 address next to an IPv4 address on a dual-stack network', async () => {
        const network = await aNetwork(api())
        const v4 = await aSubnet(api(), network.id)
        const v6 = await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'dhcpv6-stateless' })
        const port = await aPort(api(), network.id, { mac_address: 'fa:16:3e:01:02:03' })
        expect(port.fixed_ips).toHaveLength(2)
        expect(port.fixed_ips).toContainEqual({
          subnet_id: v6.id,
          ip_address: 'fd00:1::f816:3eff:fe01:203',
        })
        expect(port.fixed_ips.some((f: { subnet_id: string }) => f.subnet_id === v4.id)).toBe(true)
      })

      it('answers 400 AllocationOnAutoAddressSubnet for an explicit address on a SLAAC subnet', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, {
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'slaac',
        })
        const response = await postPort({
          network_id: network.id,
          fixed_ips: [{ subnet_id: subnet.id, ip_address: 'fd00:1::5' }],
        })
        expectError(
          response,
          400,
          'AllocationOnAutoAddressSubnet',
          `IPv6 address fd00:1::5 cannot be directly assigned to a port on subnet ${subnet.id} as the subnet is configured for automatic addresses`,
        )
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })
    })

    describe('update and delete', () => {
      it('replaces fixed_ips and releases the old address for another port', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.10' }] })
        const response = await putPort(port.id, {
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.11' }],
        })
        expectStatus(response, 200)
        expect(response.body.port.fixed_ips).toEqual([
          { subnet_id: subnet.id, ip_address: '198.18.0.11' },
        ])
        expect(response.body.port.revision_number).toBe(port.revision_number + 1)
        const other = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.10' }] })
        expect(addressesOf(other)).toEqual(['198.18.0.10'])
      })

      it('keeps an address named again in the new fixed_ips and adds the new one', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.10' }] })
        const response = await putPort(port.id, {
          fixed_ips: [
            { ip_address: '198.18.0.10' },
            { subnet_id: subnet.id, ip_address: '198.18.0.12' },
          ],
        })
        expectStatus(response, 200)
        expect(addressesOf(response.body.port).sort()).toEqual(['198.18.0.10', '198.18.0.12'])
      })

      it('keeps the address on a subnet that the new fixed_ips name by subnet_id only', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.10' }] })
        const response = await putPort(port.id, { fixed_ips: [{ subnet_id: subnet.id }] })
        expectStatus(response, 200)
        expect(response.body.port.fixed_ips).toEqual([
          { subnet_id: subnet.id, ip_address: '198.18.0.10' },
        ])
      })

      it('keeps the EUI-64 address when fixed_ips name the SLAAC subnet again', async () => {
        const network = await aNetwork(api())
        const v4 = await aSubnet(api(), network.id)
        const v6 = await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'slaac' })
        const port = await aPort(api(), network.id, {
          mac_address: 'fa:16:3e:00:00:21',
          fixed_ips: [{ ip_address: '198.18.0.21' }],
        })
        expect(addressesOf(port).sort()).toEqual(['198.18.0.21', 'fd00:1::f816:3eff:fe00:21'])
        const response = await putPort(port.id, {
          fixed_ips: [{ subnet_id: v4.id, ip_address: '198.18.0.22' }, { subnet_id: v6.id }],
        })
        expectStatus(response, 200)
        expect(addressesOf(response.body.port).sort()).toEqual([
          '198.18.0.22',
          'fd00:1::f816:3eff:fe00:21',
        ])
      })

      it('keeps the EUI-64 address when fixed_ips replace only the IPv4 address', async () => {
        const network = await aNetwork(api())
        await aSubnet(api(), network.id)
        await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'slaac' })
        const port = await aPort(api(), network.id, {
          mac_address: 'fa:16:3e:00:00:22',
          fixed_ips: [{ ip_address: '198.18.0.21' }],
        })
        const response = await putPort(port.id, { fixed_ips: [{ ip_address: '198.18.0.23' }] })
        expectStatus(response, 200)
        expect(addressesOf(response.body.port).sort()).toEqual([
          '198.18.0.23',
          'fd00:1::f816:3eff:fe00:22',
        ])
      })

      it('answers 409 and keeps the old address when the new one is taken', async () => {
        const { network } = await aNetworkWithSubnet(api())
        await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.20' }] })
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.21' }] })
        expectError(
          await putPort(port.id, { fixed_ips: [{ ip_address: '198.18.0.20' }] }),
          409,
          'IpAddressAlreadyAllocated',
        )
        expect(addressesOf((await getOk(api(), `/v2.0/ports/${port.id}`)).port)).toEqual([
          '198.18.0.21',
        ])
      })

      it('removes all addresses with fixed_ips []', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id)
        const response = await putPort(port.id, { fixed_ips: [] })
        expectStatus(response, 200)
        expect(response.body.port.fixed_ips).toEqual([])
      })

      it('updates name, admin_state_up, device_id and device_owner', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id)
        const response = await putPort(port.id, {
          name: 'vm-port',
          admin_state_up: false,
          device_id: 'vm-1',
          device_owner: 'compute:nova',
        })
        expectStatus(response, 200)
        expect(response.body.port).toMatchObject({
          name: 'vm-port',
          admin_state_up: false,
          device_id: 'vm-1',
          device_owner: 'compute:nova',
          fixed_ips: port.fixed_ips,
          mac_address: port.mac_address,
        })
      })

      it('sets binding:host_id as admin', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { 'binding:host_id': 'host-a' })
        expect(port['binding:host_id']).toBe('host-a')
        const response = await putPort(port.id, { 'binding:host_id': 'host-b' })
        expect(response.body.port['binding:host_id']).toBe('host-b')
      })

      it('answers 409 MacAddressInUse when changing the MAC to one in use', async () => {
        const { network } = await aNetworkWithSubnet(api())
        await aPort(api(), network.id, { mac_address: 'fa:16:3e:00:00:0a' })
        const port = await aPort(api(), network.id, { mac_address: 'fa:16:3e:00:00:0b' })
        expectError(
          await putPort(port.id, { mac_address: 'fa:16:3e:00:00:0a' }),
          409,
          'MacAddressInUse',
        )
        expect((await getOk(api(), `/v2.0/ports/${port.id}`)).port.mac_address).toBe(
          'fa:16:3e:00:00:0b',
        )
      })

      it('deletes a port with 204 and frees its address', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.30' }] })
        const response = await api().request('DELETE', `/v2.0/ports/${port.id}`)
        expect(response.status).toBe(204)
        expect(response.body).toBeNull()
        expectError(
          await api().request('GET', `/v2.0/ports/${port.id}`),
          404,
          'PortNotFound',
          `Port ${port.id} could not be found.`,
        )
        const again = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.30' }] })
        expect(addressesOf(again)).toEqual(['198.18.0.30'])
      })

      it('answers 404 PortNotFound for an unknown port on show, update and delete', async () => {
        const id = randomUUID()
        const message = `Port ${id} could not be found.`
        expectError(await api().request('GET', `/v2.0/ports/${id}`), 404, 'PortNotFound', message)
        expectError(await putPort(id, { name: 'x' }), 404, 'PortNotFound', message)
        expectError(
          await api().request('DELETE', `/v2.0/ports/${id}`),
          404,
          'PortNotFound',
          message,
        )
      })
    })

    describe('extra_dhcp_opts', () => {
      it('stores options with ip_version 4 by default', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [
            { opt_name: 'bootfile-name', opt_value: 'pxelinux.0' },
            { opt_name: 'tftp-server', opt_value: '198.18.0.3' },
          ],
        })
        expect(port.extra_dhcp_opts).toHaveLength(2)
        expect(port.extra_dhcp_opts).toEqual(
          expect.arrayContaining([
            { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
            { opt_name: 'tftp-server', opt_value: '198.18.0.3', ip_version: 4 },
          ]),
        )
        const shown = (await getOk(api(), `/v2.0/ports/${port.id}`)).port
        expect(shown.extra_dhcp_opts).toEqual(expect.arrayContaining(port.extra_dhcp_opts))
      })

      it('accepts ip_version as the string "6"', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [{ opt_name: 'dns-server', opt_value: '[fd00::53]', ip_version: '6' }],
        })
        expect(port.extra_dhcp_opts).toEqual([
          { opt_name: 'dns-server', opt_value: '[fd00::53]', ip_version: 6 },
        ])
      })

      it('keeps options of the same name for IPv4 and IPv6 apart', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [
            { opt_name: 'dns-server', opt_value: '198.18.0.53', ip_version: 4 },
            { opt_name: 'dns-server', opt_value: '[fd00::53]', ip_version: 6 },
          ],
        })
        expect(port.extra_dhcp_opts).toHaveLength(2)
      })

      it('merges options on update: null deletes, new ones are added, others kept', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [
            { opt_name: 'bootfile-name', opt_value: 'pxelinux.0' },
            { opt_name: 'tftp-server', opt_value: '198.18.0.3' },
            { opt_name: 'server-ip-address', opt_value: '198.18.0.2' },
          ],
        })
        const response = await putPort(port.id, {
          extra_dhcp_opts: [
            { opt_name: 'bootfile-name', opt_value: null },
            { opt_name: 'tftp-server', opt_value: '198.18.0.4' },
            { opt_name: 'domain-search', opt_value: 'example.org' },
          ],
        })
        expectStatus(response, 200)
        const expected = [
          { opt_name: 'domain-search', opt_value: 'example.org', ip_version: 4 },
          { opt_name: 'server-ip-address', opt_value: '198.18.0.2', ip_version: 4 },
          { opt_name: 'tftp-server', opt_value: '198.18.0.4', ip_version: 4 },
        ]
        const byName = (a: { opt_name: string }, b: { opt_name: string }) =>
          a.opt_name.localeCompare(b.opt_name)
        expect([...response.body.port.extra_dhcp_opts].sort(byName)).toEqual(expected)
        const shown = (await getOk(api(), `/v2.0/ports/${port.id}`)).port
        expect([...shown.extra_dhcp_opts].sort(byName)).toEqual(expected)
      })

      it('skips empty values on create except for router and classless-static-route', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [
            { opt_name: 'bootfile-name', opt_value: '' },
            { opt_name: 'router', opt_value: '' },
            { opt_name: 'tftp-server', opt_value: null },
          ],
        })
        expect(port.extra_dhcp_opts).toEqual([{ opt_name: 'router', opt_value: '', ip_version: 4 }])
      })

      it('keeps an option updated with an empty value, as Neutron does', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }],
        })
        const response = await putPort(port.id, {
          extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: '' }],
        })
        expectStatus(response, 200)
        expect(response.body.port.extra_dhcp_opts).toEqual([
          { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
        ])
      })

      it('deletes only the option of the named ip_version', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [
            { opt_name: 'dns-server', opt_value: '198.18.0.53', ip_version: 4 },
            { opt_name: 'dns-server', opt_value: '[fd00::53]', ip_version: 6 },
          ],
        })
        const response = await putPort(port.id, {
          extra_dhcp_opts: [{ opt_name: 'dns-server', opt_value: null, ip_version: 6 }],
        })
        expectStatus(response, 200)
        expect(response.body.port.extra_dhcp_opts).toEqual([
          { opt_name: 'dns-server', opt_value: '198.18.0.53', ip_version: 4 },
        ])
      })

      it('keeps all options on an update that does not name extra_dhcp_opts', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, {
          extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }],
        })
        const response = await putPort(port.id, { name: 'renamed' })
        expect(response.body.port.extra_dhcp_opts).toEqual([
          { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
        ])
      })
    })
  })
}
