import { describe, expect, it } from 'vitest'
import { testDatabases } from '../../support/databases.js'
import { aNetwork, aNetworkWithSubnet, aPort, expectError, getOk, useTestApi } from './fixtures.js'

/** Control characters that could break a dnsmasq line, and others like them. */
const CONTROL_CHARACTERS: Record<string, string> = {
  newline: '\n',
  'carriage return': '\r',
  NUL: '\u0000',
  tab: '\t',
  escape: '\u001b',
  'vertical tab': '\u000b',
  'form feed': '\u000c',
  DEL: '\u007f',
  'next line (C1)': '\u0085',
  'CSI (C1)': '\u009b',
}

/** Option names with different treatment in Neutron and dnsmasq. */
const OPTION_NAMES = [
  'bootfile-name',
  'router',
  'classless-static-route',
  'client-id',
  '61',
  'tag:pxe,tftp-server',
]

for (const engine of ['sqlite'] as const) {
  describe(`${engine}: bad input`, () => {
    const api = useTestApi(engine)

    describe('request bodies', () => {
      it('answers 400 for malformed JSON', async () => {
        const response = await api().request('POST', '/v2.0/networks', '{"network": {"name": ')
        expectError(response, 400, 'HTTPBadRequest', /^Malformed request body/)
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 400 for malformed JSON on PUT', async () => {
        const network = await aNetwork(api(), { name: 'kept' })
        const response = await api().request('PUT', `/v2.0/networks/${network.id}`, '{"network"')
        expectError(response, 400, 'HTTPBadRequest', /^Malformed request body/)
        expect((await getOk(api(), `/v2.0/networks/${network.id}`)).network.name).toBe('kept')
      })

      it('answers 400 for a JSON body that is not an object', async () => {
        for (const body of ['[]', '"network"', '42', 'null']) {
          const response = await api().request('POST', '/v2.0/networks', body)
          expect(response.status, body).toBe(400)
          expect(response.body.NeutronError.type, body).toBe('HTTPBadRequest')
        }
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 400 when the resource key is missing', async () => {
        const response = await api().request('POST', '/v2.0/networks', { netwrk: { name: 'x' } })
        expectError(response, 400, 'HTTPBadRequest', "Unable to find 'network' in request body")
      })

      it('answers 400 when the resource is not an object', async () => {
        for (const network of ['x', 5, null, [{ name: 'x' }]]) {
          const response = await api().request('POST', '/v2.0/networks', { network })
          expect(response.status, JSON.stringify(network)).toBe(400)
          expect(response.body.NeutronError.type).toBe('HTTPBadRequest')
        }
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 400 for a body larger than max_request_body_size', async () => {
        const response = await api().request('POST', '/v2.0/networks', {
          network: { name: 'big', description: 'x'.repeat(120_000) },
        })
        expectError(response, 400, 'HTTPBadRequest', /too large/)
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 400 for an empty bulk list', async () => {
        expectError(
          await api().request('POST', '/v2.0/networks', { networks: [] }),
          400,
          'HTTPBadRequest',
        )
      })
    })

    describe('attributes', () => {
      it("answers 400 Unrecognized attribute(s) 'foo' for an unknown attribute", async () => {
        const response = await api().request('POST', '/v2.0/networks', {
          network: { name: 'x', foo: 1 },
        })
        expectError(response, 400, 'HTTPBadRequest', "Unrecognized attribute(s) 'foo'")
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 400 for an unknown attribute on PUT and changes nothing', async () => {
        const network = await aNetwork(api(), { name: 'kept' })
        const response = await api().request('PUT', `/v2.0/networks/${network.id}`, {
          network: { name: 'lost', foo: 1 },
        })
        expectError(response, 400, 'HTTPBadRequest', "Unrecognized attribute(s) 'foo'")
        const shown = (await getOk(api(), `/v2.0/networks/${network.id}`)).network
        expect(shown).toMatchObject({ name: 'kept', revision_number: 0 })
      })

      it('answers 400 for read-only attributes in a POST', async () => {
        expectError(
          await api().request('POST', '/v2.0/networks', {
            network: { id: '9a5c2c48-2b3c-4b8e-a3e6-0d8c5f1d6e01' },
          }),
          400,
          'HTTPBadRequest',
          "Attribute 'id' not allowed in POST",
        )
        expectError(
          await api().request('POST', '/v2.0/networks', { network: { status: 'DOWN' } }),
          400,
          'HTTPBadRequest',
          "Attribute 'status' not allowed in POST",
        )
        const { network } = await aNetworkWithSubnet(api())
        expectError(
          await api().request('POST', '/v2.0/ports', {
            port: { network_id: network.id, status: 'ACTIVE' },
          }),
          400,
          'HTTPBadRequest',
          "Attribute 'status' not allowed in POST",
        )
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 400 Cannot update read-only attribute for network_id and cidr', async () => {
        const { network, subnet } = await aNetworkWithSubnet(api())
        const port = await aPort(api(), network.id)
        const other = await aNetwork(api())
        expectError(
          await api().request('PUT', `/v2.0/ports/${port.id}`, {
            port: { network_id: other.id },
          }),
          400,
          'HTTPBadRequest',
          'Cannot update read-only attribute network_id',
        )
        expectError(
          await api().request('PUT', `/v2.0/subnets/${subnet.id}`, {
            subnet: { cidr: '198.18.5.0/24' },
          }),
          400,
          'HTTPBadRequest',
          'Cannot update read-only attribute cidr',
        )
        expect((await getOk(api(), `/v2.0/ports/${port.id}`)).port.network_id).toBe(network.id)
        expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet.cidr).toBe('198.18.0.0/24')
      })

      it('answers 400 InvalidInput for admin_state_up "maybe"', async () => {
        const response = await api().request('POST', '/v2.0/networks', {
          network: { admin_state_up: 'maybe' },
        })
        expectError(
          response,
          400,
          'InvalidInput',
          "Invalid input for operation: 'maybe' cannot be converted to boolean.",
        )
      })

      it('accepts admin_state_up as the string "false"', async () => {
        const network = await aNetwork(api(), { admin_state_up: 'false' })
        expect(network.admin_state_up).toBe(false)
      })

      it('answers 400 InvalidInput for mtu "abc"', async () => {
        const response = await api().request('POST', '/v2.0/networks', { network: { mtu: 'abc' } })
        expectError(
          response,
          400,
          'InvalidInput',
          "Invalid input for operation: 'abc' is not an integer.",
        )
      })

      it('answers 400 for an mtu out of range', async () => {
        const response = await api().request('POST', '/v2.0/networks', { network: { mtu: 10 } })
        expectError(response, 400, 'HTTPBadRequest', /^Invalid input for mtu\. Reason: /)
      })

      it('answers 400 for a name that is not a string', async () => {
        const response = await api().request('POST', '/v2.0/networks', { network: { name: 5 } })
        expectError(
          response,
          400,
          'HTTPBadRequest',
          /^Invalid input for name\. Reason: .*5.* is not a valid string\.$/,
        )
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('answers 400 for a name longer than 255 characters', async () => {
        const response = await api().request('POST', '/v2.0/networks', {
          network: { name: 'n'.repeat(256) },
        })
        expectError(response, 400, 'HTTPBadRequest', /exceeds maximum length of 255/)
      })

      it('answers 400 for fixed_ips that are not a list', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await api().request('POST', '/v2.0/ports', {
          port: { network_id: network.id, fixed_ips: 'x' },
        })
        expectError(response, 400, 'HTTPBadRequest', /^Invalid input for fixed_ips\. Reason: /)
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 400 for a fixed IP with an unknown key or a bad address', async () => {
        const { network } = await aNetworkWithSubnet(api())
        for (const fixed of [{ ip: '198.18.0.5' }, { ip_address: '198.18.0.300' }, 'x']) {
          const response = await api().request('POST', '/v2.0/ports', {
            port: { network_id: network.id, fixed_ips: [fixed] },
          })
          expectError(response, 400, 'HTTPBadRequest', /^Invalid input for fixed_ips\. Reason: /)
        }
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 400 InvalidInput for a fixed IP with neither subnet_id nor ip_address', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await api().request('POST', '/v2.0/ports', {
          port: { network_id: network.id, fixed_ips: [{}] },
        })
        expectError(
          response,
          400,
          'InvalidInput',
          'Invalid input for operation: IP allocation requires subnet_id or ip_address.',
        )
      })

      it('answers 400 for the same fixed IP twice', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await api().request('POST', '/v2.0/ports', {
          port: {
            network_id: network.id,
            fixed_ips: [{ ip_address: '198.18.0.5' }, { ip_address: '198.18.0.5' }],
          },
        })
        expectError(response, 400, 'HTTPBadRequest', /Duplicate IP address '198\.18\.0\.5'/)
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it("answers 400 Required attribute 'network_id' not specified", async () => {
        expectError(
          await api().request('POST', '/v2.0/ports', { port: { name: 'x' } }),
          400,
          'HTTPBadRequest',
          "Failed to parse request. Required attribute 'network_id' not specified",
        )
        expectError(
          await api().request('POST', '/v2.0/subnets', { subnet: { cidr: '198.18.0.0/24' } }),
          400,
          'HTTPBadRequest',
          /^Failed to parse request\. Required attribute '(network_id|ip_version)' not specified$/,
        )
      })

      it('answers 400 for a network_id that is not a UUID', async () => {
        expectError(
          await api().request('POST', '/v2.0/ports', { port: { network_id: 'abc' } }),
          400,
          'HTTPBadRequest',
          "Invalid input for network_id. Reason: 'abc' is not a valid UUID.",
        )
      })

      it('answers 400 InvalidInput for ip_version "abc" and 400 for ip_version 5', async () => {
        const network = await aNetwork(api())
        const post = (ipVersion: unknown) =>
          api().request('POST', '/v2.0/subnets', {
            subnet: { network_id: network.id, ip_version: ipVersion, cidr: '198.18.0.0/24' },
          })
        expectError(
          await post('abc'),
          400,
          'InvalidInput',
          "Invalid input for operation: 'abc' is not an integer.",
        )
        expectError(await post(5), 400, 'HTTPBadRequest', /^Invalid input for ip_version\. /)
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
      })

      it('answers 400 when project_id and tenant_id differ', async () => {
        const response = await api().request('POST', '/v2.0/networks', {
          network: { project_id: 'p-a', tenant_id: 'p-b' },
        })
        expectError(response, 400, 'HTTPBadRequest')
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })
    })

    describe('extra_dhcp_opts with control characters', () => {
      for (const [label, character] of Object.entries(CONTROL_CHARACTERS)) {
        it(`refuses a ${label} in opt_value on create, whatever the option name, and creates nothing`, async () => {
          const { network } = await aNetworkWithSubnet(api())
          for (const name of OPTION_NAMES) {
            const response = await api().request('POST', '/v2.0/ports', {
              port: {
                network_id: network.id,
                extra_dhcp_opts: [{ opt_name: name, opt_value: `a${character}dhcp-range=x` }],
              },
            })
            expectError(
              response,
              400,
              'HTTPBadRequest',
              /^Invalid input for extra_dhcp_opts\. Reason: /,
            )
          }
          expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
        })

        it(`refuses a ${label} in opt_name on create and creates nothing`, async () => {
          const { network } = await aNetworkWithSubnet(api())
          const response = await api().request('POST', '/v2.0/ports', {
            port: {
              network_id: network.id,
              extra_dhcp_opts: [{ opt_name: `bootfile-name${character}`, opt_value: 'pxe.0' }],
            },
          })
          expectError(response, 400, 'HTTPBadRequest', /^Invalid input for extra_dhcp_opts\. /)
          expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
        })

        it(`refuses a ${label} in opt_value or opt_name on update and leaves the port unchanged`, async () => {
          const { network } = await aNetworkWithSubnet(api())
          const port = await aPort(api(), network.id, {
            extra_dhcp_opts: [{ opt_name: 'bootfile-name', opt_value: 'pxelinux.0' }],
          })
          const attempts = [
            ...OPTION_NAMES.map((name) => ({ opt_name: name, opt_value: `v${character}x` })),
            { opt_name: `tftp-server${character}`, opt_value: '198.18.0.3' },
            { opt_name: `bootfile-name${character}`, opt_value: null },
          ]
          for (const opt of attempts) {
            const response = await api().request('PUT', `/v2.0/ports/${port.id}`, {
              port: { name: 'changed', extra_dhcp_opts: [opt] },
            })
            expectError(response, 400, 'HTTPBadRequest', /^Invalid input for extra_dhcp_opts\. /)
          }
          const shown = (await getOk(api(), `/v2.0/ports/${port.id}`)).port
          expect(shown).toEqual(port)
        })
      }

      it('refuses a bad option among good ones and stores none of them', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await api().request('POST', '/v2.0/ports', {
          port: {
            network_id: network.id,
            extra_dhcp_opts: [
              { opt_name: 'bootfile-name', opt_value: 'pxelinux.0' },
              { opt_name: 'tftp-server', opt_value: '198.18.0.3\ndhcp-boot=evil' },
            ],
          },
        })
        expectError(response, 400, 'HTTPBadRequest')
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })

      it('answers 400 for an option without opt_name or with an unknown key', async () => {
        const { network } = await aNetworkWithSubnet(api())
        for (const opt of [
          { opt_value: 'x' },
          { opt_name: 'bootfile-name', opt_value: 'x', foo: 'y' },
          { opt_name: '', opt_value: 'x' },
          { opt_name: 'bootfile-name', opt_value: 'x', ip_version: 5 },
        ]) {
          const response = await api().request('POST', '/v2.0/ports', {
            port: { network_id: network.id, extra_dhcp_opts: [opt] },
          })
          expectError(response, 400, 'HTTPBadRequest', /^Invalid input for extra_dhcp_opts\. /)
        }
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
      })
    })

    describe('bulk create', () => {
      it('creates no network when one item of a bulk request is invalid', async () => {
        const response = await api().request('POST', '/v2.0/networks', {
          networks: [{ name: 'good' }, { name: 'bad', admin_state_up: 'maybe' }],
        })
        expectError(response, 400, 'InvalidInput')
        expect((await getOk(api(), '/v2.0/networks')).networks).toEqual([])
      })

      it('creates no port when a later item of a bulk request conflicts', async () => {
        const { network } = await aNetworkWithSubnet(api())
        const response = await api().request('POST', '/v2.0/ports', {
          ports: [
            { network_id: network.id, fixed_ips: [{ ip_address: '198.18.0.50' }] },
            { network_id: network.id, fixed_ips: [{ ip_address: '198.18.0.50' }] },
          ],
        })
        expectError(response, 409, 'IpAddressAlreadyAllocated')
        expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([])
        const port = await aPort(api(), network.id, { fixed_ips: [{ ip_address: '198.18.0.50' }] })
        expect(port.fixed_ips[0].ip_address).toBe('198.18.0.50')
      })

      it('creates no subnet when a later item of a bulk request overlaps an earlier one', async () => {
        const network = await aNetwork(api())
        const response = await api().request('POST', '/v2.0/subnets', {
          subnets: [
            { network_id: network.id, ip_version: 4, cidr: '198.18.0.0/24' },
            { network_id: network.id, ip_version: 4, cidr: '198.18.0.0/25' },
          ],
        })
        expectError(response, 400, 'InvalidInput')
        expect((await getOk(api(), '/v2.0/subnets')).subnets).toEqual([])
        expect((await getOk(api(), `/v2.0/networks/${network.id}`)).network.subnets).toEqual([])
      })
    })

    describe('query strings and URLs', () => {
      it('answers 400 for an unknown filter key', async () => {
        expectError(
          await api().request('GET', '/v2.0/networks?foo=bar'),
          400,
          'HTTPBadRequest',
          "['foo'] is invalid attribute for filtering",
        )
      })

      it('answers 400 for a bad limit', async () => {
        for (const limit of ['x', '-1', '1.5']) {
          expectError(
            await api().request('GET', `/v2.0/networks?limit=${limit}`),
            400,
            'HTTPBadRequest',
            `Limit must be an integer 0 or greater and not '${limit}'`,
          )
        }
      })

      it('answers 400 for an unknown sort key and a bad sort direction', async () => {
        expectError(
          await api().request('GET', '/v2.0/networks?sort_key=foo&sort_dir=asc'),
          400,
          'HTTPBadRequest',
          "['foo'] is invalid attribute for sort_keys",
        )
        expectError(
          await api().request('GET', '/v2.0/networks?sort_key=name&sort_dir=up'),
          400,
          'HTTPBadRequest',
          /sort_dirs/,
        )
      })

      it('answers 404 in JSON for an unknown URL', async () => {
        for (const path of ['/v2.0/routers', '/v3/networks', '/v2.0/networks/x/y']) {
          const response = await api().request('GET', path)
          expectError(response, 404, 'HTTPNotFound', 'The resource could not be found.')
        }
      })

      it('answers 404 NetworkNotFound for an id that is not a UUID', async () => {
        expectError(await api().request('GET', '/v2.0/networks/not-a-uuid'), 404, 'NetworkNotFound')
      })
    })
  })
}

