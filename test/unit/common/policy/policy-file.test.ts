import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ConfigError } from '../../../../src/common/errors.js'
import { findPolicyFile, loadPolicy, readPolicyFile } from '../../../../src/common/policy/index.js'

describe('the policy file', () => {
  let dir: string
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'leasehold-policy-'))
  })
  afterEach(() => rmSync(dir, { recursive: true, force: true }))

  function write(path: string, text: string): string {
    const file = join(dir, path)
    mkdirSync(join(file, '..'), { recursive: true })
    writeFileSync(file, text)
    return file
  }

  it('is looked up next to the config files, the last one first, then in the working directory', () => {
    const first = write('etc/a/leasehold.conf', '')
    const second = write('etc/b/leasehold.conf', '')
    const inA = write('etc/a/policy.yaml', '')
    const inCwd = write('work/policy.yaml', '')
    const cwd = join(dir, 'work')
    expect(findPolicyFile('policy.yaml', [first, second], cwd)).toBe(inA)
    const inB = write('etc/b/policy.yaml', '')
    expect(findPolicyFile('policy.yaml', [first, second], cwd)).toBe(inB)
    expect(findPolicyFile('policy.yaml', [], cwd)).toBe(inCwd)
    expect(findPolicyFile(inA, [], '/')).toBe(inA)
    expect(findPolicyFile('missing.yaml', [first], cwd)).toBeUndefined()
  })

  it('reads YAML and JSON rule maps', () => {
    const yaml = write(
      'p.yaml',
      '# comment\n"create_network:shared": "rule:admin_or_owner"\nget_agent: role:member\nregular: ""\n',
    )
    expect(readPolicyFile(yaml)).toEqual({
      'create_network:shared': 'rule:admin_or_owner',
      get_agent: 'role:member',
      regular: '',
    })
    expect(readPolicyFile(write('p.json', '{"get_agent": "@"}'))).toEqual({ get_agent: '@' })
    expect(readPolicyFile(write('empty.yaml', ''))).toEqual({})
  })

  it('refuses a file that is not a map of strings, naming the file', () => {
    for (const text of ['- a\n- b\n', 'get_agent: [1, 2]\n', 'a: {b: c}\n', 'a: "unclosed\n']) {
      const file = write('bad.yaml', text)
      expect(() => readPolicyFile(file), text).toThrow(ConfigError)
      expect(() => readPolicyFile(file), text).toThrow(file)
    }
  })

  it('uses the defaults when the default policy.yaml is absent, and refuses a missing named file', () => {
    const loaded = loadPolicy({
      policyFile: 'policy.yaml',
      enforceNewDefaults: false,
      configFiles: [],
      cwd: dir,
    })
    expect(loaded.file).toBeUndefined()
    expect(loaded.policy.rules.every((r) => r.source === 'default')).toBe(true)
    expect(() =>
      loadPolicy({ policyFile: 'mine.yaml', enforceNewDefaults: false, configFiles: [], cwd: dir }),
    ).toThrow(/policy_file in section \[oslo_policy\]/)
  })

  it('applies the overrides and refuses a rule that does not parse', () => {
    const conf = write('leasehold.conf', '')
    write('policy.yaml', 'get_agent: "role:member"\n')
    const loaded = loadPolicy({
      policyFile: 'policy.yaml',
      enforceNewDefaults: false,
      configFiles: [conf],
    })
    expect(loaded.file).toBe(join(dir, 'policy.yaml'))
    expect(loaded.policy.check('get_agent', {}, { roles: ['member'] })).toBe(true)
    write('policy.yaml', 'get_agent: "role:member or"\n')
    expect(() =>
      loadPolicy({ policyFile: 'policy.yaml', enforceNewDefaults: false, configFiles: [conf] }),
    ).toThrow(ConfigError)
  })
})
