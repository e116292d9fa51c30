import { describe, expect, it } from 'vitest'
import {
  aNetwork,
  aNetworkWithSubnet,
  aPort,
  aSubnet,
  asProject,
  expectError,
  expectStatus,
  getOk,
  useTestApi,
} from './fixtures.js'

const ALICE = asProject('p-alice')
const BOB = asProject('p-bob')

function ids(items: { id: string }[]): string[] {
  return items.map((i) => i.id).sort()
}

for (const engine of ['sqlite'] as const) {
  describe(`${engine}: policy (noauth)`, () => {
    const api = useTestApi(engine)

    /** A shared network with a subnet, owned by the admin project p-admin. */
    async function aSharedNetwork() {
      const network = await aNetwork(api(), { shared: true, project_id: 'p-admin' })
      const subnet = await aSubnet(api(), network.id, { project_id: 'p-admin' })
      return { network, subnet }
    }

    describe('networks', () => {
      it('shows a non-admin its own networks and shared ones only', async () => {
        const own = await aNetwork(api(), {}, ALICE)
        const foreign = await aNetwork(api(), {}, BOB)
        const { network: shared } = await aSharedNetwork()
        const seen = (await getOk(api(), '/v2.0/networks', ALICE)).networks
        expect(ids(seen)).toEqual([own.id, shared.id].sort())
        const all = (await getOk(api(), '/v2.0/networks')).networks
        expect(ids(all)).toEqual([own.id, foreign.id, shared.id].sort())
      })

      it('treats a caller with the admin role as admin', async () => {
        const foreign = await aNetwork(api(), {}, BOB)
        const seen = (
          await getOk(api(), '/v2.0/networks', { 'X-Project-Id': 'p-ops', 'X-Roles': 'admin' })
        ).networks
        expect(ids(seen)).toEqual([foreign.id])
      })

      it("answers 404 for another project's network on show, update and delete", async () => {
        const foreign = await aNetwork(api(), { name: 'bobs' }, BOB)
        const path = `/v2.0/networks/${foreign.id}`
        const message = `Network ${foreign.id} could not be found.`
        expectError(
          await api().request('GET', path, undefined, ALICE),
          404,
          'NetworkNotFound',
          message,
        )
        expectError(
          await api().request('PUT', path, { network: { name: 'alices' } }, ALICE),
          404,
          'NetworkNotFound',
          message,
        )
        expectError(
          await api().request('DELETE', path, undefined, ALICE),
          404,
          'NetworkNotFound',
          message,
        )
        expect((await getOk(api(), path, BOB)).network).toMatchObject({
          name: 'bobs',
          revision_number: 0,
        })
      })

      it('lets a non-admin see a shared network but answers 403 on update and delete', async () => {
        const { network } = await aSharedNetwork()
        const path = `/v2.0/networks/${network.id}`
        expect((await getOk(api(), path, ALICE)).network.id).toBe(network.id)
        expectError(
          await api().request('PUT', path, { network: { name: 'taken' } }, ALICE),
          403,
          'PolicyNotAuthorized',
          /disallowed by policy/,
        )
        expectError(
          await api().request('DELETE', path, undefined, ALICE),
          403,
          'PolicyNotAuthorized',
          /disallowed by policy/,
        )
        expect((await getOk(api(), path)).network).toMatchObject({ name: 'net', shared: true })
      })

      it('answers 403 when a non-admin creates a shared network, and creates nothing', async () => {
        const response = await api().request(
          'POST',
          '/v2.0/networks',
          { network: { name: 'x', shared: true } },
          ALICE,
        )
        expectError(response, 403, 'PolicyNotAuthorized', /create_network:shared/)
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 403 when a non-admin makes its own network shared', async () => {
        const own = await aNetwork(api(), {}, ALICE)
        const response = await api().request(
          'PUT',
          `/v2.0/networks/${own.id}`,
          { network: { shared: true } },
          ALICE,
        )
        expectError(response, 403, 'PolicyNotAuthorized', /shared/)
        expect((await getOk(api(), `/v2.0/networks/${own.id}`, ALICE)).network.shared).toBe(false)
      })

      it('lets a non-admin update and delete its own network', async () => {
        const own = await aNetwork(api(), {}, ALICE)
        const updated = await api().request(
          'PUT',
          `/v2.0/networks/${own.id}`,
          { network: { name: 'mine' } },
          ALICE,
        )
        expectStatus(updated, 200)
        expect(updated.body.network.name).toBe('mine')
        const deleted = await api().request('DELETE', `/v2.0/networks/${own.id}`, undefined, ALICE)
        expect(deleted.status).toBe(204)
      })

      it('answers 400 when a non-admin names another project', async () => {
        for (const key of ['project_id', 'tenant_id']) {
          const response = await api().request(
            'POST',
            '/v2.0/networks',
            { network: { [key]: 'p-bob' } },
            ALICE,
          )
          expectError(response, 400, 'HTTPBadRequest', /requires admin privileges/)
        }
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('lets a non-admin name its own project', async () => {
        const network = await aNetwork(api(), { project_id: 'p-alice' }, ALICE)
        expect(network.project_id).toBe('p-alice')
      })
    })

    describe('subnets', () => {
      it('shows subnets of shared networks to other projects but hides private ones', async () => {
        const { subnet: shared } = await aSharedNetwork()
        const bobs = await aNetwork(api(), {}, BOB)
        const hidden = await aSubnet(api(), bobs.id, { cidr: '198.18.9.0/24' }, BOB)
        const seen = (await getOk(api(), '/v2.0/subnets', ALICE)).subnets
        expect(ids(seen)).toEqual([shared.id])
        expect((await getOk(api(), `/v2.0/subnets/${shared.id}`, ALICE)).subnet.id).toBe(shared.id)
        expectError(
          await api().request('GET', `/v2.0/subnets/${hidden.id}`, undefined, ALICE),
          404,
          'SubnetNotFound',
        )
      })

      it('answers 403 when a non-admin adds a subnet to a shared network it does not own', async () => {
        const { network } = await aSharedNetwork()
        const response = await api().request(
          'POST',
          '/v2.0/subnets',
          { subnet: { network_id: network.id, ip_version: 4, cidr: '198.18.5.0/24' } },
          ALICE,
        )
        expectError(response, 403, 'PolicyNotAuthorized')
        expect((await getOk(api(), `/v2.0/networks/${network.id}`)).network.subnets).toHaveLength(1)
      })

      it("answers 404 when a non-admin adds a subnet to another project's private network", async () => {
        const bobs = await aNetwork(api(), {}, BOB)
        const response = await api().request(
          'POST',
          '/v2.0/subnets',
          { subnet: { network_id: bobs.id, ip_version: 4, cidr: '198.18.5.0/24' } },
          ALICE,
        )
        expectError(response, 404, 'NetworkNotFound')
      })

      it('answers 403 when a non-admin updates or deletes a subnet of a shared network', async () => {
        const { subnet } = await aSharedNetwork()
        const path = `/v2.0/subnets/${subnet.id}`
        expectError(
          await api().request('PUT', path, { subnet: { name: 'x' } }, ALICE),
          403,
          'PolicyNotAuthorized',
        )
        expectError(
          await api().request('DELETE', path, undefined, ALICE),
          403,
          'PolicyNotAuthorized',
        )
        expect((await getOk(api(), path)).subnet.name).toBe('')
      })
    })

    describe('ports', () => {
      it('lets a non-admin create a port on a shared network with subnet_id fixed IPs', async () => {
        const { network, subnet } = await aSharedNetwork()
        const port = await aPort(
          api(),
          network.id,
          { fixed_ips: [{ subnet_id: subnet.id }] },
          ALICE,
        )
        expect(port.project_id).toBe('p-alice')
        expect(port.fixed_ips).toHaveLength(1)
        expect(port.fixed_ips[0].subnet_id).toBe(subnet.id)
        const automatic = await aPort(api(), network.id, {}, ALICE)
        expect(automatic.fixed_ips).toHaveLength(1)
      })

      it('answers 403 when a non-admin picks an ip_address on a shared network', async () => {
        const { network, subnet } = await aSharedNetwork()
        for (const fixed of [
          { ip_address: '198.18.0.7' },
          { subnet_id: subnet.id, ip_address: '198.18.0.7' },
        ]) {
          const response = await api().request(
            'POST',
            '/v2.0/ports',
            { port: { network_id: network.id, fixed_ips: [fixed] } },
            ALICE,
          )
          expectError(response, 403, 'PolicyNotAuthorized', /fixed_ips/)
        }
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 403 when a non-admin sets a MAC or a network: device_owner on a shared network', async () => {
        const { network } = await aSharedNetwork()
        for (const fields of [
          { mac_address: 'fa:16:3e:00:00:99' },
          { device_owner: 'network:dhcp' },
        ]) {
          const response = await api().request(
            'POST',
            '/v2.0/ports',
            { port: { network_id: network.id, ...fields } },
            ALICE,
          )
          expectError(response, 403, 'PolicyNotAuthorized')
        }
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('lets a non-admin pick an ip_address and a MAC on its own network', async () => {
        const network = await aNetwork(api(), {}, ALICE)
        await aSubnet(api(), network.id, {}, ALICE)
        const port = await aPort(
          api(),
          network.id,
          { fixed_ips: [{ ip_address: '198.18.0.7' }], mac_address: 'fa:16:3e:00:00:77' },
          ALICE,
        )
        expect(port.fixed_ips[0].ip_address).toBe('198.18.0.7')
        expect(port.mac_address).toBe('fa:16:3e:00:00:77')
      })

      it('answers 400 when a non-admin creates a port for another project', async () => {
        const { network } = await aSharedNetwork()
        const response = await api().request(
          'POST',
          '/v2.0/ports',
          { port: { network_id: network.id, project_id: 'p-bob' } },
          ALICE,
        )
        expectError(response, 400, 'HTTPBadRequest', /requires admin privileges/)
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 403 for binding:host_id set by a non-admin on create and update', async () => {
        const network = await aNetwork(api(), {}, ALICE)
        await aSubnet(api(), network.id, {}, ALICE)
        const created = await api().request(
          'POST',
          '/v2.0/ports',
          { port: { network_id: network.id, 'binding:host_id': 'host-a' } },
          ALICE,
        )
        expectError(created, 403, 'PolicyNotAuthorized', /binding:host_id/)
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
        const port = await aPort(api(), network.id, {}, ALICE)
        const updated = await api().request(
          'PUT',
          `/v2.0/ports/${port.id}`,
          { port: { 'binding:host_id': 'host-a' } },
          ALICE,
        )
        expectError(updated, 403, 'PolicyNotAuthorized', /binding:host_id/)
        expect((await getOk(api(), `/v2.0/ports/${port.id}`)).port['binding:host_id']).toBe('')
      })

      it('answers 403 when a non-admin changes fixed_ips of its port on a shared network', async () => {
        const { network, subnet } = await aSharedNetwork()
        const port = await aPort(api(), network.id, {}, ALICE)
        const response = await api().request(
          'PUT',
          `/v2.0/ports/${port.id}`,
          { port: { fixed_ips: [{ subnet_id: subnet.id }] } },
          ALICE,
        )
        expectError(response, 403, 'PolicyNotAuthorized', /fixed_ips/)
        expect((await getOk(api(), `/v2.0/ports/${port.id}`)).port.fixed_ips).toEqual(
          port.fixed_ips,
        )
      })

      it('hides ports of other projects', async () => {
        const { network } = await aSharedNetwork()
        const alices = await aPort(api(), network.id, {}, ALICE)
        const bobs = await aPort(api(), network.id, {}, BOB)
        expect(ids((await getOk(api(), '/v2.0/ports', ALICE)).ports)).toEqual([alices.id])
        expect(ids((await getOk(api(), '/v2.0/ports', BOB)).ports)).toEqual([bobs.id])
        expect(ids((await getOk(api(), '/v2.0/ports')).ports)).toEqual([alices.id, bobs.id].sort())
        const path = `/v2.0/ports/${bobs.id}`
        expectError(await api().request('GET', path, undefined, ALICE), 404, 'PortNotFound')
        expectError(
          await api().request('PUT', path, { port: { name: 'x' } }, ALICE),
          404,
          'PortNotFound',
        )
        expectError(await api().request('DELETE', path, undefined, ALICE), 404, 'PortNotFound')
        expect((await getOk(api(), path, BOB)).port).toMatchObject({ name: '', revision_number: 0 })
      })

      it('shows a network owner the ports other projects put on its network', async () => {
        const network = await aNetwork(api(), { shared: true, project_id: 'p-alice' })
        await aSubnet(api(), network.id, { project_id: 'p-alice' })
        const bobs = await aPort(api(), network.id, {}, BOB)
        expect(ids((await getOk(api(), '/v2.0/ports', ALICE)).ports)).toEqual([bobs.id])
        expect((await getOk(api(), `/v2.0/ports/${bobs.id}`, ALICE)).port.id).toBe(bobs.id)
      })

      it("answers 404 for a port on another project's private network", async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await api().request(
          'POST',
          '/v2.0/ports',
          { port: { network_id: network.id } },
          ALICE,
        )
        expectError(response, 404, 'NetworkNotFound')
      })
    })
  })
}