for (const engine of testDatabases()) {
  describe(`${engine}: input that one engine or another cannot store`, () => {
    const api = useTestApi(engine)

    it('answers 400 for a NUL character in any string attribute and stores nothing', async () => {
      const { network, subnet } = await aNetworkWithSubnet(api())
      const port = await aPort(api(), network.id)
      const attempts: [string, string, unknown][] = [
        ['POST', '/v2.0/networks', { network: { name: 'a\u0000b' } }],
        ['POST', '/v2.0/networks', { network: { description: 'a\u0000b' } }],
        ['POST', '/v2.0/networks', { network: { project_id: 'a\u0000b' } }],
        ['POST', '/v2.0/ports', { port: { network_id: network.id, device_id: 'a\u0000b' } }],
        ['PUT', `/v2.0/ports/${port.id}`, { port: { name: 'a\u0000b' } }],
        ['PUT', `/v2.0/subnets/${subnet.id}`, { subnet: { name: 'a\u0000b' } }],
      ]
      for (const [method, path, body] of attempts) {
        expectError(
          await api().request(method, path, body),
          400,
          'HTTPBadRequest',
          /contains a NUL character/,
        )
      }
      expect((await getOk(api(), '/v2.0/networks')).networks).toHaveLength(1)
      expect((await getOk(api(), '/v2.0/ports')).ports).toEqual([port])
      expect((await getOk(api(), `/v2.0/subnets/${subnet.id}`)).subnet).toEqual(subnet)
    })

    it('answers 400 for a NUL character in an id, a filter or a marker', async () => {
      await aNetwork(api())
      for (const [method, path] of [
        ['GET', '/v2.0/networks/%00'],
        ['DELETE', '/v2.0/ports/a%00b'],
        ['GET', '/v2.0/networks?name=%00'],
        ['GET', '/v2.0/subnets?limit=1&marker=%00'],
      ] as const) {
        expectError(await api().request(method, path), 400, 'HTTPBadRequest', /NUL/)
      }
    })

    it('answers a JSON 400 for a URL the router cannot take apart', async () => {
      for (const path of ['/v2.0/networks/%ff', `/v2.0/networks/${'x'.repeat(300)}`]) {
        expectError(
          await api().request('GET', path),
          400,
          'HTTPBadRequest',
          /^Malformed request URL/,
        )
      }
    })

    it('treats a limit beyond any count as no smaller than the list', async () => {
      await aNetwork(api(), { name: 'a' })
      await aNetwork(api(), { name: 'b' })
      const body = await getOk(api(), '/v2.0/networks?limit=99999999999999999999')
      expect(body.networks).toHaveLength(2)
      expect(body.networks_links).toBeUndefined()
    })

    it('answers 400 for an integer filter beyond any column', async () => {
      await aNetwork(api())
      for (const query of ['mtu=99999999999999999999', 'revision_number=-99999999999999999999']) {
        expectError(
          await api().request('GET', `/v2.0/networks?${query}`),
          400,
          'HTTPBadRequest',
          /is out of range/,
        )
      }
    })

    it('answers 400 for timestamps as filters but sorts by them', async () => {
      const first = await aNetwork(api(), { name: 'first' })
      expectError(
        await api().request('GET', '/v2.0/networks?created_at=2020'),
        400,
        'HTTPBadRequest',
        "['created_at'] is invalid attribute for filtering",
      )
      const sorted = await getOk(api(), '/v2.0/networks?sort_key=created_at&sort_dir=asc')
      expect(sorted.networks.map((n: { id: string }) => n.id)).toEqual([first.id])
    })
  })
}
