import type { DhcpNetwork, DhcpPort, DhcpSubnet } from '../../../common/dhcp-network.js'
import { parseIp } from '../../../common/net/ip.js'
import type { IpVersion } from '../../../common/net/ip.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { assertSafe, fieldBreakReason, tagTokenReason } from './safety.js'
import type { DroppedEntry } from './safety.js'

/** Tag put before the name of IPv6 host lines when dnsmasq supports host tags (spec §4.3). */
export const HOST_DHCPV6_TAG = 'tag:dhcpv6,'

/** Device owners whose ports get no host, addn_hosts or lease entries (spec §4.3). */
export const EXCLUDED_DEVICE_OWNERS: readonly string[] = [
  'network:router_ha_interface',
  'network:floatingip',
  'network:dhcp',
  'network:distributed',
]

/** Extra DHCP option names that carry the client id rather than an option. */
const CLIENT_ID_OPT_NAMES: readonly string[] = ['client-id', '61']

/** Neutron's `port_requires_dhcp_configuration`: whether the port gets dnsmasq entries. */
export function requiresDhcpConfiguration(port: Pick<DhcpPort, 'device_owner'>): boolean {
  return !EXCLUDED_DEVICE_OWNERS.includes(port.device_owner)
}

/** `subnets` then `non_local_subnets`, in the server's order. */
export function allSubnets(network: DhcpNetwork): readonly DhcpSubnet[] {
  return [...network.subnets, ...network.non_local_subnets]
}

/** Whether an extra DHCP option name means the client id (`client-id` or `61`). */
export function isClientIdOpt(optName: string): boolean {
  return CLIENT_ID_OPT_NAMES.includes(optName)
}

/** The port's client id (its first `client-id`/`61` extra option), or undefined for none or ''. */
export function clientIdOf(port: DhcpPort): string | undefined {
  const value = port.extra_dhcp_opts.find((opt) => isClientIdOpt(opt.opt_name))?.opt_value
  return value === '' ? undefined : value
}

/** One (port, address) entry of Neutron's `_iter_hosts`. */
export interface HostEntry {
  readonly port: DhcpPort
  readonly subnetId: string
  /** The address as given; several for a merged stateful IPv6 entry (`dnsmasq_enable_addr6_list`). */
  readonly addresses: readonly string[]
  readonly version: IpVersion
  readonly hostname: string
  readonly fqdn: string
  /** The address is not served by DHCP (IPv6 SLAAC or DHCPv6-stateless subnet). */
  readonly noDhcp: boolean
  /** No options either (IPv6 SLAAC subnet). */
  readonly noOpts: boolean
  /** `HOST_DHCPV6_TAG` or ''. */
  readonly tag: string
}

/** Host entries of a network, and the port entries refused for unsafe values. */
export interface HostEntries {
  readonly entries: readonly HostEntry[]
  readonly dropped: readonly DroppedEntry[]
}

/** A fixed IP whose address parsed. */
interface CheckedIp {
  readonly subnetId: string
  readonly addresses: string[]
  readonly version: IpVersion
}

/**
 * Neutron's `_iter_hosts` (spec §4.3): for every port needing DHCP configuration and each of its
 * fixed IPs (stateless IPv6 first), the name and flags dnsmasq files are built from. With
 * `mergeAddr6List` and `dnsmasqEnableAddr6List`, a port's stateful IPv6 addresses on one subnet
 * form one entry. Throws `UnsafeDnsmasqValue` for an unsafe `dnsDomain`.
 */
export function iterHosts(
  network: DhcpNetwork,
  config: DnsmasqConfig,
  options: { mergeAddr6List: boolean },
): HostEntries {
  if (config.dnsDomain !== '') assertSafe('dns_domain', config.dnsDomain, fieldBreakReason)
  const v6Subnets = new Map<string, DhcpSubnet>()
  for (const subnet of allSubnets(network)) {
    if (subnet.ip_version === 6) v6Subnets.set(subnet.id, subnet)
  }
  const merge = options.mergeAddr6List && config.dnsmasqEnableAddr6List
  const entries: HostEntry[] = []
  const dropped: DroppedEntry[] = []
  for (const port of network.ports) {
    if (!requiresDhcpConfiguration(port)) continue
    const portReason = unsafePortReason(port)
    if (portReason !== undefined) {
      dropped.push({ portId: port.id, reason: portReason })
      continue
    }
    let ips = sortStatelessFirst(checkedIps(port, dropped), v6Subnets)
    if (merge) ips = mergeStatefulIpv6(ips, v6Subnets)
    for (const ip of ips) {
      const entry = hostEntry(port, ip, v6Subnets.get(ip.subnetId), config)
      const nameReason =
        fieldBreakReason('hostname', entry.hostname) ?? fieldBreakReason('fqdn', entry.fqdn)
      if (nameReason === undefined) entries.push(entry)
      else dropped.push({ portId: port.id, reason: nameReason })
    }
  }
  return { entries, dropped }
}

