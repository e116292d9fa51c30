import { DnsNameServersExhausted, HostRoutesExhausted, InvalidInput } from '../common/errors.js'
import {
  cidrContains,
  cidrFirst,
  cidrLast,
  cidrsOverlap,
  formatCidr,
  parseCidr,
  type Cidr,
} from '../common/net/cidr.js'
import { parseIp } from '../common/net/ip.js'
import type { HostRoute, Ipv6Mode } from '../common/resources.js'

/** Modes under which ports get an EUI-64 address instead of one from the pools. */
export function isAutoAddressMode(mode: Ipv6Mode | null): boolean {
  return mode === 'slaac' || mode === 'dhcpv6-stateless'
}

/** Parses a CIDR the API already validated. */
export function mustParseCidr(text: string): Cidr {
  const parsed = parseCidr(text)
  if (!parsed) throw new InvalidInput(`'${text}' is not a valid IP subnet`)
  return parsed.cidr
}

/** Checks that a CIDR matches the subnet's IP version. */
export function checkCidrVersion(cidr: Cidr, ipVersion: number): void {
  if (cidr.version !== ipVersion) {
    throw new InvalidInput(`Cidr ${formatCidr(cidr)} does not match ip_version ${ipVersion}`)
  }
}

/** Neutron's rules for a subnet that serves DHCP (prefix, multicast, loopback, 0.0.0.0). */
export function checkDhcpCidr(cidr: Cidr): void {
  const text = formatCidr(cidr)
  if (cidr.version === 4 && cidr.prefixlen > 30) {
    throw new InvalidInput(`Invalid CIDR ${text} for DHCP subnet: prefix length must be at most 30`)
  }
  if (cidr.version === 6 && cidr.prefixlen > 126) {
    throw new InvalidInput(
      `Invalid CIDR ${text} for DHCP subnet: prefix length must be at most 126`,
    )
  }
  const first = cidrFirst(cidr)
  const multicast = cidr.version === 4 ? first >> 28n === 0xen : first >> 120n === 0xffn
  if (multicast)
    throw new InvalidInput(`Multicast IP subnet is not supported if enable_dhcp is True`)
  const loopback =
    cidr.version === 4 ? first >> 24n === 127n : first === 1n && cidr.prefixlen === 128
  if (loopback) throw new InvalidInput(`Loopback IP subnet is not supported if enable_dhcp is True`)
  if (cidr.version === 4 && first === 0n) {
    throw new InvalidInput(
      `IPv4 subnet starting at 0.0.0.0 is not supported if enable_dhcp is True`,
    )
  }
}

/** Checks IPv6 RA and address modes against Neutron's valid combinations. */
export function checkIpv6Modes(options: {
  ipVersion: number
  cidr: Cidr
  enableDhcp: boolean
  raMode: Ipv6Mode | null
  addressMode: Ipv6Mode | null
}): void {
  const { raMode, addressMode } = options
  if (raMode === null && addressMode === null) return
  if (options.ipVersion === 4) {
    throw new InvalidInput('ipv6_ra_mode or ipv6_address_mode cannot be set when ip_version is 4')
  }
  if (!options.enableDhcp) {
    throw new InvalidInput(
      'ipv6_ra_mode or ipv6_address_mode cannot be set when enable_dhcp is set to False',
    )
  }
  if (raMode !== null && addressMode !== null && raMode !== addressMode) {
    throw new InvalidInput(
      `ipv6_ra_mode set to '${raMode}' with ipv6_address_mode set to '${addressMode}' is not valid. If both attributes are set, they must be the same value`,
    )
  }
  if (
    (isAutoAddressMode(raMode) || isAutoAddressMode(addressMode)) &&
    options.cidr.prefixlen !== 64
  ) {
    throw new InvalidInput(
      `Invalid CIDR ${formatCidr(options.cidr)} for IPv6 address mode. OpenStack uses the EUI-64 address format, which requires the prefix to be /64`,
    )
  }
}

/** The default gateway: IPv4's first host, IPv6's network address (as Neutron Zed). */
export function defaultGateway(cidr: Cidr): bigint | null {
  const first = cidrFirst(cidr)
  if (cidr.version === 6) return first
  if (cidrLast(cidr) - first < 2n) return null
  return first + 1n
}

/** Parses and checks a gateway address; IPv4 network and broadcast addresses are refused. */
export function checkGateway(cidr: Cidr, gateway: string): bigint {
  const ip = parseIp(gateway)
  if (!ip || ip.version !== cidr.version) {
    throw new InvalidInput(`Gateway IP version inconsistent with allocation pool version`)
  }
  if (cidr.version === 4 && cidr.prefixlen <= 30 && cidrContains(cidr, ip)) {
    if (ip.value === cidrFirst(cidr) || ip.value === cidrLast(cidr)) {
      throw new InvalidInput(`Gateway is not valid on subnet`)
    }
  }
  return ip.value
}

/** Checks the DNS server list: count, duplicates and version. */
export function checkDnsNameservers(
  subnetId: string,
  ipVersion: number,
  servers: readonly string[],
  max: number,
): void {
  if (servers.length > max) throw new DnsNameServersExhausted(subnetId, max)
  for (const server of servers) {
    const ip = parseIp(server)
    if (!ip || ip.version !== ipVersion) {
      throw new InvalidInput(`DNS nameserver ${server} does not match the IP version of the subnet`)
    }
  }
}

/** Checks host routes: count and version of destination and nexthop. */
export function checkHostRoutes(
  subnetId: string,
  ipVersion: number,
  routes: readonly HostRoute[],
  max: number,
): void {
  if (routes.length > max) throw new HostRoutesExhausted(subnetId, max)
  for (const route of routes) {
    const dest = parseCidr(route.destination)
    const hop = parseIp(route.nexthop)
    if (!dest || !hop || dest.cidr.version !== ipVersion || hop.version !== ipVersion) {
      throw new InvalidInput(
        `Host route ${route.destination} via ${route.nexthop} does not match the IP version of the subnet`,
      )
    }
  }
}

/** Refuses a CIDR that overlaps another subnet of the same network. */
export function checkNoOverlap(networkId: string, cidr: Cidr, others: readonly string[]): void {
  for (const other of others) {
    const parsed = parseCidr(other)
    if (parsed && parsed.cidr.version === cidr.version && cidrsOverlap(parsed.cidr, cidr)) {
      throw new InvalidInput(
        `Requested subnet with cidr: ${formatCidr(cidr)} for network: ${networkId} overlaps with another subnet`,
      )
    }
  }
}
