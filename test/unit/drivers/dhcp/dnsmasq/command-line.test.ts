import { describe, expect, it } from 'vitest'
import { dnsmasqArgs } from '../../../../../src/drivers/dhcp/dnsmasq/command-line.js'
import { UnsafeDnsmasqValue } from '../../../../../src/drivers/dhcp/dnsmasq/safety.js'
import { E, NETWORK_ID, aConfig, aNetwork, aSubnet, subnetD, subnetF } from './fixtures.js'

const DIR = `/dhcp/${NETWORK_ID}`
const HEAD = [
  'dnsmasq',
  '--no-hosts',
  '--no-resolv',
  `--pid-file=${DIR}/pid`,
  `--dhcp-hostsfile=${DIR}/host`,
  `--addn-hosts=${DIR}/addn_hosts`,
  `--dhcp-optsfile=${DIR}/opts`,
  `--dhcp-leasefile=${DIR}/leases`,
  '--dhcp-match=set:ipxe,175',
  '--dhcp-userclass=set:ipxe6,iPXE',
  '--local-service',
  '--bind-dynamic',
]
const RANGE_D =
  '--dhcp-range=set:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd,192.168.0.0,static,255.255.255.0,86400s'
const RANGE_F =
  '--dhcp-range=set:subnet-ffffffff-ffff-ffff-ffff-ffffffffffff,fdca:3ba5:a17a:4ba3::,static,64,86400s'

const dualNetwork = () => aNetwork({ subnets: [subnetD(), subnetF()] })

