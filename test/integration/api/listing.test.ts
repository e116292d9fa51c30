import { describe, expect, it } from 'vitest'
import type { TestApi } from '../../support/api-server.js'
import {
  aNetwork,
  aNetworkWithSubnet,
  aPort,
  aSubnet,
  expectError,
  getOk,
  useTestApi,
} from './fixtures.js'

interface Link {
  rel: string
  href: string
}

/** The path and query of a pagination link, to request it from the test API. */
function pathOf(link: Link): string {
  const url = new URL(link.href)
  return `${url.pathname}${url.search}`
}

function linkOf(body: { networks_links?: Link[] }, rel: string): Link | undefined {
  return body.networks_links?.find((l) => l.rel === rel)
}

function names(items: { name: string }[]): string[] {
  return items.map((i) => i.name)
}

/** Creates networks with the given names, one after the other. */
async function networksNamed(api: TestApi, ...list: string[]): Promise<any[]> {
  const out = []
  for (const name of list) out.push(await aNetwork(api, { name }))
  return out
}

for (const engine of ['sqlite'] as const) {
  describe(`${engine}: listing`, () => {
    const api = useTestApi(engine)

    describe('filters', () => {
      it('ORs repeated values of one filter key', async () => {
        await networksNamed(api(), 'red', 'green', 'blue')
        const body = await getOk(api(), '/v2.0/networks?name=red&name=blue')
        expect(names(body.networks).sort()).toEqual(['blue', 'red'])
      })

      it('ANDs different filter keys', async () => {
        await aNetwork(api(), { name: 'red', admin_state_up: false })
        await aNetwork(api(), { name: 'red' })
        await aNetwork(api(), { name: 'blue', admin_state_up: false })
        const body = await getOk(api(), '/v2.0/networks?name=red&admin_state_up=false')
        expect(body.networks).toHaveLength(1)
        expect(body.networks[0]).toMatchObject({ name: 'red', admin_state_up: false })
      })

      it('accepts admin_state_up=True as the openstack CLI sends it', async () => {
        await aNetwork(api(), { name: 'up' })
        await aNetwork(api(), { name: 'down', admin_state_up: false })
        expect(names((await getOk(api(), '/v2.0/networks?admin_state_up=True')).networks)).toEqual([
          'up',
        ])
        expect(names((await getOk(api(), '/v2.0/networks?admin_state_up=False')).networks)).toEqual(
          ['down'],
        )
      })

      it('filters on shared, id and project_id', async () => {
        const shared = await aNetwork(api(), { name: 's', shared: true })
        const other = await aNetwork(api(), { name: 'o', project_id: 'p-x' })
        expect(names((await getOk(api(), '/v2.0/networks?shared=true')).networks)).toEqual(['s'])
        expect(names((await getOk(api(), `/v2.0/networks?id=${other.id}`)).networks)).toEqual(['o'])
        expect(
          names(
            (await getOk(api(), `/v2.0/networks?id=${other.id}&id=${shared.id}`)).networks,
          ).sort(),
        ).toEqual(['o', 's'])
        expect(names((await getOk(api(), '/v2.0/networks?project_id=p-x')).networks)).toEqual(['o'])
        expect(names((await getOk(api(), '/v2.0/networks?tenant_id=p-x')).networks)).toEqual(['o'])
      })

      it('ignores a filter given with an empty value, as Neutron does', async () => {
        await networksNamed(api(), 'a', '')
        const body = await getOk(api(), '/v2.0/networks?name=')
        expect(names(body.networks).sort()).toEqual(['', 'a'])
      })

      it('returns an empty list when nothing matches', async () => {
        await networksNamed(api(), 'a')
        expect(await getOk(api(), '/v2.0/networks?name=zzz')).toEqual({ networks: [] })
      })

      it('filters subnets by network_id, ip_version and cidr', async () => {
        const a = await aNetwork(api())
        const b = await aNetwork(api())
        const v4 = await aSubnet(api(), a.id)
        await aSubnet(api(), a.id, { ip_version: 6, cidr: 'fd00:1::/64' })
        await aSubnet(api(), b.id, { cidr: '198.18.1.0/24' })
        const byNetwork = (await getOk(api(), `/v2.0/subnets?network_id=${a.id}&ip_version=4`))
          .subnets
        expect(byNetwork.map((s: { id: string }) => s.id)).toEqual([v4.id])
        const byCidr = (await getOk(api(), '/v2.0/subnets?cidr=198.18.1.0/24')).subnets
        expect(byCidr.map((s: { network_id: string }) => s.network_id)).toEqual([b.id])
      })

      it('filters ports by device_owner and network_id', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const dhcp = await aPort(api(), network.id, { device_owner: 'network:dhcp' })
        await aPort(api(), network.id, { device_owner: 'compute:nova' })
        const body = await getOk(
          api(),
          `/v2.0/ports?network_id=${network.id}&device_owner=network%3Adhcp`,
        )
        expect(body.ports.map((p: { id: string }) => p.id)).toEqual([dhcp.id])
      })

      it('filters ports by fixed_ips=ip_address=X', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const wanted = await aPort(api(), network.id, {
          fixed_ips: [{ ip_address: '198.18.0.10' }],
        })
        await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.11' }] })
        const body = await getOk(api(), '/v2.0/ports?fixed_ips=ip_address%3D198.18.0.10')
        expect(body.ports.map((p: { id: string }) => p.id)).toEqual([wanted.id])
      })

      it('filters ports by fixed_ips=subnet_id=Y', async () => {
        const network = await aNetwork(api())
        await aSubnet(api(), network.id)
        const second = await aSubnet(api(), network.id, { cidr: '198.18.1.0/24' })
        const wanted = await aPort(api(), network.id, { fixed_ips: [{ subnet_id: second.id }] })
        await aPort(api(), network.id)
        const body = await getOk(api(), `/v2.0/ports?fixed_ips=subnet_id%3D${second.id}`)
        expect(body.ports.map((p: { id: string }) => p.id)).toEqual([wanted.id])
      })

      it('ORs repeated fixed_ips=ip_address filters', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const a = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.10' }] })
        const b = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.11' }] })
        await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.12' }] })
        const body = await getOk(
          api(),
          '/v2.0/ports?fixed_ips=ip_address%3D198.18.0.10&fixed_ips=ip_address%3D198.18.0.11',
        )
        expect(body.ports.map((p: { id: string }) => p.id).sort()).toEqual([a.id, b.id].sort())
      })

      it('matches ip_address and subnet_id of fixed_ips on the same address', async () => {
        const network = await aNetwork(api())
        const first = await aSubnet(api(), network.id)
        const second = await aSubnet(api(), network.id, { cidr: '198.18.1.0/24' })
        const port = await aPort(api(), network.id, {
          fixed_ips: [{ ip_address: '198.18.0.10' }, { ip_address: '198.18.1.10' }],
        })
        const hit = await getOk(
          api(),
          `/v2.0/ports?fixed_ips=ip_address%3D198.18.0.10&fixed_ips=subnet_id%3D${first.id}`,
        )
        expect(hit.ports.map((p: { id: string }) => p.id)).toEqual([port.id])
        const miss = await getOk(
          api(),
          `/v2.0/ports?fixed_ips=ip_address%3D198.18.0.10&fixed_ips=subnet_id%3D${second.id}`,
        )
        expect(miss.ports).toEqual([])
      })
    })

    describe('fields', () => {
      it('returns only the fields asked for', async () => {
        await networksNamed(api(), 'a', 'b')
        const body = await getOk(api(), '/v2.0/networks?fields=id&fields=name')
        expect(body.networks).toHaveLength(2)
        for (const network of body.networks)
          expect(Object.keys(network).sort()).toEqual(['id', 'name'])
      })

      it('returns only the fields asked for on show', async () => {
        const [network] = await networksNamed(api(), 'a')
        const body = await getOk(api(), `/v2.0/networks/${network.id}?fields=name&fields=mtu`)
        expect(body).toEqual({ network: { name: 'a', mtu: 1500 } })
      })
    })

    describe('sorting', () => {
      it('sorts by name descending', async () => {
        await networksNamed(api(), 'bravo', 'delta', 'alpha', 'charlie')
        const body = await getOk(api(), '/v2.0/networks?sort_key=name&sort_dir=desc')
        expect(names(body.networks)).toEqual(['delta', 'charlie', 'bravo', 'alpha'])
      })

      it('sorts by name ascending', async () => {
        await networksNamed(api(), 'bravo', 'delta', 'alpha', 'charlie')
        const body = await getOk(api(), '/v2.0/networks?sort_key=name&sort_dir=asc')
        expect(names(body.networks)).toEqual(['alpha', 'bravo', 'charlie', 'delta'])
      })

      it('sorts by several keys', async () => {
        await aNetwork(api(), { name: 'b', mtu: 1400 })
        await aNetwork(api(), { name: 'a', mtu: 1400 })
        await aNetwork(api(), { name: 'c', mtu: 1500 })
        const body = await getOk(
          api(),
          '/v2.0/networks?sort_key=mtu&sort_dir=desc&sort_key=name&sort_dir=asc',
        )
        expect(names(body.networks)).toEqual(['c', 'a', 'b'])
      })

      it('answers 400 when sort_key and sort_dir counts differ', async () => {
        expectError(
          await api().request('GET', '/v2.0/networks?sort_key=name&sort_key=id&sort_dir=asc'),
          400,
          'HTTPBadRequest',
        )
      })
    })

    describe('pagination', () => {
      it('gives a next link with the last id as marker when the page is full', async () => {
        await networksNamed(api(), 'a', 'b', 'c')
        const body = await getOk(api(), '/v2.0/networks?limit=2&sort_key=name&sort_dir=asc')
        expect(names(body.networks)).toEqual(['a', 'b'])
        const next = linkOf(body, 'next')
        expect(next).toBeDefined()
        expect(next!.href).toMatch(new RegExp(`^${api().url}/v2\\.0/networks\\?`))
        const params = new URL(next!.href).searchParams
        expect(params.get('marker')).toBe(body.networks[1].id)
        expect(params.get('limit')).toBe('2')
        expect(params.getAll('sort_key')).toEqual(['name'])
        expect(params.get('page_reverse')).toBeNull()
      })

      it('gives no next link on a short last page', async () => {
        await networksNamed(api(), 'a', 'b', 'c')
        const first = await getOk(api(), '/v2.0/networks?limit=2&sort_key=name&sort_dir=asc')
        const last = await getOk(api(), pathOf(linkOf(first, 'next')!))
        expect(names(last.networks)).toEqual(['c'])
        expect(linkOf(last, 'next')).toBeUndefined()
      })

      it('gives a next link on a full last page, which leads to an empty page', async () => {
        await networksNamed(api(), 'a', 'b')
        const body = await getOk(api(), '/v2.0/networks?limit=2')
        expect(body.networks).toHaveLength(2)
        const after = await getOk(api(), pathOf(linkOf(body, 'next')!))
        expect(after.networks).toEqual([])
        expect(linkOf(after, 'next')).toBeUndefined()
      })

      it('gives no links when limit is not set or 0', async () => {
        await networksNamed(api(), 'a', 'b', 'c')
        expect(Object.keys(await getOk(api(), '/v2.0/networks'))).toEqual(['networks'])
        const unlimited = await getOk(api(), '/v2.0/networks?limit=0')
        expect(Object.keys(unlimited)).toEqual(['networks'])
        expect(unlimited.networks).toHaveLength(3)
      })

      it('walks every network exactly once by following next links', async () => {
        const created = await networksNamed(api(), 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7')
        const seen: string[] = []
        let path: string | undefined = '/v2.0/networks?limit=3'
        let pages = 0
        while (path !== undefined && pages < 10) {
          const body = await getOk(api(), path)
          expect(body.networks.length).toBeLessThanOrEqual(3)
          seen.push(...body.networks.map((n: { id: string }) => n.id))
          const next = linkOf(body, 'next')
          path = next ? pathOf(next) : undefined
          pages++
        }
        expect(pages).toBe(3)
        expect(seen).toHaveLength(7)
        expect([...seen].sort()).toEqual(created.map((n) => n.id).sort())
      })

      it('walks sorted pages in sort order', async () => {
        await networksNamed(api(), 'e', 'c', 'a', 'd', 'b')
        const seen: string[] = []
        let path: string | undefined = '/v2.0/networks?limit=2&sort_key=name&sort_dir=desc'
        while (path !== undefined && seen.length < 10) {
          const body = await getOk(api(), path)
          seen.push(...names(body.networks))
          const next = linkOf(body, 'next')
          path = next ? pathOf(next) : undefined
        }
        expect(seen).toEqual(['e', 'd', 'c', 'b', 'a'])
      })

      it('gives a previous link with the first id and page_reverse that leads back', async () => {
        await networksNamed(api(), 'a', 'b', 'c', 'd')
        const first = await getOk(api(), '/v2.0/networks?limit=2&sort_key=name&sort_dir=asc')
        const second = await getOk(api(), pathOf(linkOf(first, 'next')!))
        expect(names(second.networks)).toEqual(['c', 'd'])
        const previous = linkOf(second, 'previous')
        expect(previous).toBeDefined()
        const params = new URL(previous!.href).searchParams
        expect(params.get('marker')).toBe(second.networks[0].id)
        expect(params.get('page_reverse')?.toLowerCase()).toBe('true')
        const back = await getOk(api(), pathOf(previous!))
        expect(names(back.networks)).toEqual(['a', 'b'])
      })

      it('returns the last page in order with page_reverse and no marker', async () => {
        await networksNamed(api(), 'a', 'b', 'c', 'd', 'e')
        const body = await getOk(
          api(),
          '/v2.0/networks?limit=2&sort_key=name&sort_dir=asc&page_reverse=True',
        )
        expect(names(body.networks)).toEqual(['d', 'e'])
        const seen = [...names(body.networks)]
        let path: string | undefined = pathOf(linkOf(body, 'previous')!)
        while (path !== undefined && seen.length < 10) {
          const page = await getOk(api(), path)
          seen.unshift(...names(page.networks))
          const link = linkOf(page, 'previous')
          path = link ? pathOf(link) : undefined
        }
        expect(seen).toEqual(['a', 'b', 'c', 'd', 'e'])
      })

      it('leads from a reverse page forward to the items right after it', async () => {
        await networksNamed(api(), 'a', 'b', 'c', 'd', 'e')
        const last = await getOk(
          api(),
          '/v2.0/networks?limit=2&sort_key=name&sort_dir=asc&page_reverse=True',
        )
        const middle = await getOk(api(), pathOf(linkOf(last, 'previous')!))
        expect(names(middle.networks)).toEqual(['b', 'c'])
        const next = linkOf(middle, 'next')
        expect(next).toBeDefined()
        const params = new URL(next!.href).searchParams
        expect(params.get('marker')).toBe(middle.networks[1].id)
        expect(params.get('page_reverse')).toBeNull()
        expect(names((await getOk(api(), pathOf(next!))).networks)).toEqual(['d', 'e'])
      })

      it('answers 404 for a marker that names no network', async () => {
        await networksNamed(api(), 'a')
        const marker = '5d3c1a2b-0000-4000-8000-000000000000'
        expectError(
          await api().request('GET', `/v2.0/networks?limit=1&marker=${marker}`),
          404,
          'NetworkNotFound',
        )
      })

      it('pages ports with a ports_links next link', async () => {
        const { network } = await aNetworkWithSubnet(api())
        for (let i = 0; i < 3; i++) await aPort(api(), network.id)
        const body = await getOk(api(), '/v2.0/ports?limit=2')
        expect(body.ports).toHaveLength(2)
        const next = body.ports_links?.find((l: Link) => l.rel === 'next')
        expect(new URL(next.href).searchParams.get('marker')).toBe(body.ports[1].id)
      })
    })

    describe('versions and extensions', () => {
      it('answers GET / with the version document', async () => {
        const body = await getOk(api(), '/')
        expect(body).toEqual({
          versions: [
            {
              id: 'v2.0',
              status: 'CURRENT',
              links: [{ href: `${api().url}/v2.0/`, rel: 'self' }],
            },
          ],
        })
      })

      it('lists the resources under /v2.0', async () => {
        const body = await getOk(api(), '/v2.0')
        expect(body.resources.map((r: { collection: string }) => r.collection).sort()).toEqual([
          'networks',
          'ports',
          'subnets',
        ])
      })

      it('lists extra_dhcp_opt among the extensions', async () => {
        const body = await getOk(api(), '/v2.0/extensions')
        const aliases = body.extensions.map((e: { alias: string }) => e.alias)
        expect(aliases).toContain('extra_dhcp_opt')
        for (const extension of body.extensions) {
          expect(Object.keys(extension).sort()).toEqual(
            ['alias', 'description', 'links', 'name', 'updated'].sort(),
          )
        }
      })

      it('shows one extension by alias', async () => {
        const body = await getOk(api(), '/v2.0/extensions/extra_dhcp_opt')
        expect(body.extension).toMatchObject({
          alias: 'extra_dhcp_opt',
          name: 'Neutron Extra DHCP options',
        })
      })

      it('answers 404 for an unknown extension alias', async () => {
        expectError(
          await api().request('GET', '/v2.0/extensions/no-such-thing'),
          404,
          'HTTPNotFound',
          'Extension with alias no-such-thing does not exist',
        )
      })
    })
  })
}
