import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from 'vitest'
import { ConfigError } from '../../../../src/common/errors.js'
import {
  bool,
  defineOptions,
  float,
  hostAddress,
  int,
  list,
  loadConfig,
  port,
  str,
} from '../../../../src/common/config/index.js'

const serverOptions = defineOptions('DEFAULT', {
  bind_host: hostAddress({ default: '0.0.0.0', help: 'The host IP to bind to.' }),
  bind_port: port({ default: 9696, help: 'The port to bind to.' }),
  api_workers: int({ default: 2, min: 1, max: 64, help: 'Number of API workers.' }),
  state_path: str({ default: '/var/lib/leasehold', help: 'Where to keep state.' }),
})
const agentOptions = defineOptions('DEFAULT', {
  dhcp_confs: str({ default: '$state_path/dhcp', help: 'Where to keep DHCP files.' }),
  dhcp_driver: str({ default: 'dnsmasq', choices: ['dnsmasq', 'noop'], help: 'The DHCP driver.' }),
  enable_isolated_metadata: bool({ default: false, help: 'Serve metadata on isolated networks.' }),
  dnsmasq_dns_servers: list({ default: [], help: 'DNS forwarders.' }),
  dnsmasq_config_file: str({ default: null, help: 'Extra dnsmasq configuration.' }),
})
const reportOptions = defineOptions('AGENT', {
  report_interval: float({ default: 30, min: 0, help: 'Seconds between state reports.' }),
  log_file: str({ default: '${DEFAULT.state_path}/agent-${report_interval}.log', help: 'Log.' }),
})
const groups = [serverOptions, agentOptions, reportOptions]

let dir: string
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'leasehold-config-'))
})
afterEach(() => {
  rmSync(dir, { recursive: true, force: true })
})

function writeConf(name: string, text: string): string {
  const file = join(dir, name)
  writeFileSync(file, text)
  return file
}

function loadText(text: string, overrides?: Record<string, Record<string, string>>) {
  return loadConfig({ files: [writeConf('one.conf', text)], groups, overrides })
}

