import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLeaseholdUp, type LeaseholdUp } from '../support/leasehold-process.js'

const run = promisify(execFile)
/** Debian's client needs Debian's python3; call it by its full path. */
const OPENSTACK = '/usr/bin/openstack'

describe('the stock openstack command line client against leasehold up', () => {
  let up: LeaseholdUp

  async function os(...args: string[]): Promise<string> {
    const { stdout } = await run(
      OPENSTACK,
      ['--os-auth-type', 'none', '--os-endpoint', up.url, ...args],
      {
        env: { ...process.env, PATH: '/usr/bin:/bin' },
      },
    )
    return stdout
  }
  async function osJson(...args: string[]): Promise<any> {
    return JSON.parse(await os(...args, '-f', 'json'))
  }

  beforeAll(async () => {
    up = await startLeaseholdUp()
  })
  afterAll(async () => {
    const code = await up?.stop()
    expect(code).toBe(0)
  })

  it('creates, lists, shows, renames and deletes networks', async () => {
    const created = await osJson('network', 'create', 'cli-net-a')
    expect(created).toMatchObject({
      name: 'cli-net-a',
      admin_state_up: true,
      shared: false,
      mtu: 1500,
      status: 'ACTIVE',
    })
    const shared = await osJson('network', 'create', '--share', '--mtu', '1400', 'cli-net-b')
    expect(shared).toMatchObject({ shared: true, mtu: 1400 })
    const names = (await osJson('network', 'list')).map((n: any) => n.Name)
    expect(names).toEqual(expect.arrayContaining(['cli-net-a', 'cli-net-b']))
    expect((await osJson('network', 'show', 'cli-net-a')).id).toBe(created.id)
    await os('network', 'set', '--name', 'cli-net-a2', '--description', 'renamed', 'cli-net-a')
    const renamed = await osJson('network', 'show', created.id)
    expect(renamed).toMatchObject({
      name: 'cli-net-a2',
      description: 'renamed',
      revision_number: 1,
    })
    await os('network', 'delete', 'cli-net-a2', 'cli-net-b')
    const after = (await osJson('network', 'list')).map((n: any) => n.Name)
    expect(after).not.toContain('cli-net-a2')
    expect(after).not.toContain('cli-net-b')
  })

  it('creates subnets with pools, DNS servers, host routes, no DHCP and IPv6 modes', async () => {
    await os('network', 'create', 'cli-subnets')
    const v4 = await osJson(
      'subnet',
      'create',
      '--network',
      'cli-subnets',
      '--subnet-range',
      '198.18.20.0/24',
      '--allocation-pool',
      'start=198.18.20.10,end=198.18.20.20',
      '--dns-nameserver',
      '198.18.20.53',
      '--dns-nameserver',
      '198.18.20.54',
      '--host-route',
      'destination=198.19.0.0/24,gateway=198.18.20.1',
      'cli-v4',
    )
    expect(v4).toMatchObject({
      cidr: '198.18.20.0/24',
      gateway_ip: '198.18.20.1',
      enable_dhcp: true,
      allocation_pools: [{ start: '198.18.20.10', end: '198.18.20.20' }],
      dns_nameservers: ['198.18.20.53', '198.18.20.54'],
      host_routes: [{ destination: '198.19.0.0/24', nexthop: '198.18.20.1' }],
    })
    const noDhcp = await osJson(
      'subnet',
      'create',
      '--network',
      'cli-subnets',
      '--subnet-range',
      '198.18.21.0/24',
      '--no-dhcp',
      '--gateway',
      'none',
      'cli-nodhcp',
    )
    expect(noDhcp).toMatchObject({
      enable_dhcp: false,
      gateway_ip: null,
      allocation_pools: [{ start: '198.18.21.1', end: '198.18.21.254' }],
    })
    const v6 = await osJson(
      'subnet',
      'create',
      '--network',
      'cli-subnets',
      '--ip-version',
      '6',
      '--subnet-range',
      'fd00:20::/64',
      '--ipv6-ra-mode',
      'slaac',
      '--ipv6-address-mode',
      'slaac',
      'cli-v6',
    )
    expect(v6).toMatchObject({
      ip_version: 6,
      ipv6_ra_mode: 'slaac',
      ipv6_address_mode: 'slaac',
      gateway_ip: 'fd00:20::',
    })
    const listed = (await osJson('subnet', 'list', '--network', 'cli-subnets'))
      .map((s: any) => s.Name)
      .sort()
    expect(listed).toEqual(['cli-nodhcp', 'cli-v4', 'cli-v6'])
    await os('subnet', 'delete', 'cli-nodhcp')
    expect(
      (await osJson('subnet', 'list', '--network', 'cli-subnets')).map((s: any) => s.Name),
    ).not.toContain('cli-nodhcp')
  })

  it('creates, lists, changes and deletes ports with fixed IPs and extra DHCP options', async () => {
    await os('network', 'create', 'cli-ports')
    const subnet = await osJson(
      'subnet',
      'create',
      '--network',
      'cli-ports',
      '--subnet-range',
      '198.18.22.0/24',
      'cli-ports-v4',
    )
    const fixed = await osJson(
      'port',
      'create',
      '--network',
      'cli-ports',
      '--fixed-ip',
      'subnet=cli-ports-v4,ip-address=198.18.22.15',
      'cli-p1',
    )
    expect(fixed.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '198.18.22.15' }])
    expect(fixed.mac_address).toMatch(/^fa:16:3e(:[0-9a-f]{2}){3}$/)
    const pxe = await osJson(
      'port',
      'create',
      '--network',
      'cli-ports',
      '--extra-dhcp-option',
      'name=bootfile-name,value=pxelinux.0',
      '--extra-dhcp-option',
      'name=tftp-server,value=198.18.22.3,ip-version=4',
      'cli-p2',
    )
    expect(pxe.extra_dhcp_opts).toEqual(
      expect.arrayContaining([
        { opt_name: 'bootfile-name', opt_value: 'pxelinux.0', ip_version: 4 },
        { opt_name: 'tftp-server', opt_value: '198.18.22.3', ip_version: 4 },
      ]),
    )
    expect(pxe.fixed_ips[0].ip_address).toMatch(/^198\.18\.22\.\d+$/)
    // The DHCP agent of `leasehold up` adds its own (unnamed) DHCP port to the network.
    const named = (ports: any[]) =>
      ports.map((p: any) => p.Name).filter((name: string) => name !== '')
    const listed = await osJson('port', 'list', '--network', 'cli-ports')
    expect(named(listed).sort()).toEqual(['cli-p1', 'cli-p2'])
    await os('port', 'set', '--name', 'cli-p1b', 'cli-p1')
    await os(
      'port',
      'set',
      '--no-fixed-ip',
      '--fixed-ip',
      'subnet=cli-ports-v4,ip-address=198.18.22.16',
      'cli-p1b',
    )
    const changed = await osJson('port', 'show', 'cli-p1b')
    expect(changed.fixed_ips).toEqual([{ subnet_id: subnet.id, ip_address: '198.18.22.16' }])
    await os('port', 'delete', 'cli-p1b')
    const rest = await osJson('port', 'list', '--network', 'cli-ports')
    expect(named(rest)).toEqual(['cli-p2'])
  })

  it('shows the server error message for a taken address', async () => {
    await os('network', 'create', 'cli-errors')
    await os(
      'subnet',
      'create',
      '--network',
      'cli-errors',
      '--subnet-range',
      '198.18.23.0/24',
      'cli-errors-v4',
    )
    await os(
      'port',
      'create',
      '--network',
      'cli-errors',
      '--fixed-ip',
      'ip-address=198.18.23.9',
      'first',
    )
    const failure = await os(
      'port',
      'create',
      '--network',
      'cli-errors',
      '--fixed-ip',
      'ip-address=198.18.23.9',
      'second',
    ).then(
      () => 'succeeded',
      (error: { stderr: string }) => error.stderr,
    )
    expect(failure).toContain('IP address 198.18.23.9 already allocated in subnet')
  })
})
