import { describe, expect, it } from 'vitest'
import type { RequestContext } from '../../../../src/common/context.js'
import { PolicyNotAuthorized } from '../../../../src/common/errors.js'
import {
  attributeFilter,
  attributesSetOnCreate,
  authorize,
  filterAuthorized,
  isAuthorized,
  Policy,
} from '../../../../src/common/policy/index.js'

const ALICE: RequestContext = {
  projectId: 'p-alice',
  roles: ['member'],
  isAdmin: false,
  requestId: 'r',
}
const ADMIN: RequestContext = {
  projectId: 'p-ops',
  roles: ['admin'],
  isAdmin: true,
  requestId: 'r',
}

/** A port target of Alice on a shared network of p-admin. */
const ON_SHARED = {
  project_id: 'p-alice',
  tenant_id: 'p-alice',
  'network:tenant_id': 'p-admin',
  'network:shared': true,
}

function refusal(run: () => void): string | undefined {
  try {
    run()
    return undefined
  } catch (error) {
    expect(error).toBeInstanceOf(PolicyNotAuthorized)
    return (error as PolicyNotAuthorized).action
  }
}

describe('authorize', () => {
  it('checks the action, then the rule of each attribute the request sets', () => {
    expect(refusal(() => authorize(ALICE, 'create_port', ON_SHARED, { name: 'x' }))).toBeUndefined()
    expect(
      refusal(() =>
        authorize(ALICE, 'create_port', ON_SHARED, { mac_address: 'fa:16:3e:00:00:01' }),
      ),
    ).toBe('create_port:mac_address')
    expect(
      refusal(() =>
        authorize(ADMIN, 'create_port', ON_SHARED, { mac_address: 'fa:16:3e:00:00:01' }),
      ),
    ).toBeUndefined()
    expect(refusal(() => authorize(ALICE, 'get_agent'))).toBe('get_agent')
  })

  it('checks the rules of the keys used inside a list of dicts', () => {
    const bySubnet = { fixed_ips: [{ subnet_id: 's-1' }] }
    const byAddress = { fixed_ips: [{ subnet_id: 's-1' }, { ip_address: '198.18.0.9' }] }
    expect(refusal(() => authorize(ALICE, 'create_port', ON_SHARED, bySubnet))).toBeUndefined()
    expect(refusal(() => authorize(ALICE, 'create_port', ON_SHARED, byAddress))).toBe(
      'create_port:fixed_ips:ip_address',
    )
  })

  it("judges with the context's own policy, the built-in defaults without one", () => {
    const open = new Policy({ overrides: { get_agent: '@' } })
    expect(isAuthorized(ALICE, 'get_agent')).toBe(false)
    expect(isAuthorized({ ...ALICE, policy: open }, 'get_agent')).toBe(true)
  })

  it('counts an attribute as set on create only when it differs from its default', () => {
    expect(
      attributesSetOnCreate('network', {
        name: '',
        shared: false,
        admin_state_up: true,
        mtu: 1400,
      }),
    ).toEqual({ mtu: 1400 })
    expect(attributesSetOnCreate('network', { shared: true })).toEqual({ shared: true })
    expect(
      attributesSetOnCreate('port', {
        device_owner: '',
        'binding:host_id': '',
        mac_address: undefined,
      }),
    ).toEqual({})
    expect(attributesSetOnCreate('port', { device_owner: 'network:dhcp' })).toEqual({
      device_owner: 'network:dhcp',
    })
  })
})

describe('filterAuthorized', () => {
  const items = [
    { id: 'a', project_id: 'p-alice', tenant_id: 'p-alice' },
    { id: 'b', project_id: 'p-bob', tenant_id: 'p-bob' },
  ]

  it('keeps the items the rule allows, one check per item', () => {
    const kept = filterAuthorized(ALICE, 'delete_network', items, (i) => i)
    expect(kept.map((i) => i.id)).toEqual(['a'])
  })

  it('decides once for a rule that ignores the target', () => {
    let targets = 0
    const count = (i: (typeof items)[number]) => {
      targets++
      return i
    }
    expect(filterAuthorized(ALICE, 'get_agent', items, count)).toEqual([])
    expect(filterAuthorized(ADMIN, 'get_agent', items, count)).toEqual(items)
    expect(targets).toBe(0)
  })
})

describe('attributeFilter', () => {
  const port = {
    id: 'p',
    project_id: 'p-alice',
    tenant_id: 'p-alice',
    'binding:host_id': 'compute-1',
    'binding:vif_type': 'unbound',
    name: 'x',
  }

  it('hides admin-only attributes from others and leaves admins everything', () => {
    expect(attributeFilter(ADMIN, 'port')?.(port) ?? port).toEqual(port)
    const seen = attributeFilter(ALICE, 'port')?.(port)
    expect(seen).toEqual({ id: 'p', project_id: 'p-alice', tenant_id: 'p-alice', name: 'x' })
  })

  it('drops project_id with tenant_id, and applies target-dependent rules per item', () => {
    const policy = new Policy({ overrides: { 'get_port:tenant_id': 'tenant_id:%(tenant_id)s' } })
    const filter = attributeFilter({ ...ALICE, policy }, 'port')
    expect(filter?.(port)).toHaveProperty('tenant_id')
    const others = filter?.({ ...port, project_id: 'p-bob', tenant_id: 'p-bob' })
    expect(others).not.toHaveProperty('tenant_id')
    expect(others).not.toHaveProperty('project_id')
  })

  it('is undefined when no rule can hide anything', () => {
    expect(attributeFilter(ALICE, 'network')).toBeDefined() // get_network:router:external
    expect(attributeFilter(ALICE, 'agent')).toBeUndefined()
  })
})