describe('loadConfig', () => {
  it('returns the defaults when no file sets anything', () => {
    const server = loadConfig({ files: [], groups }).group(serverOptions)
    expect(server).toEqual({
      bind_host: '0.0.0.0',
      bind_port: 9696,
      api_workers: 2,
      state_path: '/var/lib/leasehold',
    })
  })

  it('parses each type from the file', () => {
    const config = loadText(
      '[DEFAULT]\nbind_host = ::1\nbind_port = +8080\nenable_isolated_metadata = YES\n' +
        'dnsmasq_dns_servers = 198.18.0.53 , ,198.18.0.54,\n[AGENT]\nreport_interval = 2.5\n',
    )
    expect(config.group(serverOptions)).toMatchObject({ bind_host: '::1', bind_port: 8080 })
    expect(config.group(agentOptions)).toMatchObject({
      enable_isolated_metadata: true,
      dnsmasq_dns_servers: ['198.18.0.53', '198.18.0.54'],
    })
    expect(config.group(reportOptions).report_interval).toBe(2.5)
  })

  it.each([
    ['true', true],
    ['On', true],
    ['1', true],
    ['no', false],
    ['OFF', false],
    ['0', false],
  ])('reads the boolean %s as %s', (text, expected) => {
    const config = loadText(`[DEFAULT]\nenable_isolated_metadata = ${text}\n`)
    expect(config.group(agentOptions).enable_isolated_metadata).toBe(expected)
  })

  it('accepts host names and rejects malformed host addresses', () => {
    expect(
      loadText('[DEFAULT]\nbind_host = dhcp-1.example.org\n').group(serverOptions).bind_host,
    ).toBe('dhcp-1.example.org')
    expect(() => loadText('[DEFAULT]\nbind_host = not a host\n')).toThrow(
      "Invalid value for option bind_host in section [DEFAULT]: 'not a host' is not a valid IP address or host name",
    )
  })

  it.each([
    ['bind_port = 70000', 'bind_port', '70000 is greater than the maximum 65535'],
    ['bind_port = -1', 'bind_port', '-1 is less than the minimum 0'],
    ['api_workers = abc', 'api_workers', "'abc' is not an integer"],
    ['api_workers = 0x10', 'api_workers', "'0x10' is not an integer"],
    ['api_workers = 1.5', 'api_workers', "'1.5' is not an integer"],
    ['api_workers = 0', 'api_workers', '0 is less than the minimum 1'],
    ['api_workers =', 'api_workers', "'' is not an integer"],
    ['dhcp_driver = isc', 'dhcp_driver', "'isc' is not one of 'dnsmasq', 'noop'"],
    [
      'enable_isolated_metadata = maybe',
      'enable_isolated_metadata',
      "'maybe' is not a boolean (true/false, yes/no, on/off or 1/0)",
    ],
  ])('rejects %j naming the option', (line, option, reason) => {
    expect(() => loadText(`[DEFAULT]\n${line}\n`)).toThrow(ConfigError)
    expect(() => loadText(`[DEFAULT]\n${line}\n`)).toThrow(
      `Invalid value for option ${option} in section [DEFAULT]: ${reason}`,
    )
  })

  it('rejects a float that is not a number', () => {
    expect(() => loadText('[AGENT]\nreport_interval = fast\n')).toThrow(
      "Invalid value for option report_interval in section [AGENT]: 'fast' is not a floating point number",
    )
  })

  it('rejects a default that breaks its own constraints', () => {
    const broken = defineOptions('DEFAULT', { workers: int({ default: 0, min: 1, help: 'W.' }) })
    expect(() => loadConfig({ files: [], groups: [broken] })).toThrow(
      'Invalid default for option workers in section [DEFAULT]: 0 is less than the minimum 1',
    )
  })

  it('lets later files win over earlier ones', () => {
    const first = writeConf('a.conf', '[DEFAULT]\nbind_port = 1\napi_workers = 3\n')
    const second = writeConf('b.conf', '[DEFAULT]\nbind_port = 2\n')
    const server = loadConfig({ files: [first, second], groups }).group(serverOptions)
    expect(server).toMatchObject({ bind_port: 2, api_workers: 3 })
  })

  it('applies overrides after all files', () => {
    const config = loadText('[DEFAULT]\nbind_port = 1\n', { DEFAULT: { bind_port: '2' } })
    expect(config.group(serverOptions).bind_port).toBe(2)
  })

  it('checks overrides like file values and refuses undeclared ones', () => {
    expect(() => loadText('', { DEFAULT: { bind_port: 'x' } })).toThrow(
      "Invalid value for option bind_port in section [DEFAULT]: 'x' is not an integer",
    )
    expect(() => loadText('', { DEFAULT: { bind_prot: '1' } })).toThrow(
      'Cannot override undeclared option bind_prot in section [DEFAULT]',
    )
  })

  it('names a missing file', () => {
    const missing = join(dir, 'missing.conf')
    expect(() => loadConfig({ files: [missing], groups })).toThrow(
      `Cannot read config file ${missing}: ENOENT`,
    )
  })

  it('names the file and line of a syntax error', () => {
    const file = writeConf('bad.conf', '[DEFAULT]\nbind_port 1\n')
    expect(() => loadConfig({ files: [file], groups })).toThrow(
      `Cannot parse config file ${file} at line 2:`,
    )
  })

  it('interpolates a default with an option set in a file', () => {
    const agent = loadText('[DEFAULT]\nstate_path = /srv/lh\n').group(agentOptions)
    expect(agent.dhcp_confs).toBe('/srv/lh/dhcp')
  })

  it('interpolates file values, section-qualified names, non-string options and $$', () => {
    const config = loadText(
      '[DEFAULT]\ndnsmasq_config_file = ${state_path}/$$HOME/\\$x/$api_workers-$ $.\n' +
        '[AGENT]\nreport_interval = 4\n',
    )
    expect(config.group(agentOptions).dnsmasq_config_file).toBe(
      '/var/lib/leasehold/$HOME/$x/2-$ $.',
    )
    expect(config.group(reportOptions).log_file).toBe('/var/lib/leasehold/agent-4.log')
  })

  it('interpolates an unset option as an empty string', () => {
    const config = loadText('[DEFAULT]\ndhcp_confs = [$dnsmasq_config_file]\n')
    expect(config.group(agentOptions).dhcp_confs).toBe('[]')
  })

  it('prefers an option in the same section over one in DEFAULT', () => {
    const shadow = defineOptions('AGENT', {
      state_path: str({ default: '/agent', help: 'S.' }),
      where: str({ default: '$state_path', help: 'W.' }),
    })
    const config = loadConfig({ files: [], groups: [serverOptions, shadow] })
    expect(config.group(shadow).where).toBe('/agent')
  })

  it('rejects a reference to an undeclared option', () => {
    expect(() => loadText('[DEFAULT]\ndhcp_confs = $nowhere/dhcp\n')).toThrow(
      'Invalid value for option dhcp_confs in section [DEFAULT]: $nowhere names no option in [DEFAULT] or [DEFAULT]',
    )
  })

  it('rejects an interpolation loop', () => {
    expect(() =>
      loadText('[DEFAULT]\nstate_path = $dhcp_confs\ndhcp_confs = $state_path/dhcp\n'),
    ).toThrow(/Invalid value for option \w+ in section \[DEFAULT\]: interpolation loop/)
  })

  it('matches sections as oslo.config does: DEFAULT exactly, others in any case', () => {
    const config = loadText('[agent]\nreport_interval = 7\n[default]\nbind_port = 1\n')
    expect(config.group(reportOptions).report_interval).toBe(7)
    expect(config.group(serverOptions).bind_port).toBe(9696)
    expect(config.unknown).toEqual(['[default] bind_port'])
  })

  it('ignores unknown options and sections but lists them once', () => {
    const first = writeConf('a.conf', '[DEFAULT]\nverbose = true\n[nova]\nregion = r1\n')
    const second = writeConf('b.conf', '[DEFAULT]\nverbose = false\nbind_port = 1\n')
    const config = loadConfig({ files: [first, second], groups })
    expect(config.unknown).toEqual(['[DEFAULT] verbose', '[nova] region'])
  })

  it('freezes the configuration and every group value', () => {
    const config = loadText('[DEFAULT]\ndnsmasq_dns_servers = a,b\n')
    const agent = config.group(agentOptions)
    expect(Object.isFrozen(config)).toBe(true)
    expect(Object.isFrozen(config.unknown)).toBe(true)
    expect(Object.isFrozen(agent)).toBe(true)
    expect(Object.isFrozen(agent.dnsmasq_dns_servers)).toBe(true)
  })

  it('types group values from the declarations', () => {
    const agent = loadConfig({ files: [], groups }).group(agentOptions)
    expectTypeOf(agent.enable_isolated_metadata).toEqualTypeOf<boolean>()
    expectTypeOf(agent.dhcp_driver).toEqualTypeOf<string>()
    expectTypeOf(agent.dnsmasq_config_file).toEqualTypeOf<string | null>()
    expectTypeOf(agent.dnsmasq_dns_servers).toEqualTypeOf<readonly string[]>()
    expectTypeOf(loadConfig({ files: [], groups }).group(serverOptions).bind_port).toBeNumber()
  })

  it('accepts one option declared identically by two groups of a section', () => {
    const again = defineOptions('DEFAULT', {
      state_path: str({ default: '/var/lib/leasehold', help: 'Where to keep state.' }),
    })
    const config = loadConfig({ files: [], groups: [...groups, again] })
    expect(config.group(again).state_path).toBe('/var/lib/leasehold')
  })

  it('rejects one option declared differently by two groups of a section', () => {
    const clash = defineOptions('DEFAULT', {
      bind_port: port({ default: 9697, help: 'The port to bind to.' }),
    })
    expect(() => loadConfig({ files: [], groups: [...groups, clash] })).toThrow(
      'Option bind_port in section [DEFAULT] is declared twice with different definitions',
    )
  })

  it('refuses values for a group whose options were not loaded', () => {
    const other = defineOptions('DEFAULT', { unloaded: int({ default: 1, help: 'U.' }) })
    expect(() => loadConfig({ files: [], groups }).group(other)).toThrow(
      'Option unloaded in section [DEFAULT] was not loaded',
    )
  })
})
