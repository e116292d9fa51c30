import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadPolicy, type Policy } from '../../../src/common/policy/index.js'
import { startAuthApi, type AuthApi } from '../../support/auth-api.js'
import { useTestDatabase } from '../../support/databases.js'

const ALICE = { 'x-project-id': 'p-alice', 'x-roles': 'member' }
const BOB = { 'x-project-id': 'p-bob', 'x-roles': 'member' }

describe('a policy file overriding default rules (noauth)', () => {
  const db = useTestDatabase('sqlite')
  let dir: string
  const apis: AuthApi[] = []

  function policyFrom(yaml: string, options: { enforceNewDefaults?: boolean } = {}): Policy {
    const file = join(dir, `policy-${apis.length}.yaml`)
    writeFileSync(file, yaml)
    return loadPolicy({
      policyFile: file,
      enforceNewDefaults: options.enforceNewDefaults ?? false,
      configFiles: [],
    }).policy
  }

  async function apiWith(policy?: Policy): Promise<AuthApi> {
    const api = await startAuthApi(db(), policy ? { policy } : {})
    apis.push(api)
    return api
  }

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'leasehold-policy-'))
  })
  afterAll(async () => {
    for (const api of apis) await api.close()
    if (dir) rmSync(dir, { recursive: true, force: true })
  })

  it('lets members share networks when create_network:shared allows owners', async () => {
    const defaults = await apiWith()
    const body = { network: { name: 'mine', shared: true } }
    const refused = await defaults.request('POST', '/v2.0/networks', { headers: ALICE, body })
    expect(refused.status).toBe(403)
    const open = await apiWith(policyFrom('"create_network:shared": "rule:admin_or_owner"\n'))
    const created = await open.request('POST', '/v2.0/networks', { headers: ALICE, body })
    expect(created.status, JSON.stringify(created.body)).toBe(201)
    expect(created.body.network).toMatchObject({ shared: true, project_id: 'p-alice' })
  })

  it('hides networks from their own project when get_network is for admins only', async () => {
    const defaults = await apiWith()
    const created = await defaults.request('POST', '/v2.0/networks', {
      headers: ALICE,
      body: { network: { name: 'alices' } },
    })
    const id = created.body.network.id as string
    const strict = await apiWith(policyFrom('get_network: "rule:admin_only"\n'))
    expect(
      (await strict.request('GET', '/v2.0/networks', { headers: ALICE })).body.networks,
    ).toEqual([])
    const shown = await strict.request('GET', `/v2.0/networks/${id}`, { headers: ALICE })
    expect(shown.status).toBe(404)
    expect(shown.body.NeutronError.type).toBe('NetworkNotFound')
    const renamed = await strict.request('PUT', `/v2.0/networks/${id}`, {
      headers: ALICE,
      body: { network: { name: 'x' } },
    })
    expect(renamed.status).toBe(404)
    expect((await strict.request('GET', `/v2.0/networks/${id}`)).body.network.name).toBe('alices')
    expect(
      (await defaults.request('GET', '/v2.0/networks', { headers: ALICE })).body.networks,
    ).toHaveLength(1)
  })

  it('shows binding:host_id to members when get_port:binding:host_id allows everyone', async () => {
    const defaults = await apiWith()
    const network = (
      await defaults.request('POST', '/v2.0/networks', { headers: ALICE, body: { network: {} } })
    ).body.network
    const port = (
      await defaults.request('POST', '/v2.0/ports', {
        body: { port: { network_id: network.id, project_id: 'p-alice', 'binding:host_id': 'c1' } },
      })
    ).body.port
    const path = `/v2.0/ports/${port.id}`
    expect((await defaults.request('GET', path, { headers: ALICE })).body.port).not.toHaveProperty(
      'binding:host_id',
    )
    const open = await apiWith(policyFrom('"get_port:binding:host_id": "@"\n'))
    expect((await open.request('GET', path, { headers: ALICE })).body.port['binding:host_id']).toBe(
      'c1',
    )
    expect((await open.request('GET', path, { headers: BOB })).status).toBe(404)
  })

  it('makes a role admin through context_is_admin', async () => {
    const ops = { 'x-project-id': 'p-ops', 'x-roles': 'cloud-admin' }
    const defaults = await apiWith()
    await defaults.request('POST', '/v2.0/networks', {
      headers: BOB,
      body: { network: { name: 'b' } },
    })
    expect(
      (await defaults.request('GET', '/v2.0/networks', { headers: ops })).body.networks,
    ).toEqual([])
    const custom = await apiWith(policyFrom('context_is_admin: "role:cloud-admin"\n'))
    const seen = (await custom.request('GET', '/v2.0/networks', { headers: ops })).body.networks
    expect(seen.map((n: { name: string }) => n.name)).toContain('b')
  })

  it('drops the deprecated fallbacks with enforce_new_defaults', async () => {
    const noRoles = { 'x-project-id': 'p-alice' }
    const body = { network: { name: 'n' } }
    const defaults = await apiWith()
    expect(
      (await defaults.request('POST', '/v2.0/networks', { headers: noRoles, body })).status,
    ).toBe(201)
    const strict = await apiWith(policyFrom('', { enforceNewDefaults: true }))
    const refused = await strict.request('POST', '/v2.0/networks', { headers: noRoles, body })
    expect(refused.status).toBe(403)
    expect(refused.body.NeutronError.message).toContain('create_network')
    expect((await strict.request('POST', '/v2.0/networks', { headers: ALICE, body })).status).toBe(
      201,
    )
  })
})
