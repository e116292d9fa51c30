import { describe, expect, it } from 'vitest'
import {
  Policy,
  PolicyCycleError,
  PolicyRuleError,
  type Credentials,
} from '../../../../src/common/policy/index.js'

const ALICE: Credentials = {
  project_id: 'p-alice',
  tenant_id: 'p-alice',
  user_id: 'u-1',
  roles: ['member'],
}

describe('a policy', () => {
  it('lets a file rule replace a default and adds rules of its own', () => {
    const policy = new Policy({
      overrides: { get_agent: 'role:member', my_rule: 'user_id:%(user_id)s' },
    })
    expect(policy.check('get_agent', {}, ALICE)).toBe(true)
    expect(policy.check('my_rule', { user_id: 'u-1' }, ALICE)).toBe(true)
    expect(policy.check('my_rule', { user_id: 'u-2' }, ALICE)).toBe(false)
    const shown = policy.rules.filter((r) => r.name === 'get_agent' || r.name === 'my_rule')
    expect(shown).toEqual([
      { name: 'get_agent', check: 'role:member', source: 'file', description: 'Get an agent' },
      { name: 'my_rule', check: 'user_id:%(user_id)s', source: 'file' },
    ])
  })

  it("writes a default with a deprecated fallback as oslo.policy's OR of the two", () => {
    const rule = new Policy().rules.find((r) => r.name === 'create_network')
    expect(rule?.check).toBe(
      '(rule:admin_only or role:member and project_id:%(project_id)s) or (rule:regular_user)',
    )
    const strict = new Policy({ enforceNewDefaults: true }).rules.find(
      (r) => r.name === 'create_network',
    )
    expect(strict?.check).toBe('rule:admin_only or role:member and project_id:%(project_id)s')
  })

  it("falls back to the 'default' rule for a rule that does not exist", () => {
    const policy = new Policy({
      overrides: { default: 'role:member', uses_missing: 'rule:no_such_rule' },
    })
    expect(policy.has('no_such_rule')).toBe(false)
    expect(policy.check('no_such_rule', {}, ALICE)).toBe(true)
    expect(policy.check('uses_missing', {}, ALICE)).toBe(true)
    expect(policy.check('uses_missing', {}, { ...ALICE, roles: ['reader'] })).toBe(false)
    const none = new Policy({ defaults: [] })
    expect(none.check('no_such_rule', {}, ALICE)).toBe(false)
  })

  it('compares credentials with the target the way oslo.policy does', () => {
    const policy = new Policy({
      defaults: [],
      overrides: {
        owner: 'project_id:%(project_id)s',
        literal: "'True':%(shared)s",
        nested: 'roles:member',
        percent: 'user_id:u-%%1',
        shared_net: 'field:networks:shared=True',
      },
    })
    expect(policy.check('owner', { project_id: 'p-alice' }, ALICE)).toBe(true)
    expect(policy.check('owner', {}, ALICE)).toBe(false)
    expect(policy.check('literal', { shared: true }, ALICE)).toBe(true)
    expect(policy.check('literal', { shared: false }, ALICE)).toBe(false)
    expect(policy.check('nested', {}, ALICE)).toBe(true)
    expect(policy.check('percent', {}, { ...ALICE, user_id: 'u-%1' })).toBe(true)
    expect(policy.check('shared_net', { shared: true }, ALICE)).toBe(true)
    expect(policy.check('shared_net', { 'network:shared': true }, ALICE)).toBe(true)
    expect(policy.check('shared_net', { shared: false, 'network:shared': true }, ALICE)).toBe(false)
    expect(policy.check('shared_net', {}, ALICE)).toBe(false)
  })

  it('refuses rules that refer to each other in a loop', () => {
    expect(() => new Policy({ defaults: [], overrides: { a: 'rule:b', b: 'not rule:a' } })).toThrow(
      PolicyCycleError,
    )
    expect(() => new Policy({ defaults: [], overrides: { default: 'rule:missing' } })).toThrow(
      PolicyCycleError,
    )
  })

  it('names the rule whose check string does not parse', () => {
    expect(() => new Policy({ overrides: { get_network: 'role:admin or' } })).toThrow(
      /policy rule 'get_network'/,
    )
    expect(() => new Policy({ overrides: { get_network: 'role:admin or' } })).toThrow(
      PolicyRuleError,
    )
  })

  it('lists the attribute rules of an action', () => {
    const names = new Policy().attributeRules('create_port').map((r) => r.attribute)
    expect(names).toEqual(
      expect.arrayContaining([
        'mac_address',
        'fixed_ips',
        'fixed_ips:ip_address',
        'binding:host_id',
      ]),
    )
    expect(names).not.toContain('port')
  })
})
