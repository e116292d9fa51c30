import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  ISO_UTC,
  UUID,
  aNetwork,
  aNetworkWithSubnet,
  aPort,
  aSubnet,
  anIpv6Subnet,
  expectError,
  expectStatus,
  getOk,
  useTestApi,
} from './fixtures.js'

for (const engine of ['sqlite'] as const) {
  describe(`${engine}: subnets API`, () => {
    const api = useTestApi(engine)

    /** POSTs a subnet on a fresh network and returns the raw response. */
    async function postSubnet(fields: Record<string, unknown>, networkId?: string) {
      const network = networkId ?? (await aNetwork(api())).id
      return api().request('POST', '/v2.0/subnets', {
        subnet: { network_id: network, ip_version: 4, cidr: '198.18.0.0/24', ...fields },
      })
    }

    describe('create', () => {
      it('gives an IPv4 subnet gateway .1 and the pool .2-.254 by default', async () => {
        const response = await postSubnet({ name: 'v4' })
        expectStatus(response, 201)
        const subnet = response.body.subnet
        expect(subnet).toMatchObject({
          name: 'v4',
          ip_version: 4,
          cidr: '198.18.0.0/24',
          gateway_ip: '198.18.0.1',
          allocation_pools: [{ start: '198.18.0.2', end: '198.18.0.254' }],
          dns_nameservers: [],
          host_routes: [],
          enable_dhcp: true,
          ipv6_ra_mode: null,
          ipv6_address_mode: null,
          subnetpool_id: null,
          revision_number: 0,
        })
        expect(subnet.id).toMatch(UUID)
        expect(subnet.project_id).toBe(subnet.tenant_id)
        expect(subnet.created_at).toMatch(ISO_UTC)
      })

      it('gives an IPv6 subnet the network address as gateway and a pool from ::1', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, { cidr: 'fd00:1::/64' })
        expect(subnet).toMatchObject({
          ip_version: 6,
          cidr: 'fd00:1::/64',
          gateway_ip: 'fd00:1::',
          allocation_pools: [{ start: 'fd00:1::1', end: 'fd00:1::ffff:ffff:ffff:ffff' }],
        })
      })

      it('pools an IPv6 subnet around an explicit gateway', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, { gateway_ip: 'fd00:1::1' })
        expect(subnet.gateway_ip).toBe('fd00:1::1')
        expect(subnet.allocation_pools).toEqual([
          { start: 'fd00:1::2', end: 'fd00:1::ffff:ffff:ffff:ffff' },
        ])
      })

      it('leaves out the gateway when gateway_ip is null and pools the whole range', async () => {
        const response = await postSubnet({ gateway_ip: null })
        expectStatus(response, 201)
        expect(response.body.subnet.gateway_ip).toBeNull()
        expect(response.body.subnet.allocation_pools).toEqual([
          { start: '198.18.0.1', end: '198.18.0.254' },
        ])
      })

      it('splits the default pool in two around a gateway in the middle', async () => {
        const response = await postSubnet({ gateway_ip: '198.18.0.100' })
        expectStatus(response, 201)
        expect(response.body.subnet.gateway_ip).toBe('198.18.0.100')
        expect(response.body.subnet.allocation_pools).toEqual([
          { start: '198.18.0.1', end: '198.18.0.99' },
          { start: '198.18.0.101', end: '198.18.0.254' },
        ])
      })

      it('keeps the whole default pool when the gateway lies outside the CIDR', async () => {
        const response = await postSubnet({ gateway_ip: '198.19.0.1' })
        expectStatus(response, 201)
        expect(response.body.subnet.gateway_ip).toBe('198.19.0.1')
        expect(response.body.subnet.allocation_pools).toEqual([
          { start: '198.18.0.1', end: '198.18.0.254' },
        ])
      })

      it('takes explicit allocation pools as given', async () => {
        const pools = [
          { start: '198.18.0.10', end: '198.18.0.19' },
          { start: '198.18.0.100', end: '198.18.0.110' },
        ]
        const response = await postSubnet({ allocation_pools: pools })
        expectStatus(response, 201)
        expect(response.body.subnet.allocation_pools).toEqual(pools)
        expect(response.body.subnet.gateway_ip).toBe('198.18.0.1')
      })

      it('canonicalises the CIDR to its network address', async () => {
        const response = await postSubnet({ cidr: '198.18.0.5/24' })
        expectStatus(response, 201)
        expect(response.body.subnet.cidr).toBe('198.18.0.0/24')
        expect(response.body.subnet.gateway_ip).toBe('198.18.0.1')
      })

      it('canonicalises an IPv6 CIDR with host bits and upper case', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, { cidr: 'FD00:1:0:0::5/64' })
        expect(subnet.cidr).toBe('fd00:1::/64')
      })

      it('creates several subnets with one bulk POST', async () => {
        const network = await aNetwork(api())
        const response = await api().request('POST', '/v2.0/subnets', {
          subnets: [
            { network_id: network.id, ip_version: 4, cidr: '198.18.1.0/24' },
            { network_id: network.id, ip_version: 6, cidr: 'fd00:2::/64' },
          ],
        })
        expectStatus(response, 201)
        expect(response.body.subnets.map((s: { cidr: string }) => s.cidr)).toEqual([
          '198.18.1.0/24',
          'fd00:2::/64',
        ])
      })

      it('answers 404 NetworkNotFound for a subnet on an unknown network', async () => {
        const id = randomUUID()
        expectError(
          await postSubnet({}, id),
          404,
          'NetworkNotFound',
          `Network ${id} could not be found.`,
        )
      })
    })

    describe('validation', () => {
      it('answers 400 OutOfBoundsAllocationPool for a pool outside the CIDR', async () => {
        const response = await postSubnet({
          allocation_pools: [{ start: '198.18.0.200', end: '198.18.1.10' }],
        })
        expectError(
          response,
          400,
          'OutOfBoundsAllocationPool',
          'The allocation pool 198.18.0.200-198.18.1.10 spans beyond the subnet cidr 198.18.0.0/24.',
        )
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
      })

      it('answers 400 OutOfBoundsAllocationPool for a pool holding the network address', async () => {
        const response = await postSubnet({
          allocation_pools: [{ start: '198.18.0.0', end: '198.18.0.10' }],
        })
        expectError(response, 400, 'OutOfBoundsAllocationPool')
      })

      it('answers 400 InvalidAllocationPool for a pool whose start is after its end', async () => {
        const response = await postSubnet({
          allocation_pools: [{ start: '198.18.0.20', end: '198.18.0.10' }],
        })
        expectError(
          response,
          400,
          'InvalidAllocationPool',
          'The allocation pool 198.18.0.20-198.18.0.10 is not valid.',
        )
      })

      it('answers 409 OverlappingAllocationPools for pools that overlap', async () => {
        const response = await postSubnet({
          allocation_pools: [
            { start: '198.18.0.10', end: '198.18.0.50' },
            { start: '198.18.0.40', end: '198.18.0.60' },
          ],
        })
        expectError(
          response,
          409,
          'OverlappingAllocationPools',
          'Found overlapping allocation pools: 198.18.0.10-198.18.0.50 198.18.0.40-198.18.0.60 for subnet 198.18.0.0/24.',
        )
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
      })

      it('answers 409 GatewayConflictWithAllocationPools for a gateway inside a given pool', async () => {
        const response = await postSubnet({
          gateway_ip: '198.18.0.20',
          allocation_pools: [{ start: '198.18.0.10', end: '198.18.0.50' }],
        })
        expectError(
          response,
          409,
          'GatewayConflictWithAllocationPools',
          'Gateway ip 198.18.0.20 conflicts with allocation pool 198.18.0.10-198.18.0.50.',
        )
      })

      it('answers 409 GatewayConflictWithAllocationPools for the default gateway inside given pools', async () => {
        const response = await postSubnet({
          allocation_pools: [{ start: '198.18.0.1', end: '198.18.0.50' }],
        })
        expectError(response, 409, 'GatewayConflictWithAllocationPools')
      })

      it('answers 400 InvalidInput for a subnet overlapping another of the same network', async () => {
        const { network } = await aNetworkWithSubnet(api(), { cidr: '198.18.0.0/24' })
        const response = await postSubnet({ cidr: '198.18.0.128/25' }, network.id)
        expectError(
          response,
          400,
          'InvalidInput',
          `Invalid input for operation: Requested subnet with cidr: 198.18.0.128/25 for network: ${network.id} overlaps with another subnet.`,
        )
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toHaveLength(1)
      })

      it('allows the same CIDR on two different networks', async () => {
        await aNetworkWithSubnet(api(), { cidr: '198.18.0.0/24' })
        expectStatus(await postSubnet({ cidr: '198.18.0.0/24' }), 201)
      })

      it('answers 400 for a /33 IPv4 CIDR', async () => {
        expectError(
          await postSubnet({ cidr: '198.18.0.0/33' }),
          400,
          'HTTPBadRequest',
          "Invalid input for cidr. Reason: '198.18.0.0/33' is not a valid IP subnet.",
        )
      })

      it('answers 400 for a CIDR that is no address at all', async () => {
        expectError(await postSubnet({ cidr: 'not-a-cidr' }), 400, 'HTTPBadRequest', /cidr/)
      })

      it('answers 400 InvalidInput when the CIDR does not match ip_version', async () => {
        expectError(await postSubnet({ ip_version: 6 }), 400, 'InvalidInput', /ip_version/)
        expectError(
          await postSubnet({ ip_version: 4, cidr: 'fd00:1::/64' }),
          400,
          'InvalidInput',
          /ip_version/,
        )
      })

      it('answers 400 for an ip_version other than 4 or 6', async () => {
        expectError(await postSubnet({ ip_version: 5 }), 400, 'HTTPBadRequest', /ip_version/)
      })

      it('answers 400 when the gateway does not match the IP version', async () => {
        expectError(await postSubnet({ gateway_ip: 'fd00::1' }), 400, 'InvalidInput')
      })

      it('answers 400 for an IPv4 gateway on the network or broadcast address', async () => {
        expectError(
          await postSubnet({ gateway_ip: '198.18.0.0' }),
          400,
          'InvalidInput',
          'Invalid input for operation: Gateway is not valid on subnet.',
        )
        expectError(await postSubnet({ gateway_ip: '198.18.0.255' }), 400, 'InvalidInput')
      })

      it('answers 400 InvalidInput for enable_dhcp on a /31', async () => {
        expectError(await postSubnet({ cidr: '198.18.0.0/31' }), 400, 'InvalidInput')
      })

      it('accepts a /31 with enable_dhcp false and pools both addresses', async () => {
        const response = await postSubnet({ cidr: '198.18.0.0/31', enable_dhcp: false })
        expectStatus(response, 201)
        expect(response.body.subnet).toMatchObject({ gateway_ip: null, enable_dhcp: false })
        expect(response.body.subnet.allocation_pools).toEqual([
          { start: '198.18.0.0', end: '198.18.0.1' },
        ])
      })
    })

    describe('IPv6 modes', () => {
      async function postV6(fields: Record<string, unknown>) {
        return postSubnet({ ip_version: 6, cidr: 'fd00:1::/64', ...fields })
      }

      it('accepts equal ra and address modes', async () => {
        const response = await postV6({ ipv6_ra_mode: 'slaac', ipv6_address_mode: 'slaac' })
        expectStatus(response, 201)
        expect(response.body.subnet).toMatchObject({
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'slaac',
        })
      })

      it('accepts a stateful address mode on a prefix other than /64', async () => {
        const response = await postV6({
          cidr: 'fd00:1::/80',
          ipv6_address_mode: 'dhcpv6-stateful',
        })
        expectStatus(response, 201)
        expect(response.body.subnet.ipv6_address_mode).toBe('dhcpv6-stateful')
      })

      it('answers 400 InvalidInput when ra and address modes differ', async () => {
        const response = await postV6({
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'dhcpv6-stateful',
        })
        expectError(response, 400, 'InvalidInput', /must be the same value/)
      })

      it('answers 400 InvalidInput for slaac on a /80', async () => {
        const response = await postV6({
          cidr: 'fd00:1::/80',
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'slaac',
        })
        expectError(response, 400, 'InvalidInput', /EUI-64/)
      })

      it('answers 400 InvalidInput for dhcpv6-stateless on a /96', async () => {
        const response = await postV6({
          cidr: 'fd00:1::/96',
          ipv6_address_mode: 'dhcpv6-stateless',
        })
        expectError(response, 400, 'InvalidInput', /EUI-64/)
      })

      it('answers 400 InvalidInput for IPv6 modes on an IPv4 subnet', async () => {
        expectError(await postSubnet({ ipv6_ra_mode: 'slaac' }), 400, 'InvalidInput', /ip_version/)
        expectError(
          await postSubnet({ ipv6_address_mode: 'dhcpv6-stateful' }),
          400,
          'InvalidInput',
          /ip_version/,
        )
      })

      it('answers 400 InvalidInput for IPv6 modes with enable_dhcp false', async () => {
        const response = await postV6({ ipv6_address_mode: 'slaac', enable_dhcp: false })
        expectError(response, 400, 'InvalidInput', /enable_dhcp/)
      })

      it('refuses to turn off DHCP later on a subnet with an IPv6 mode', async () => {
        const network = await aNetwork(api())
        const subnet = await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'slaac' })
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { enable_dhcp: false },
        })
        expectError(response, 400, 'InvalidInput', /enable_dhcp/)
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.enable_dhcp).toBe(true)
      })

      it('answers 400 for an unknown IPv6 mode', async () => {
        expectError(await postV6({ ipv6_ra_mode: 'magic' }), 400, 'HTTPBadRequest', /ipv6_ra_mode/)
      })
    })

    describe('DNS servers and host routes', () => {
      it('keeps dns_nameservers in the given order', async () => {
        const servers = ['198.18.9.9', '198.18.1.1', '198.18.5.5']
        const response = await postSubnet({ dns_nameservers: servers })
        expectStatus(response, 201)
        expect(response.body.subnet.dns_nameservers).toEqual(servers)
        const shown = await getOk(api(), `/v2.0/subnets/${response.body.subnet.id}`)
        expect(shown.subnet.dns_nameservers).toEqual(servers)
      })

      it('answers 400 DNSNameServersExhausted for more than five servers', async () => {
        const servers = [1, 2, 3, 4, 5, 6].map((n) => `198.18.9.${n}`)
        const response = await postSubnet({ dns_nameservers: servers })
        expectError(response, 400, 'DNSNameServersExhausted', /exceeds the limit 5/)
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
      })

      it('answers 400 for a duplicate DNS server', async () => {
        const response = await postSubnet({ dns_nameservers: ['198.18.9.9', '198.18.9.9'] })
        expectError(response, 400, 'HTTPBadRequest', /dns_nameservers.*198\.18\.9\.9/)
      })

      it('answers 400 for a DNS server of the other IP version', async () => {
        expectError(await postSubnet({ dns_nameservers: ['fd00::53'] }), 400, 'InvalidInput')
      })

      it('stores host routes', async () => {
        const routes = [
          { destination: '198.19.0.0/24', nexthop: '198.18.0.254' },
          { destination: '198.19.1.0/24', nexthop: '198.18.0.253' },
        ]
        const response = await postSubnet({ host_routes: routes })
        expectStatus(response, 201)
        const shown = await getOk(api(), `/v2.0/subnets/${response.body.subnet.id}`)
        expect(shown.subnet.host_routes).toHaveLength(2)
        expect(shown.subnet.host_routes).toEqual(expect.arrayContaining(routes))
      })

      it('answers 400 HostRoutesExhausted for more than twenty routes', async () => {
        const routes = Array.from({ length: 21 }, (_, n) => ({
          destination: `198.19.${n}.0/24`,
          nexthop: '198.18.0.254',
        }))
        const response = await postSubnet({ host_routes: routes })
        expectError(response, 400, 'HostRoutesExhausted', /exceeds the limit 20/)
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
      })

      it('answers 400 for a duplicate host route', async () => {
        const route = { destination: '198.19.0.0/24', nexthop: '198.18.0.254' }
        expectError(await postSubnet({ host_routes: [route, route] }), 400, 'HTTPBadRequest')
      })

      it('answers 400 for a host route of the other IP version', async () => {
        const route = { destination: 'fd00:9::/64', nexthop: 'fd00::1' }
        expectError(await postSubnet({ host_routes: [route] }), 400, 'InvalidInput')
      })
    })

    describe('update', () => {
      it('replaces allocation pools and increments revision_number', async () => {
        const { subnet } = await aNetworkWithSubnet(api())
        const pools = [{ start: '198.18.0.100', end: '198.18.0.200' }]
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { allocation_pools: pools },
        })
        expectStatus(response, 200)
        expect(response.body.subnet.allocation_pools).toEqual(pools)
        expect(response.body.subnet.revision_number).toBe(subnet.revision_number + 1)
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.allocation_pools).toEqual(
          pools,
        )
      })

      it('refuses an updated pool holding the gateway with 409 and keeps the old pools', async () => {
        const { subnet } = await aNetworkWithSubnet(api())
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { allocation_pools: [{ start: '198.18.0.1', end: '198.18.0.9' }] },
        })
        expectError(response, 409, 'GatewayConflictWithAllocationPools')
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.allocation_pools).toEqual(
          subnet.allocation_pools,
        )
      })

      it('replaces dns_nameservers keeping the new order', async () => {
        const { subnet } = await aNetworkWithSubnet(api(), { dns_nameservers: ['198.18.9.1'] })
        const servers = ['198.18.9.3', '198.18.9.2']
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { dns_nameservers: servers },
        })
        expectStatus(response, 200)
        expect(response.body.subnet.dns_nameservers).toEqual(servers)
      })

      it('clears dns_nameservers with an empty list', async () => {
        const { subnet } = await aNetworkWithSubnet(api(), { dns_nameservers: ['198.18.9.1'] })
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { dns_nameservers: [] },
        })
        expectStatus(response, 200)
        expect(response.body.subnet.dns_nameservers).toEqual([])
      })

      it('answers 400 DNSNameServersExhausted on update and keeps the old servers', async () => {
        const { subnet } = await aNetworkWithSubnet(api(), { dns_nameservers: ['198.18.9.1'] })
        const servers = [1, 2, 3, 4, 5, 6].map((n) => `198.18.9.${n}`)
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { dns_nameservers: servers },
        })
        expectError(response, 400, 'DNSNameServersExhausted')
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.dns_nameservers).toEqual([
          '198.18.9.1',
        ])
      })

      it('replaces host routes', async () => {
        const { subnet } = await aNetworkWithSubnet(api(), {
          host_routes: [{ destination: '198.19.0.0/24', nexthop: '198.18.0.254' }],
        })
        const routes = [{ destination: '198.19.5.0/24', nexthop: '198.18.0.250' }]
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { host_routes: routes },
        })
        expectStatus(response, 200)
        expect(response.body.subnet.host_routes).toEqual(routes)
      })

      it('changes the gateway to an address outside the pools', async () => {
        const { subnet } = await aNetworkWithSubnet(api(), {
          allocation_pools: [{ start: '198.18.0.10', end: '198.18.0.20' }],
        })
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { gateway_ip: '198.18.0.254' },
        })
        expectStatus(response, 200)
        expect(response.body.subnet.gateway_ip).toBe('198.18.0.254')
        expect(response.body.subnet.allocation_pools).toEqual([
          { start: '198.18.0.10', end: '198.18.0.20' },
        ])
      })

      it('removes the gateway with gateway_ip null', async () => {
        const { subnet } = await aNetworkWithSubnet(api())
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { gateway_ip: null },
        })
        expectStatus(response, 200)
        expect(response.body.subnet.gateway_ip).toBeNull()
      })

      it('answers 409 GatewayConflictWithAllocationPools for a new gateway inside a pool', async () => {
        const { subnet } = await aNetworkWithSubnet(api())
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { gateway_ip: '198.18.0.50' },
        })
        expectError(response, 409, 'GatewayConflictWithAllocationPools')
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.gateway_ip).toBe(
          '198.18.0.1',
        )
      })

      it('answers 409 GatewayIpInUse when a router port holds the old gateway', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        await aPort(api(), network.id, {
          device_owner: 'network:router_interface',
          fixed_ips: [{ subnet_id: subnet.id, ip_address: '198.18.0.1' }],
        })
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { gateway_ip: '198.18.0.254', allocation_pools: [] },
        })
        expectError(response, 409, 'GatewayIpInUse')
      })

      it('answers 400 OutOfBoundsAllocationPool for an updated pool outside the CIDR', async () => {
        const { subnet } = await aNetworkWithSubnet(api())
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { allocation_pools: [{ start: '198.18.0.10', end: '198.18.1.10' }] },
        })
        expectError(response, 400, 'OutOfBoundsAllocationPool')
        const shown = (await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet
        expect(shown).toMatchObject({
          allocation_pools: subnet.allocation_pools,
          revision_number: subnet.revision_number,
        })
      })

      it('answers 400 InvalidInput when turning DHCP on for a /31', async () => {
        const network = await aNetwork(api())
        const subnet = await aSubnet(api(), network.id, {
          cidr: '198.18.0.0/31',
          enable_dhcp: false,
        })
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { enable_dhcp: true },
        })
        expectError(response, 400, 'InvalidInput')
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.enable_dhcp).toBe(false)
      })

      it('renames a subnet', async () => {
        const { subnet } = await aNetworkWithSubnet(api())
        const response = await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
          subnet: { name: 'renamed' },
        })
        expectStatus(response, 200)
        expect(response.body.subnet).toMatchObject({ name: 'renamed', cidr: subnet.cidr })
      })
    })

    describe('delete', () => {
      it('deletes an unused subnet with 204', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const response = await api().request('DELETE', `/v2.0/subnets/${subnet.id}`)
        expect(response.status).toBe(204)
        expect(response.body).toBeNull()
        expectError(
          await api().request('GET', `/v2.0/subnets/${subnet.id}`),
          404,
          'SubnetNotFound',
          `Subnet ${subnet.id} could not be found.`,
        )
        expect((await getOk(api(), `/v2.0/networks/${network.id}`)).network.subnets).toEqual([])
      })

      it('answers 409 SubnetInUse while a port holds an address on it', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        await aPort(api(), network.id, { device_owner: 'compute:nova' })
        expectError(
          await api().request('DELETE', `/v2.0/subnets/${subnet.id}`),
          409,
          'SubnetInUse',
          `Unable to complete operation on subnet ${subnet.id}: One or more ports have an IP allocation from this subnet.`,
        )
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.id).toBe(subnet.id)
      })

      it('deletes a subnet on which only the DHCP port holds an address', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const dhcp = await aPort(api(), network.id, { device_owner: 'network:dhcp' })
        expect(dhcp.fixed_ips).toHaveLength(1)
        expect((await api().request('DELETE', `/v2.0/subnets/${subnet.id}`)).status).toBe(204)
        const port = await getOk(api(), `/v2.0/ports/${dhcp.id}`)
        expect(port.port.fixed_ips).toEqual([])
      })

      it('deletes a SLAAC subnet whose only holders are EUI-64 addresses', async () => {
        const network = await aNetwork(api())
        const v4 = await aSubnet(api(), network.id)
        const v6 = await anIpv6Subnet(api(), network.id, { ipv6_address_mode: 'slaac' })
        const port = await aPort(api(), network.id, { device_owner: 'compute:nova' })
        expect(port.fixed_ips).toHaveLength(2)
        expect((await api().request('DELETE', `/v2.0/subnets/${v6.id}`)).status).toBe(204)
        const shown = (await getOk(api(), `/v2.0/ports/${port.id}`)).port
        expect(shown.fixed_ips.map((f: { subnet_id: string }) => f.subnet_id)).toEqual([v4.id])
      })

      it('gives existing ports their EUI-64 address when a SLAAC subnet is added', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id, { mac_address: 'fa:16:3e:00:00:31' })
        const v6 = await anIpv6Subnet(api(), network.id, {
          ipv6_ra_mode: 'slaac',
          ipv6_address_mode: 'slaac',
        })
        const shown = (await getOk(api(), `/v2.0/ports/${port.id}`)).port
        expect(shown.fixed_ips).toContainEqual({
          subnet_id: v6.id,
          ip_address: 'fd00:1::f816:3eff:fe00:31',
        })
        expect(shown.fixed_ips).toHaveLength(2)
      })

      it('answers 404 SubnetNotFound for an unknown subnet', async () => {
        const id = randomUUID()
        expectError(
          await api().request('DELETE', `/v2.0/subnets/${id}`),
          404,
          'SubnetNotFound',
          `Subnet ${id} could not be found.`,
        )
      })
    })
  })
}
