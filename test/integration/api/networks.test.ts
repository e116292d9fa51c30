import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  ISO_UTC,
  UUID,
  aNetwork,
  aNetworkWithSubnet,
  aPort,
  expectError,
  expectStatus,
  getOk,
  useTestApi,
} from './fixtures.js'

for (const engine of ['sqlite'] as const) {
  describe(`${engine}: networks API`, () => {
    const api = useTestApi(engine)

    it('creates a network with Neutron defaults', async () => {
      const response = await api().request('POST', '/v2.0/networks', { network: { name: 'blue' } })
      expectStatus(response, 201)
      expect(Object.keys(response.body)).toEqual(['network'])
      const network = response.body.network
      expect(network).toMatchObject({
        name: 'blue',
        admin_state_up: true,
        shared: false,
        mtu: 1500,
        status: 'ACTIVE',
        subnets: [],
        description: '',
        tags: [],
        revision_number: 0,
      })
      expect(network.id).toMatch(UUID)
      expect(network.project_id).toBe(network.tenant_id)
      expect(network.created_at).toMatch(ISO_UTC)
      expect(network.updated_at).toMatch(ISO_UTC)
    })

    it('sets project_id and tenant_id from the caller', async () => {
      const network = await aNetwork(api(), {}, { 'X-Project-Id': 'p-blue', 'X-Roles': 'member' })
      expect(network.project_id).toBe('p-blue')
      expect(network.tenant_id).toBe('p-blue')
    })

    it('lets an admin create a network for another project with tenant_id', async () => {
      const network = await aNetwork(api(), { tenant_id: 'p-other' })
      expect(network.project_id).toBe('p-other')
      expect(network.tenant_id).toBe('p-other')
    })

    it('takes an explicit mtu, admin_state_up and description', async () => {
      const network = await aNetwork(api(), {
        mtu: 1400,
        admin_state_up: false,
        description: 'for tests',
      })
      expect(network).toMatchObject({ mtu: 1400, admin_state_up: false, description: 'for tests' })
    })

    it('creates several networks with one bulk POST, in request order', async () => {
      const response = await api().request('POST', '/v2.0/networks', {
        networks: [{ name: 'a' }, { name: 'b' }, { name: 'c' }],
      })
      expectStatus(response, 201)
      expect(Object.keys(response.body)).toEqual(['networks'])
      expect(response.body.networks.map((n: { name: string }) => n.name)).toEqual(['a', 'b', 'c'])
      const listed = await getOk(api(), '/v2.0/networks')
      expect(listed.networks).toHaveLength(3)
    })

    it('shows a network by id', async () => {
      const created = await aNetwork(api(), { name: 'shown' })
      const body = await getOk(api(), `/v2.0/networks/${created.id}`)
      expect(body).toEqual({ network: created })
    })

    it('lists the subnets of a network in its subnets attribute', async () => {
      const { network, subnet } = await aNetworkWithSubnet(api())
      const body = await getOk(api(), `/v2.0/networks/${network.id}`)
      expect(body.network.subnets).toEqual([subnet.id])
    })

    it('lists networks', async () => {
      const a = await aNetwork(api(), { name: 'a' })
      const b = await aNetwork(api(), { name: 'b' })
      const body = await getOk(api(), '/v2.0/networks')
      expect(Object.keys(body)).toEqual(['networks'])
      expect(body.networks.map((n: { id: string }) => n.id).sort()).toEqual([a.id, b.id].sort())
    })

    it('answers 404 NetworkNotFound for an unknown network on show, update and delete', async () => {
      const id = randomUUID()
      const message = `Network ${id} could not be found.`
      expectError(
        await api().request('GET', `/v2.0/networks/${id}`),
        404,
        'NetworkNotFound',
        message,
      )
      expectError(
        await api().request('PUT', `/v2.0/networks/${id}`, { network: { name: 'x' } }),
        404,
        'NetworkNotFound',
        message,
      )
      expectError(
        await api().request('DELETE', `/v2.0/networks/${id}`),
        404,
        'NetworkNotFound',
        message,
      )
    })

    it('updates a network and increments its revision_number', async () => {
      const created = await aNetwork(api(), { name: 'before' })
      const response = await api().request('PUT', `/v2.0/networks/${created.id}`, {
        network: { name: 'after', admin_state_up: false, mtu: 1450, description: 'changed' },
      })
      expectStatus(response, 200)
      expect(response.body.network).toMatchObject({
        id: created.id,
        name: 'after',
        admin_state_up: false,
        mtu: 1450,
        description: 'changed',
        revision_number: 1,
      })
      const again = await api().request('PUT', `/v2.0/networks/${created.id}`, {
        network: { name: 'again' },
      })
      expect(again.body.network.revision_number).toBe(2)
      const shown = await getOk(api(), `/v2.0/networks/${created.id}`)
      expect(shown.network).toMatchObject({ name: 'again', mtu: 1450, revision_number: 2 })
    })

    it('lets an admin make a network shared', async () => {
      const created = await aNetwork(api())
      const response = await api().request('PUT', `/v2.0/networks/${created.id}`, {
        network: { shared: true },
      })
      expectStatus(response, 200)
      expect(response.body.network.shared).toBe(true)
    })

    it('deletes a network with 204 and an empty body', async () => {
      const created = await aNetwork(api())
      const response = await api().request('DELETE', `/v2.0/networks/${created.id}`)
      expect(response.status).toBe(204)
      expect(response.body).toBeNull()
      expectError(
        await api().request('GET', `/v2.0/networks/${created.id}`),
        404,
        'NetworkNotFound',
      )
    })

    it('deletes a network together with its subnets', async () => {
      const { network, subnet } = await aNetworkWithSubnet(api())
      expect((await api().request('DELETE', `/v2.0/networks/${network.id}`)).status).toBe(204)
      expectError(await api().request('GET', `/v2.0/subnets/${subnet.id}`), 404, 'SubnetNotFound')
      expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
    })

    it('answers 409 NetworkInUse when deleting a network that has a compute port', async () => {
      const { network } = await aNetworkWithSubnet(api())
      const port = await aPort(api(), network.id, { device_owner: 'compute:nova' })
      expectError(
        await api().request('DELETE', `/v2.0/networks/${network.id}`),
        409,
        'NetworkInUse',
        `Unable to complete operation on network ${network.id}. There are one or more ports still in use on the network.`,
      )
      expect((await getOk(api(), `/v2.0/ports/${port.id}`)).port.id).toBe(port.id)
      expect((await getOk(api(), `/v2.0/networks/${network.id}`)).network.id).toBe(network.id)
    })

    it('answers 409 NetworkInUse for a port without device_owner', async () => {
      const { network } = await aNetworkWithSubnet(api())
      await aPort(api(), network.id)
      expectError(
        await api().request('DELETE', `/v2.0/networks/${network.id}`),
        409,
        'NetworkInUse',
      )
    })

    it('deletes the DHCP ports of a network with the network', async () => {
      const { network } = await aNetworkWithSubnet(api())
      const dhcp = await aPort(api(), network.id, {
        device_owner: 'network:dhcp',
        device_id: `dhcp-${network.id}`,
      })
      expect((await api().request('DELETE', `/v2.0/networks/${network.id}`)).status).toBe(204)
      expectError(await api().request('GET', `/v2.0/ports/${dhcp.id}`), 404, 'PortNotFound')
      expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
    })

    it('deletes a network again after its last compute port is gone', async () => {
      const { network } = await aNetworkWithSubnet(api())
      const port = await aPort(api(), network.id, { device_owner: 'compute:nova' })
      expect((await api().request('DELETE', `/v2.0/ports/${port.id}`)).status).toBe(204)
      expect((await api().request('DELETE', `/v2.0/networks/${network.id}`)).status).toBe(204)
    })

    it('updates when If-Match names the current revision_number', async () => {
      const created = await aNetwork(api())
      const response = await api().request(
        'PUT',
        `/v2.0/networks/${created.id}`,
        { network: { name: 'matched' } },
        { 'If-Match': 'revision_number=0' },
      )
      expectStatus(response, 200)
      expect(response.body.network).toMatchObject({ name: 'matched', revision_number: 1 })
    })

    it('answers 412 and changes nothing when If-Match names another revision_number', async () => {
      const created = await aNetwork(api(), { name: 'kept' })
      const response = await api().request(
        'PUT',
        `/v2.0/networks/${created.id}`,
        { network: { name: 'lost' } },
        { 'If-Match': 'revision_number=7' },
      )
      expectError(
        response,
        412,
        'RevisionNumberConstraintFailed',
        'Constrained to 7, but current revision is 0',
      )
      const shown = await getOk(api(), `/v2.0/networks/${created.id}`)
      expect(shown.network).toMatchObject({ name: 'kept', revision_number: 0 })
    })

    it('answers 412 on a DELETE whose If-Match revision_number is stale', async () => {
      const created = await aNetwork(api())
      await api().request('PUT', `/v2.0/networks/${created.id}`, { network: { name: 'x' } })
      expectError(
        await api().request('DELETE', `/v2.0/networks/${created.id}`, undefined, {
          'If-Match': 'revision_number=0',
        }),
        412,
        'RevisionNumberConstraintFailed',
      )
      expect((await getOk(api(), `/v2.0/networks/${created.id}`)).network.id).toBe(created.id)
    })

    it('accepts a quoted If-Match revision_number and ignores other etags', async () => {
      const created = await aNetwork(api())
      const quoted = await api().request(
        'PUT',
        `/v2.0/networks/${created.id}`,
        { network: { name: 'quoted' } },
        { 'If-Match': '"revision_number=0"' },
      )
      expectStatus(quoted, 200)
      const other = await api().request(
        'PUT',
        `/v2.0/networks/${created.id}`,
        { network: { name: 'other' } },
        { 'If-Match': '*' },
      )
      expectStatus(other, 200)
      expect(other.body.network).toMatchObject({ name: 'other', revision_number: 2 })
    })

    it('answers 400 BadRequest for a malformed If-Match revision_number and changes nothing', async () => {
      const created = await aNetwork(api(), { name: 'kept' })
      const response = await api().request(
        'PUT',
        `/v2.0/networks/${created.id}`,
        { network: { name: 'lost' } },
        { 'If-Match': 'revision_number=abc' },
      )
      expectError(
        response,
        400,
        'BadRequest',
        'Bad if-match request: Revision number etag must be in the format of revision_number=<int>.',
      )
      const multiple = await api().request('DELETE', `/v2.0/networks/${created.id}`, undefined, {
        'If-Match': '"revision_number=0", "revision_number=1"',
      })
      expectError(multiple, 400, 'BadRequest', /Multiple revision_number etags/)
      const shown = await getOk(api(), `/v2.0/networks/${created.id}`)
      expect(shown.network).toMatchObject({ name: 'kept', revision_number: 0 })
    })

    it('bumps the network revision_number when a subnet is added', async () => {
      const { network } = await aNetworkWithSubnet(api())
      const shown = await getOk(api(), `/v2.0/networks/${network.id}`)
      expect(shown.network.revision_number).toBeGreaterThan(network.revision_number)
    })

    it('sends an x-openstack-request-id header', async () => {
      const response = await api().request('GET', '/v2.0/networks')
      expect(response.headers.get('x-openstack-request-id')).toMatch(/^req-[0-9a-f-]{36}$/)
    })
  })
}
