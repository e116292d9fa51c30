/**
 * Factories for the dnsmasq renderer tests, with Neutron's unit-test fixtures (spec §4.9). The
 * 192.168.x addresses and `00:00:0f:rr:rr:rr` MACs are Neutron's verbatim: these tests only
 * compare text, no packet is ever sent.
 */
import type { DhcpNetwork, DhcpPort, DhcpSubnet } from '../../../../../src/common/dhcp-network.js'
import type { ExtraDhcpOpt } from '../../../../../src/common/resources.js'
import { defaultDnsmasqConfig } from '../../../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'
import type { DnsmasqConfig } from '../../../../../src/drivers/dhcp/dnsmasq/dnsmasq-config.js'

export const NETWORK_ID = 'cccccccc-cccc-cccc-cccc-cccccccccccc'
export const D = 'dddddddd-dddd-dddd-dddd-dddddddddddd'
export const E = 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee'
export const F = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
export const C = 'cccccccc-cccc-cccc-cccc-cccccccccccc'
export const H = 'hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh'

/** The agent config of Neutron's tests: isolated metadata on, `dns_domain=openstacklocal`. */
export function aConfig(overrides: Partial<DnsmasqConfig> = {}): DnsmasqConfig {
  return {
    ...defaultDnsmasqConfig('/dhcp'),
    enableIsolatedMetadata: true,
    bridged: true,
    ...overrides,
  }
}

export function aSubnet(overrides: Partial<DhcpSubnet> = {}): DhcpSubnet {
  return {
    id: D,
    network_id: NETWORK_ID,
    ip_version: 4,
    cidr: '192.168.0.0/24',
    gateway_ip: '192.168.0.1',
    enable_dhcp: true,
    dns_nameservers: [],
    host_routes: [],
    ipv6_ra_mode: null,
    ipv6_address_mode: null,
    ...overrides,
  }
}

/** Neutron's FakeV4Subnet: 192.168.0.0/24, DNS 8.8.8.8, host route 20.0.0.1/24 via 20.0.0.1. */
export function subnetD(overrides: Partial<DhcpSubnet> = {}): DhcpSubnet {
  return aSubnet({
    dns_nameservers: ['8.8.8.8'],
    host_routes: [{ destination: '20.0.0.1/24', nexthop: '20.0.0.1' }],
    ...overrides,
  })
}

/** Neutron's FakeV6Subnet: stateful fdca:3ba5:a17a:4ba3::/64. */
export function subnetF(overrides: Partial<DhcpSubnet> = {}): DhcpSubnet {
  return aSubnet({
    id: F,
    ip_version: 6,
    cidr: 'fdca:3ba5:a17a:4ba3::/64',
    gateway_ip: 'fdca:3ba5:a17a:4ba3::1',
    dns_nameservers: ['2001:0200:feed:7ac0::1'],
    ipv6_ra_mode: 'dhcpv6-stateful',
    ipv6_address_mode: 'dhcpv6-stateful',
    ...overrides,
  })
}

/** The hostname Neutron's server assigns an address, with the FQDN ending in a dot. */
function dnsAssignment(ipAddress: string) {
  const hostname = `host-${ipAddress.replace(/[.:]/g, '-')}`
  return { hostname, ip_address: ipAddress, fqdn: `${hostname}.openstacklocal.` }
}

/** Port overrides; `ips` lists (subnet id, address) pairs for `fixed_ips` and `dns_assignment`. */
export type PortOverrides = Partial<DhcpPort> & { ips?: [subnetId: string, ip: string][] }

/** A port with a `dns_assignment` entry per fixed IP (as a Neutron server with DNS sends). */
export function aPort(overrides: PortOverrides = {}): DhcpPort {
  const { ips = [[D, '192.168.0.2']], ...rest } = overrides
  const fixedIps = ips.map(([subnetId, ip]) => ({ subnet_id: subnetId, ip_address: ip }))
  return {
    id: 'eeeeeeee-eeee-eeee-eeee-eeeeeeeeeeee',
    network_id: NETWORK_ID,
    mac_address: '00:00:80:aa:bb:cc',
    fixed_ips: fixedIps,
    device_id: 'device',
    device_owner: '',
    admin_state_up: true,
    extra_dhcp_opts: [],
    revision_number: 1,
    dns_assignment: fixedIps.map((ip) => dnsAssignment(ip.ip_address)),
    ...rest,
  }
}

export function anOpt(optName: string, optValue: string, ipVersion: 4 | 6 = 4): ExtraDhcpOpt {
  return { opt_name: optName, opt_value: optValue, ip_version: ipVersion }
}

/** Neutron's FakeRouterPort: the router interface holding D's gateway. */
export function routerPort(overrides: PortOverrides = {}): DhcpPort {
  return aPort({
    id: 'rrrrrrrr-rrrr-rrrr-rrrr-rrrrrrrrrrrr',
    mac_address: '00:00:0f:rr:rr:rr',
    device_owner: 'network:router_interface',
    ips: [[D, '192.168.0.1']],
    ...overrides,
  })
}

/** A `network:dhcp` port. */
export function dhcpPort(id: string, ips: [string, string][]): DhcpPort {
  return aPort({
    id,
    mac_address: '00:00:0f:dd:dd:dd',
    device_owner: 'network:dhcp',
    device_id: `dhcp-${id}`,
    ips,
  })
}

export function aNetwork(overrides: Partial<DhcpNetwork> = {}): DhcpNetwork {
  return {
    id: NETWORK_ID,
    project_id: 'project',
    admin_state_up: true,
    mtu: 0,
    subnets: [subnetD()],
    non_local_subnets: [],
    ports: [],
    ...overrides,
  }
}

/** Neutron's FakeDualNetwork ports (spec §4.9 Ex 1). */
export function dualStackPorts(): DhcpPort[] {
  return [
    aPort({ ips: [[D, '192.168.0.2']] }),
    aPort({
      id: 'hhhhhhhh-hhhh-hhhh-hhhh-hhhhhhhhhhhh',
      mac_address: '00:00:f3:aa:bb:cc',
      ips: [[F, 'fdca:3ba5:a17a:4ba3::2']],
    }),
    aPort({
      id: 'gggggggg-gggg-gggg-gggg-gggggggggggg',
      mac_address: '00:00:0f:aa:bb:cc',
      ips: [
        [D, '192.168.0.3'],
        [F, 'fdca:3ba5:a17a:4ba3::3'],
      ],
    }),
    aPort({
      id: 'aaaaaaaa-aaaa-aaaa-aaaa-aaaaaaaaaaaa',
      mac_address: '00:00:0f:aa:aa:aa',
      device_owner: 'network:router_ha_interface',
      ips: [[D, '192.168.0.9']],
    }),
    routerPort(),
  ]
}

/** Lines joined with a `\n` after each (host and addn_hosts files). */
export function fileLines(...lines: string[]): string {
  return lines.map((line) => `${line}\n`).join('')
}
