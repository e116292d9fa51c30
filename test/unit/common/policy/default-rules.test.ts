import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  DEFAULT_POLICY,
  DEFAULT_RULES,
  Policy,
  type Credentials,
} from '../../../../src/common/policy/index.js'
import { ROOT } from '../../../support/leasehold-process.js'

const ADMIN: Credentials = {
  project_id: 'p-ops',
  tenant_id: 'p-ops',
  roles: ['admin', 'member', 'reader'],
}
const member = (project: string, roles = ['member', 'reader']): Credentials => ({
  project_id: project,
  tenant_id: project,
  roles,
})
const ALICE = member('p-alice')
const NEW_DEFAULTS = new Policy({ enforceNewDefaults: true })

const AGENT_RULES = [
  'get_agent',
  'update_agent',
  'delete_agent',
  'create_dhcp-network',
  'get_dhcp-networks',
  'delete_dhcp-network',
  'get_dhcp-agents',
]

/** A target owned by `project`, on a network of `networkOwner` (shared or not). */
function target(project: string, networkOwner = project, shared = false) {
  return {
    project_id: project,
    tenant_id: project,
    'network:tenant_id': networkOwner,
    'network:shared': shared,
  }
}

describe("Neutron's default rules", () => {
  it('keeps the agent and DHCP scheduling rules for admins only', () => {
    for (const rule of AGENT_RULES) {
      expect(DEFAULT_POLICY.has(rule), rule).toBe(true)
      expect(DEFAULT_POLICY.check(rule, {}, ADMIN), rule).toBe(true)
      expect(DEFAULT_POLICY.check(rule, target('p-alice'), ALICE), rule).toBe(false)
      expect(DEFAULT_POLICY.check(rule, {}, member('p-x', ['reader'])), rule).toBe(false)
    }
  })

  it('lets get_agent through for whoever holds the admin role, in any project', () => {
    expect(DEFAULT_POLICY.check('get_agent', {}, { project_id: null, roles: ['admin'] })).toBe(true)
    expect(DEFAULT_POLICY.check('get_agent', {}, { project_id: 'p', roles: ['Admin'] })).toBe(true)
    expect(DEFAULT_POLICY.check('get_agent', {}, { project_id: 'p', roles: ['advsvc'] })).toBe(
      false,
    )
  })

  it('gives networks to their project and shared networks to everyone to see', () => {
    expect(
      DEFAULT_POLICY.check('get_network', { ...target('p-alice'), shared: false }, ALICE),
    ).toBe(true)
    expect(DEFAULT_POLICY.check('get_network', { ...target('p-bob'), shared: false }, ALICE)).toBe(
      false,
    )
    expect(DEFAULT_POLICY.check('get_network', { ...target('p-bob'), shared: true }, ALICE)).toBe(
      true,
    )
    expect(
      DEFAULT_POLICY.check('update_network', { ...target('p-bob'), shared: true }, ALICE),
    ).toBe(false)
    expect(DEFAULT_POLICY.check('create_network:shared', target('p-alice'), ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('create_network:shared', target('p-alice'), ADMIN)).toBe(true)
  })

  it('lets only the network owner pick addresses and MACs, and anyone use a shared subnet', () => {
    const onShared = target('p-alice', 'p-admin', true)
    const onOwn = target('p-alice')
    expect(DEFAULT_POLICY.check('create_port:fixed_ips:ip_address', onShared, ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('create_port:fixed_ips:subnet_id', onShared, ALICE)).toBe(true)
    expect(DEFAULT_POLICY.check('create_port:mac_address', onShared, ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('create_port:fixed_ips:ip_address', onOwn, ALICE)).toBe(true)
    expect(DEFAULT_POLICY.check('create_port:mac_address', onOwn, ALICE)).toBe(true)
    expect(DEFAULT_POLICY.check('update_port:mac_address', onOwn, ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('update_port:fixed_ips', onShared, ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('create_port:binding:host_id', onOwn, ALICE)).toBe(false)
  })

  it('lets a network: device_owner only to the network owner', () => {
    const dhcp = { ...target('p-alice', 'p-admin', true), device_owner: 'network:dhcp' }
    const compute = { ...dhcp, device_owner: 'compute:nova' }
    expect(DEFAULT_POLICY.check('create_port:device_owner', dhcp, ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('create_port:device_owner', compute, ALICE)).toBe(true)
    expect(
      DEFAULT_POLICY.check(
        'create_port:device_owner',
        { ...dhcp, 'network:tenant_id': 'p-alice' },
        ALICE,
      ),
    ).toBe(true)
  })

  it('keeps subnets of a network to its owner (the 2023.2 rule), yet shows shared ones', () => {
    const onShared = target('p-alice', 'p-admin', true)
    expect(DEFAULT_POLICY.check('create_subnet', onShared, ALICE)).toBe(false)
    expect(DEFAULT_POLICY.check('create_subnet', target('p-alice'), ALICE)).toBe(true)
    expect(DEFAULT_POLICY.check('get_subnet', target('p-admin', 'p-admin', true), ALICE)).toBe(true)
    expect(DEFAULT_POLICY.check('get_subnet', target('p-bob'), ALICE)).toBe(false)
  })

  it('honours the deprecated rules unless enforce_new_defaults, as Zed does', () => {
    const noRoles = member('p-alice', [])
    const reader = member('p-alice', ['reader'])
    expect(DEFAULT_POLICY.check('create_network', target('p-alice'), noRoles)).toBe(true)
    expect(NEW_DEFAULTS.check('create_network', target('p-alice'), noRoles)).toBe(false)
    expect(NEW_DEFAULTS.check('create_network', target('p-alice'), ALICE)).toBe(true)
    expect(NEW_DEFAULTS.check('get_network', target('p-alice'), reader)).toBe(true)
    expect(NEW_DEFAULTS.check('update_network', target('p-alice'), reader)).toBe(false)
    expect(DEFAULT_POLICY.check('update_network', target('p-alice'), reader)).toBe(true)
    // a network owner sees other projects' ports on its network only through the old rule
    const bobsPortOnAlicesNet = target('p-bob', 'p-alice')
    expect(DEFAULT_POLICY.check('get_port', bobsPortOnAlicesNet, ALICE)).toBe(true)
    expect(NEW_DEFAULTS.check('get_port', bobsPortOnAlicesNet, ALICE)).toBe(false)
  })

  it('says which rules can depend on the target', () => {
    expect(DEFAULT_POLICY.usesTarget('get_agent')).toBe(false)
    expect(DEFAULT_POLICY.usesTarget('get_port:binding:host_id')).toBe(false)
    expect(DEFAULT_POLICY.usesTarget('get_network')).toBe(true)
    expect(DEFAULT_POLICY.usesTarget('create_network:shared')).toBe(false)
  })

  it('are all in the README table, as they are built in', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
    const cell = (check: string) => (check === '' ? '*(empty: always passes)*' : `\`${check}\``)
    for (const rule of DEFAULT_RULES) {
      const deprecated = rule.deprecated === undefined ? '' : `\`${rule.deprecated}\``
      expect(readme, rule.name).toContain(
        `| \`${rule.name}\` | ${cell(rule.check)} | ${deprecated} |`,
      )
    }
  })
})
