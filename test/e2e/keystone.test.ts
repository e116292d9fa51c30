import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createAuthenticator,
  requestContext,
  type KeystoneAuthenticator,
} from '../../src/api/auth/index.js'
import { PolicyNotAuthorized } from '../../src/common/errors.js'
import { authorize, DEFAULT_POLICY } from '../../src/common/policy/index.js'
import { openDatabase, type DatabaseHandle } from '../../src/db/database.js'
import { upgradeDatabase } from '../../src/db/migrator.js'
import type { ApiResponse } from '../support/api-server.js'
import { startAuthApi, waitUntil, type AuthApi } from '../support/auth-api.js'
import { createScratchDatabase, type ScratchDatabase } from '../support/databases.js'
import { KEYSTONE_ADMIN, useKeystone, type KeystoneUser } from '../support/keystone.js'
import { ROOT, startLeasehold } from '../support/leasehold-process.js'
import { createRabbitVhost } from '../support/rabbitmq.js'

const run = promisify(execFile)
const OPENSTACK = '/usr/bin/openstack'

/** Every Keystone test is in this file: Keystone takes about 40 s to start, once per file. */
describe('auth_strategy = keystone against a real Keystone', () => {
  const keystone = useKeystone()
  let scratch: ScratchDatabase
  let handle: DatabaseHandle
  let alice: KeystoneUser
  let bob: KeystoneUser
  const tokens = { admin: '', alice: '', bob: '' }
  let api: AuthApi
  const extraApis: AuthApi[] = []

  function keystoneAuthenticator(tokenCacheTime: number): KeystoneAuthenticator {
    const k = keystone()
    const settings = {
      strategy: 'keystone',
      httpBasicAuthUserFile: '',
      keystone: {
        www_authenticate_uri: k.authUrl,
        auth_url: k.url,
        auth_type: 'password',
        username: 'network',
        password: 'network-pass',
        project_name: 'service',
        user_domain_name: 'Default',
        project_domain_name: 'Default',
        region_name: 'RegionOne',
        token_cache_time: tokenCacheTime,
        http_connect_timeout: 10,
      },
    }
    return createAuthenticator(settings, pino({ level: 'silent' })) as KeystoneAuthenticator
  }

  /** Another API over the same database, with a cache of its own. */
  async function anotherApi(tokenCacheTime: number): Promise<AuthApi> {
    const started = await startAuthApi(handle, {
      authenticator: keystoneAuthenticator(tokenCacheTime),
    })
    extraApis.push(started)
    return started
  }

  const as = (token: string) => ({ headers: { 'x-auth-token': token } })

  async function created(
    response: Promise<ApiResponse>,
    singular: string,
  ): Promise<Record<string, any>> {
    const answer = await response
    expect(answer.status, JSON.stringify(answer.body)).toBe(201)
    return answer.body[singular]
  }

  function expectNeutronError(response: ApiResponse, status: number, type: string): void {
    expect(response.status, JSON.stringify(response.body)).toBe(status)
    expect(response.body.NeutronError.type).toBe(type)
  }

  beforeAll(async () => {
    const k = keystone()
    alice = await k.createUser({
      name: 'alice',
      password: 'alice-pw',
      project: 'proj-a',
      role: 'member',
    })
    bob = await k.createUser({ name: 'bob', password: 'bob-pw', project: 'proj-b', role: 'member' })
    tokens.admin = (await k.issueToken(KEYSTONE_ADMIN)).token
    tokens.alice = (await k.issueToken(alice)).token
    tokens.bob = (await k.issueToken(bob)).token
    scratch = await createScratchDatabase('sqlite')
    handle = openDatabase(scratch.url)
    await upgradeDatabase(handle)
    api = await startAuthApi(handle, { authenticator: keystoneAuthenticator(300) })
  }, 60_000)

  afterAll(async () => {
    for (const started of [api, ...extraApis]) await started?.close()
    await handle?.close()
    await scratch?.drop()
  })

  it('answers GET / without a token, and 401 with a Keystone challenge otherwise', async () => {
    const versions = await api.request('GET', '/')
    expect(versions.status).toBe(200)
    expect(versions.body.versions[0].id).toBe('v2.0')
    for (const options of [{}, as('not-a-token')]) {
      for (const path of ['/v2.0/networks', '/v2.0/extensions']) {
        const refused = await api.request('GET', path, options)
        expectNeutronError(refused, 401, 'HTTPUnauthorized')
        expect(refused.headers.get('www-authenticate')).toBe(`Keystone uri="${keystone().authUrl}"`)
      }
    }
  })

  it("shows each member its own project's networks and ports and the shared ones only", async () => {
    const shared = await created(
      api.request('POST', '/v2.0/networks', {
        ...as(tokens.admin),
        body: { network: { name: 'shared-net', shared: true } },
      }),
      'network',
    )
    await created(
      api.request('POST', '/v2.0/subnets', {
        ...as(tokens.admin),
        body: { subnet: { network_id: shared.id, ip_version: 4, cidr: '198.18.100.0/24' } },
      }),
      'subnet',
    )
    const own: Record<string, { network: Record<string, any>; port: Record<string, any> }> = {}
    for (const [who, cidr] of [
      ['alice', '198.18.101.0/24'],
      ['bob', '198.18.102.0/24'],
    ] as const) {
      const headers = as(tokens[who])
      const network = await created(
        api.request('POST', '/v2.0/networks', {
          ...headers,
          body: { network: { name: `${who}-net` } },
        }),
        'network',
      )
      await created(
        api.request('POST', '/v2.0/subnets', {
          ...headers,
          body: { subnet: { network_id: network.id, ip_version: 4, cidr } },
        }),
        'subnet',
      )
      const port = await created(
        api.request('POST', '/v2.0/ports', {
          ...headers,
          body: { port: { network_id: network.id } },
        }),
        'port',
      )
      own[who] = { network, port }
    }
    expect(own.alice?.network.project_id).toBe(alice.projectId)
    expect(own.bob?.port.project_id).toBe(bob.projectId)

    const names = async (token: string) =>
      ((await api.request('GET', '/v2.0/networks', as(token))).body.networks as { name: string }[])
        .map((n) => n.name)
        .sort()
    expect(await names(tokens.alice)).toEqual(['alice-net', 'shared-net'])
    expect(await names(tokens.bob)).toEqual(['bob-net', 'shared-net'])
    expect(await names(tokens.admin)).toEqual(['alice-net', 'bob-net', 'shared-net'])

    const bobs = own.bob!
    expectNeutronError(
      await api.request('GET', `/v2.0/networks/${bobs.network.id}`, as(tokens.alice)),
      404,
      'NetworkNotFound',
    )
    expectNeutronError(
      await api.request('GET', `/v2.0/ports/${bobs.port.id}`, as(tokens.alice)),
      404,
      'PortNotFound',
    )
    const onShared = await created(
      api.request('POST', '/v2.0/ports', {
        ...as(tokens.alice),
        body: { port: { network_id: shared.id } },
      }),
      'port',
    )
    expect(onShared.project_id).toBe(alice.projectId)
    expect(onShared.fixed_ips[0].ip_address).toMatch(/^198\.18\.100\./)
    const portIds = async (token: string) =>
      ((await api.request('GET', '/v2.0/ports', as(token))).body.ports as { id: string }[])
        .map((p) => p.id)
        .sort()
    expect(await portIds(tokens.alice)).toEqual([own.alice!.port.id, onShared.id].sort())
    expect(await portIds(tokens.bob)).toEqual([bobs.port.id])
  })

  it('refuses a member what only an admin may do', async () => {
    const network = await created(
      api.request('POST', '/v2.0/networks', { ...as(tokens.alice), body: { network: {} } }),
      'network',
    )
    const sharing = await api.request('POST', '/v2.0/networks', {
      ...as(tokens.alice),
      body: { network: { shared: true } },
    })
    expectNeutronError(sharing, 403, 'PolicyNotAuthorized')
    expect(sharing.body.NeutronError.message).toContain('create_network:shared')
    const binding = await api.request('POST', '/v2.0/ports', {
      ...as(tokens.alice),
      body: { port: { network_id: network.id, 'binding:host_id': 'compute-1' } },
    })
    expectNeutronError(binding, 403, 'PolicyNotAuthorized')
    const port = await created(
      api.request('POST', '/v2.0/ports', {
        ...as(tokens.admin),
        body: {
          port: {
            network_id: network.id,
            project_id: alice.projectId,
            'binding:host_id': 'compute-1',
          },
        },
      }),
      'port',
    )
    const asAdmin = await api.request('GET', `/v2.0/ports/${port.id}`, as(tokens.admin))
    expect(asAdmin.body.port['binding:host_id']).toBe('compute-1')
    const asOwner = await api.request('GET', `/v2.0/ports/${port.id}`, as(tokens.alice))
    expect(asOwner.status).toBe(200)
    expect(asOwner.body.port).not.toHaveProperty('binding:host_id')

    // There is no agents API yet: the rule it will enforce, with contexts from real tokens.
    const authenticator = keystoneAuthenticator(300)
    const member = requestContext(
      await authenticator.identityOf(tokens.alice),
      DEFAULT_POLICY,
      'r1',
    )
    expect(member.roles).toEqual(expect.arrayContaining(['member', 'reader']))
    expect(member.isAdmin).toBe(false)
    expect(() => authorize(member, 'get_agent')).toThrow(PolicyNotAuthorized)
    const admin = requestContext(await authenticator.identityOf(tokens.admin), DEFAULT_POLICY, 'r2')
    expect(admin.isAdmin).toBe(true)
    expect(() => authorize(admin, 'get_agent')).not.toThrow()
  })

  it('answers 401 for a revoked token once no cache vouches for it', async () => {
    const k = keystone()
    const revokedUnseen = (await k.issueToken(alice)).token
    await k.revokeToken(revokedUnseen)
    expectNeutronError(
      await api.request('GET', '/v2.0/networks', as(revokedUnseen)),
      401,
      'HTTPUnauthorized',
    )

    const shortCache = await anotherApi(1)
    const token = (await k.issueToken(alice)).token
    expect((await shortCache.request('GET', '/v2.0/networks', as(token))).status).toBe(200)
    expect((await api.request('GET', '/v2.0/networks', as(token))).status).toBe(200)
    await k.revokeToken(token)
    await waitUntil(
      async () => (await shortCache.request('GET', '/v2.0/networks', as(token))).status === 401,
      { timeoutMs: 10_000, what: 'the revoked token to be refused after token_cache_time = 1' },
    )
    // As with keystonemiddleware, a cached answer stands for token_cache_time (300 s here).
    expect((await api.request('GET', '/v2.0/networks', as(token))).status).toBe(200)
  })

  it('answers 401 once a token has expired', async () => {
    const k = keystone()
    const short = await k.issueShortLivedToken(alice, 8)
    expect(short.expiresAt - Date.now()).toBeLessThan(12_000)
    expect((await api.request('GET', '/v2.0/networks', as(short.token))).status).toBe(200)
    await waitUntil(
      async () => (await api.request('GET', '/v2.0/networks', as(short.token))).status === 401,
      { timeoutMs: 30_000, what: 'the expired token to be refused' },
    )
    // A server that never saw it hears from Keystone that it is no longer valid.
    const fresh = await anotherApi(300)
    expectNeutronError(
      await fresh.request('GET', '/v2.0/networks', as(short.token)),
      401,
      'HTTPUnauthorized',
    )
  }, 60_000)

  it('serves the stock openstack client that finds leasehold server in the catalog', async () => {
    const k = keystone()
    const vhost = await createRabbitVhost()
    const dir = mkdtempSync(join(tmpdir(), 'leasehold-keystone-cli-'))
    try {
      const configFile = join(dir, 'leasehold.conf')
      writeFileSync(
        configFile,
        [
          '[DEFAULT]',
          `transport_url = ${vhost.url}`,
          'auth_strategy = keystone',
          '[database]',
          `connection = sqlite:///${join(dir, 'leasehold.sqlite')}`,
          '[keystone_authtoken]',
          `www_authenticate_uri = ${k.authUrl}`,
          `auth_url = ${k.url}`,
          'auth_type = password',
          'username = network',
          'password = network-pass',
          'project_name = service',
          'user_domain_name = Default',
          'project_domain_name = Default',
          'region_name = RegionOne',
          '',
        ].join('\n'),
      )
      await run(process.execPath, [
        join(ROOT, 'bin', 'leasehold'),
        'db',
        'upgrade',
        '--config-file',
        configFile,
      ])
      const server = await startLeasehold('server', ['--config-file', configFile])
      try {
        await k.setNetworkEndpoint(server.url)
        const env = { PATH: '/usr/bin:/bin', HOME: dir, ...k.clientEnv(alice) }
        const os = async (...args: string[]): Promise<any> => {
          const { stdout } = await run(OPENSTACK, [...args, '-f', 'json'], { env })
          return JSON.parse(stdout)
        }
        const network = await os('network', 'create', 'kcli-net')
        expect(network.project_id).toBe(alice.projectId)
        const subnet = await os(
          'subnet',
          'create',
          '--network',
          'kcli-net',
          '--subnet-range',
          '198.18.110.0/24',
          'kcli-v4',
        )
        expect(subnet.cidr).toBe('198.18.110.0/24')
        const port = await os('port', 'create', '--network', 'kcli-net', 'kcli-port')
        expect(port.fixed_ips[0].ip_address).toMatch(/^198\.18\.110\./)
        expect((await os('network', 'list')).map((n: any) => n.Name)).toContain('kcli-net')
        expect((await os('subnet', 'list')).map((s: any) => s.Name)).toContain('kcli-v4')
        expect((await os('port', 'list')).map((p: any) => p.Name)).toEqual(['kcli-port'])
        expect(server.output()).toContain('"auth_strategy":"keystone"')
      } finally {
        expect(await server.stop()).toBe(0)
      }
    } finally {
      await vhost.drop()
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  // Last: it stops Keystone.
  it('answers 503 while Keystone is down and keeps serving the tokens it has cached', async () => {
    const k = keystone()
    const unseen = (await k.issueToken(bob)).token
    expect((await api.request('GET', '/v2.0/networks', as(tokens.alice))).status).toBe(200)
    await k.stop()
    expect((await api.request('GET', '/v2.0/networks', as(tokens.alice))).status).toBe(200)
    expectNeutronError(
      await api.request('GET', '/v2.0/networks', as(unseen)),
      503,
      'ServiceUnavailable',
    )
    expectNeutronError(await api.request('GET', '/v2.0/networks'), 401, 'HTTPUnauthorized')
  })
})