/** Why the port's id, MAC or client id is unsafe in a dnsmasq line, or undefined. */
function unsafePortReason(port: DhcpPort): string | undefined {
  const clientId = clientIdOf(port)
  return (
    tagTokenReason('port id', port.id) ??
    fieldBreakReason('mac_address', port.mac_address) ??
    (clientId === undefined ? undefined : fieldBreakReason('client-id', clientId))
  )
}

/** The port's fixed IPs whose address parses; the others are reported in `dropped`. */
function checkedIps(port: DhcpPort, dropped: DroppedEntry[]): CheckedIp[] {
  const ips: CheckedIp[] = []
  for (const fixedIp of port.fixed_ips) {
    const ip = parseIp(fixedIp.ip_address)
    if (ip === undefined) {
      const reason = `ip_address ${JSON.stringify(fixedIp.ip_address)} is not an IP address`
      dropped.push({ portId: port.id, reason })
    } else {
      ips.push({
        subnetId: fixedIp.subnet_id,
        addresses: [fixedIp.ip_address],
        version: ip.version,
      })
    }
  }
  return ips
}

function addressMode(subnetId: string, v6Subnets: ReadonlyMap<string, DhcpSubnet>) {
  return v6Subnets.get(subnetId)?.ipv6_address_mode ?? null
}

/**
 * Stateless-IPv6 addresses first, the rest in their order: dnsmasq reads the host file from the
 * end, and an address-less stateless line must not shadow the IPv4 line (spec §4.3).
 */
function sortStatelessFirst(
  ips: readonly CheckedIp[],
  v6Subnets: ReadonlyMap<string, DhcpSubnet>,
): CheckedIp[] {
  const isStateless = (ip: CheckedIp) => addressMode(ip.subnetId, v6Subnets) === 'dhcpv6-stateless'
  return [...ips.filter(isStateless), ...ips.filter((ip) => !isStateless(ip))]
}

/** Neutron's `_merge_alloc_addr6_list`: stateful IPv6 addresses merged per subnet, at the end. */
function mergeStatefulIpv6(
  ips: readonly CheckedIp[],
  v6Subnets: ReadonlyMap<string, DhcpSubnet>,
): CheckedIp[] {
  const bySubnet = new Map<string, CheckedIp>()
  const merged: CheckedIp[] = []
  for (const ip of ips) {
    if (addressMode(ip.subnetId, v6Subnets) !== 'dhcpv6-stateful') {
      merged.push(ip)
      continue
    }
    const group = bySubnet.get(ip.subnetId)
    if (group === undefined) bySubnet.set(ip.subnetId, { ...ip, addresses: [...ip.addresses] })
    else group.addresses.push(...ip.addresses)
  }
  return [...merged, ...bySubnet.values()]
}

/** Flags, tag and names of one entry (spec §4.3). */
function hostEntry(
  port: DhcpPort,
  ip: CheckedIp,
  v6Subnet: DhcpSubnet | undefined,
  config: DnsmasqConfig,
): HostEntry {
  const mode = v6Subnet?.ipv6_address_mode ?? null
  const names = hostNames(port, ip.addresses, config.dnsDomain)
  return {
    port,
    subnetId: ip.subnetId,
    addresses: ip.addresses,
    version: ip.version,
    ...names,
    noDhcp: v6Subnet !== undefined && (mode === 'slaac' || mode === 'dhcpv6-stateless'),
    noOpts: v6Subnet !== undefined && mode === 'slaac',
    tag: v6Subnet !== undefined && config.supportsHostTags ? HOST_DHCPV6_TAG : '',
  }
}

/**
 * Neutron's `_get_dns_assignment`: the first `dns_assignment` entry matching one of the addresses,
 * else `host-<first address, '.' and ':' as '-'>` and that plus `.<dnsDomain>`.
 */
function hostNames(
  port: DhcpPort,
  addresses: readonly string[],
  dnsDomain: string,
): { hostname: string; fqdn: string } {
  for (const address of addresses) {
    const assigned = port.dns_assignment?.find((entry) => entry.ip_address === address)
    if (assigned !== undefined) return { hostname: assigned.hostname, fqdn: assigned.fqdn }
  }
  const hostname = `host-${(addresses[0] ?? '').replace(/[.:]/g, '-')}`
  return { hostname, fqdn: dnsDomain === '' ? hostname : `${hostname}.${dnsDomain}` }
}
