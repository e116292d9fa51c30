import { describe, expect, it } from 'vitest'
import { parseCheck, PolicySyntaxError } from '../../../../src/common/policy/index.js'

describe('the policy rule parser', () => {
  it('reads an empty rule as allowing everything, and @ and ! as always and never', () => {
    expect(parseCheck('')).toEqual({ kind: 'true' })
    expect(parseCheck('  ')).toEqual({ kind: 'true' })
    expect(parseCheck('@')).toEqual({ kind: 'true' })
    expect(parseCheck('!')).toEqual({ kind: 'false' })
  })

  it('binds and tighter than or, and not tighter than and, as oslo.policy does', () => {
    expect(parseCheck('rule:a or role:b and not project_id:%(project_id)s')).toEqual({
      kind: 'or',
      checks: [
        { kind: 'rule', name: 'a' },
        {
          kind: 'and',
          checks: [
            { kind: 'role', match: 'b' },
            {
              kind: 'not',
              check: { kind: 'generic', credential: 'project_id', match: '%(project_id)s' },
            },
          ],
        },
      ],
    })
  })

  it('groups with parentheses glued to words or standing alone', () => {
    expect(parseCheck('(rule:a or rule:b) and ( role:c )')).toEqual({
      kind: 'and',
      checks: [
        {
          kind: 'or',
          checks: [
            { kind: 'rule', name: 'a' },
            { kind: 'rule', name: 'b' },
          ],
        },
        { kind: 'role', match: 'c' },
      ],
    })
    expect(parseCheck('((rule:a))')).toEqual({ kind: 'rule', name: 'a' })
  })

  it("reads Neutron's field checks, with =~ as a regular expression", () => {
    expect(parseCheck('field:networks:shared=True')).toEqual({
      kind: 'field',
      resource: 'networks',
      field: 'shared',
      value: 'True',
      regex: false,
    })
    expect(parseCheck('field:networks:router:external=True')).toMatchObject({
      field: 'router:external',
    })
    expect(parseCheck('field:port:device_owner=~^network:')).toEqual({
      kind: 'field',
      resource: 'port',
      field: 'device_owner',
      value: '^network:',
      regex: true,
    })
  })

  it('takes AND, OR and NOT in any case', () => {
    expect(parseCheck('NOT rule:a AND rule:b OR rule:c')).toMatchObject({ kind: 'or' })
  })

  it('refuses rules it cannot read, saying why', () => {
    for (const text of [
      'rule:a or',
      '(rule:a',
      'rule:a)',
      'and rule:a',
      'admin',
      'field:networks:shared',
      'field:port:device_owner=~(',
    ]) {
      expect(() => parseCheck(text), text).toThrow(PolicySyntaxError)
    }
  })
})