describe('dnsmasqArgs', () => {
  it("builds Neutron's test_spawn command line in its exact order", () => {
    expect(dnsmasqArgs(dualNetwork(), aConfig(), 'tap0')).toEqual([
      ...HEAD,
      RANGE_D,
      RANGE_F,
      '--dhcp-lease-max=16777216',
      '--conf-file=/dev/null',
      '--domain=openstacklocal',
    ])
  })

  it('adds a --server per forwarder after --conf-file', () => {
    const args = dnsmasqArgs(
      dualNetwork(),
      aConfig({ dnsmasqDnsServers: ['8.8.8.8', '9.9.9.9'] }),
      'tap0',
    )
    expect(args.slice(-4)).toEqual([
      '--conf-file=/dev/null',
      '--server=8.8.8.8',
      '--server=9.9.9.9',
      '--domain=openstacklocal',
    ])
  })

  it('puts an empty argument where --no-resolv was with local resolv and no forwarders', () => {
    const args = dnsmasqArgs(aNetwork(), aConfig({ dnsmasqLocalResolv: true }), 'tap0')
    expect(args.slice(0, 4)).toEqual(['dnsmasq', '--no-hosts', '', `--pid-file=${DIR}/pid`])
  })

  it('keeps --no-resolv with local resolv when forwarders are set', () => {
    const config = aConfig({ dnsmasqLocalResolv: true, dnsmasqDnsServers: ['8.8.8.8'] })
    expect(dnsmasqArgs(aNetwork(), config, 'tap0')[2]).toBe('--no-resolv')
  })

  it('caps leases at the size of a single /24: 256', () => {
    expect(dnsmasqArgs(aNetwork(), aConfig(), 'tap0')).toContain('--dhcp-lease-max=256')
  })

  it('caps the lease sum at dnsmasq_lease_max', () => {
    const network = aNetwork({ subnets: [subnetD(), aSubnet({ id: E, cidr: '10.0.0.0/16' })] })
    expect(dnsmasqArgs(network, aConfig(), 'tap0')).toContain('--dhcp-lease-max=65792')
    expect(dnsmasqArgs(network, aConfig({ dnsmasqLeaseMax: 1000 }), 'tap0')).toContain(
      '--dhcp-lease-max=1000',
    )
  })

  it('writes infinite leases as `infinite`', () => {
    const args = dnsmasqArgs(aNetwork(), aConfig({ dhcpLeaseDuration: -1 }), 'tap0')
    expect(args).toContain(
      '--dhcp-range=set:subnet-dddddddd-dddd-dddd-dddd-dddddddddddd,192.168.0.0,static,255.255.255.0,infinite',
    )
  })

  it('adds the bridge interface after --bind-dynamic when the driver is not bridged', () => {
    const args = dnsmasqArgs(aNetwork(), aConfig({ bridged: false }), 'tap0')
    expect(args.slice(11, 14)).toEqual(['--bind-dynamic', '--bridge-interface=tap0,tap*', RANGE_D])
  })

  it('skips DHCP-disabled, SLAAC, RA-only and shorter-than-/64 subnets', () => {
    const network = aNetwork({
      subnets: [
        subnetD({ enable_dhcp: false }),
        subnetF({ id: E, ipv6_address_mode: 'slaac', ipv6_ra_mode: 'slaac' }),
        subnetF({ id: 'ra-only', ipv6_address_mode: null, ipv6_ra_mode: 'slaac' }),
        subnetF({ cidr: 'fdca:3ba5:a17a:4b00::/56', ipv6_address_mode: 'dhcpv6-stateless' }),
      ],
    })
    const args = dnsmasqArgs(network, aConfig(), 'tap0')
    expect(args.filter((arg) => arg.startsWith('--dhcp-range'))).toEqual([])
    expect(args).toContain('--dhcp-lease-max=0')
  })

  it('gives stateless and mode-less IPv6 subnets a static range', () => {
    const network = aNetwork({
      subnets: [
        subnetF({ ipv6_address_mode: 'dhcpv6-stateless', ipv6_ra_mode: null }),
        subnetF({ id: E, cidr: 'fd00:1::/64', ipv6_address_mode: null, ipv6_ra_mode: null }),
      ],
    })
    expect(
      dnsmasqArgs(network, aConfig(), 'tap0').filter((a) => a.startsWith('--dhcp-range')),
    ).toEqual([
      RANGE_F,
      '--dhcp-range=set:subnet-eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee,fd00:1::,static,64,86400s',
    ])
  })

  it('ranges non-local subnets after local ones', () => {
    const network = aNetwork({ non_local_subnets: [subnetF()] })
    const ranges = dnsmasqArgs(network, aConfig(), 'tap0').filter((a) =>
      a.startsWith('--dhcp-range'),
    )
    expect(ranges).toEqual([RANGE_D, RANGE_F])
  })

  it('forces the MTU option before --dhcp-lease-max when the MTU is known', () => {
    const args = dnsmasqArgs(aNetwork({ mtu: 1450 }), aConfig(), 'tap0')
    expect(args.slice(12, 15)).toEqual([
      RANGE_D,
      '--dhcp-option-force=option:mtu,1450',
      '--dhcp-lease-max=256',
    ])
  })

  it('writes every optional argument in order', () => {
    const config = aConfig({
      dhcpRenewalTime: 30,
      dhcpRebindingTime: 60,
      dnsmasqConfigFile: ' /etc/neutron/dnsmasq.conf ',
      dnsmasqDnsServers: ['8.8.8.8'],
      dhcpBroadcastReply: true,
      dnsmasqBaseLogDir: '/var/log/dnsmasq',
    })
    expect(dnsmasqArgs(aNetwork(), config, 'tap0').slice(13)).toEqual([
      '--dhcp-lease-max=256',
      '--dhcp-option-force=option:T1,30s',
      '--dhcp-option-force=option:T2,60s',
      '--conf-file=/etc/neutron/dnsmasq.conf',
      '--server=8.8.8.8',
      '--domain=openstacklocal',
      '--dhcp-broadcast',
      '--log-queries',
      '--log-dhcp',
      `--log-facility=/var/log/dnsmasq/${NETWORK_ID}/dhcp_dns_log`,
    ])
  })

  it('omits --domain when dns_domain is empty', () => {
    const args = dnsmasqArgs(aNetwork(), aConfig({ dnsDomain: '' }), 'tap0')
    expect(args.at(-1)).toBe('--conf-file=/dev/null')
  })

  it('refuses a subnet whose CIDR is not a CIDR', () => {
    const network = aNetwork({ subnets: [subnetD({ cidr: '192.168.0.0/24\n--x' })] })
    expect(() => dnsmasqArgs(network, aConfig(), 'tap0')).toThrow(UnsafeDnsmasqValue)
  })

  it('refuses a network id that is not one safe path segment', () => {
    expect(() => dnsmasqArgs(aNetwork({ id: '../etc' }), aConfig(), 'tap0')).toThrow(RangeError)
  })
})
