import type { DhcpNetwork, DhcpPort, DhcpSubnet } from '../../../common/dhcp-network.js'
import { cidrContains, parseCidr } from '../../../common/net/cidr.js'
import { parseIp } from '../../../common/net/ip.js'
import type { IpVersion } from '../../../common/net/ip.js'
import { DEVICE_OWNER_DHCP } from '../../../common/resources.js'
import type { ExtraDhcpOpt } from '../../../common/resources.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import type { RenderedFile } from './host-file.js'
import { allSubnets, isClientIdOpt } from './hosts.js'
import { isolatedSubnetIds } from './metadata.js'
import {
  assertSafe,
  cutAtNewline,
  fieldBreakReason,
  lineBreakReason,
  tagTokenReason,
} from './safety.js'
import type { DroppedEntry } from './safety.js'
import { checkedSubnet } from './subnet-check.js'

const METADATA_IP = '169.254.169.254'
/** Option 249: Microsoft's classless static route option. */
const WIN2K3_STATIC_ROUTE = '249'

/**
 * Neutron's `_format_option`: `tag:<tag>[,<extra tag>],<option>[,<value>...]`. A name
 * `tag:<x>,<name>` brings an extra tag; IPv6 names become `option6:<name>`, IPv4 names
 * `option:<name>` unless all digits.
 */
export function formatOption(
  version: IpVersion,
  tag: string,
  option: string,
  ...values: string[]
): string {
  const comma = option.startsWith('tag:') ? option.lastIndexOf(',') : -1
  const extraTag = comma < 0 ? [] : [option.slice(0, comma)]
  const name = comma < 0 ? option : option.slice(comma + 1)
  let formatted = name
  if (version === 6) formatted = `option6:${name}`
  else if (!/^[0-9]+$/.test(name)) formatted = `option:${name}`
  return [`tag:${tag}`, ...extraTag, formatted, ...values].join(',')
}

/**
 * The `--dhcp-optsfile` text (spec §4.6): per-subnet options, then per-port extra options and the
 * multi-agent DNS rule; lines joined by `\n` with no trailing newline. `dhcpPortIps` are this
 * agent's DHCP port's addresses (for the isolated-metadata route). Throws `UnsafeDnsmasqValue`
 * for unsafe subnet data or `dns_domain`; unsafe port data is dropped and reported.
 */
export function renderOptsFile(
  network: DhcpNetwork,
  config: DnsmasqConfig,
  dhcpPortIps: readonly string[],
): RenderedFile {
  const { options, subnetsWithoutNameservers } = subnetOptions(network, config, dhcpPortIps)
  const dropped: DroppedEntry[] = []
  options.push(...portOptions(network, dropped))
  options.push(...dhcpPortDnsOptions(network, subnetsWithoutNameservers, dropped))
  return { text: options.join('\n'), dropped }
}

/** The subnet of `network.subnets` each DHCP port address lies on (Neutron's interface map). */
function subnetInterfaceIps(
  network: DhcpNetwork,
  dhcpPortIps: readonly string[],
): Map<string, string> {
  const bySubnet = new Map<string, string>()
  for (const text of dhcpPortIps) {
    const ip = parseIp(text)
    if (ip === undefined) throw new RangeError(`DHCP port address '${text}' is not an IP address`)
    const subnet = network.subnets.find((s) => {
      const cidr = parseCidr(s.cidr)?.cidr
      return cidr !== undefined && cidrContains(cidr, ip)
    })
    if (subnet !== undefined && !bySubnet.has(subnet.id)) bySubnet.set(subnet.id, text)
  }
  return bySubnet
}

/** Neutron's `_generate_opts_per_subnet` (spec §4.6 steps 1–5). */
function subnetOptions(
  network: DhcpNetwork,
  config: DnsmasqConfig,
  dhcpPortIps: readonly string[],
): { options: string[]; subnetsWithoutNameservers: Set<string> } {
  const options: string[] = []
  const subnetsWithoutNameservers = new Set<string>()
  const interfaceIps = subnetInterfaceIps(network, dhcpPortIps)
  const isolated = isolatedSubnetIds(network)
  const subnets = allSubnets(network).map((subnet) => checkedSubnet(subnet))
  if (config.dnsDomain !== '') assertSafe('dns_domain', config.dnsDomain, fieldBreakReason)
  for (const subnet of subnets) {
    if (!subnet.enable_dhcp || (subnet.ip_version === 6 && subnet.ipv6_address_mode === 'slaac')) {
      continue
    }
    const tag = `subnet-${subnet.id}`
    const dns = dnsServerOption(subnet, tag)
    if (dns === undefined) subnetsWithoutNameservers.add(subnet.id)
    else options.push(dns)
    if (config.dnsDomain !== '' && subnet.ip_version === 6) {
      options.push(formatOption(6, tag, 'domain-search', config.dnsDomain))
    }
    if (subnet.ip_version === 4) {
      const metadataHop = metadataNexthop(subnet, config, isolated, interfaceIps)
      options.push(...routeOptions(subnet, subnets, tag, metadataHop))
    }
  }
  return { options, subnetsWithoutNameservers }
}

/** The subnet's dns-server option, or undefined when it has no nameservers (spec §4.6 step 1). */
function dnsServerOption(subnet: DhcpSubnet, tag: string): string | undefined {
  const servers = subnet.dns_nameservers
  if (servers.length === 0) return undefined
  const anyAddress = subnet.ip_version === 4 ? '0.0.0.0' : '::'
  // spec §10.1 item 8: the any-address alone means "advertise no DNS server"
  if (servers.length === 1 && servers[0] === anyAddress) {
    return formatOption(subnet.ip_version, tag, 'dns-server')
  }
  return formatOption(
    subnet.ip_version,
    tag,
    'dns-server',
    literalAddresses(subnet.ip_version, servers),
  )
}

/** Addresses joined by commas, IPv6 ones in brackets. */
function literalAddresses(version: IpVersion, addresses: readonly string[]): string {
  return addresses.map((address) => (version === 6 ? `[${address}]` : address)).join(',')
}

/**
 * The nexthop of the 169.254.169.254/32 route, if any (spec §4.6 step 4): this agent's address
 * when metadata is forced or the subnet is isolated with isolated metadata on, else the gateway
 * of a routed subnet (whatever the metadata config).
 */
function metadataNexthop(
  subnet: DhcpSubnet,
  config: DnsmasqConfig,
  isolated: ReadonlySet<string>,
  interfaceIps: ReadonlyMap<string, string>,
): string | undefined {
  const subnetIsolated = isolated.has(subnet.id)
  if (config.forceMetadata || (subnetIsolated && config.enableIsolatedMetadata)) {
    return interfaceIps.get(subnet.id)
  }
  return subnetIsolated ? undefined : (effectiveGateway(subnet) ?? undefined)
}

/** The gateway, or with none the nexthop of the first `0.0.0.0/0` host route. */
function effectiveGateway(subnet: DhcpSubnet): string | null {
  if (subnet.gateway_ip !== null) return subnet.gateway_ip
  return subnet.host_routes.find((route) => route.destination === '0.0.0.0/0')?.nexthop ?? null
}

/** Options 121 and 249 and the router option of an IPv4 subnet (spec §4.6 steps 3 and 5). */
function routeOptions(
  subnet: DhcpSubnet,
  subnets: readonly DhcpSubnet[],
  tag: string,
  metadataHop: string | undefined,
): string[] {
  const gateway = effectiveGateway(subnet)
  const routes = subnet.host_routes
    .filter((route) => route.destination !== '0.0.0.0/0')
    .map((route) => `${route.destination},${route.nexthop}`)
  if (metadataHop !== undefined) routes.push(`${METADATA_IP}/32,${metadataHop}`)
  const segmentId = subnet.segment_id ?? null
  for (const other of subnets) {
    if (
      other.ip_version === 4 &&
      other.cidr !== subnet.cidr &&
      (other.segment_id ?? null) === segmentId
    ) {
      routes.unshift(`${other.cidr},0.0.0.0`)
    }
  }
  const options: string[] = []
  if (routes.length > 0) {
    if (gateway !== null) routes.push(`0.0.0.0/0,${gateway}`)
    const list = routes.join(',')
    options.push(formatOption(4, tag, 'classless-static-route', list))
    options.push(formatOption(4, tag, WIN2K3_STATIC_ROUTE, list))
  }
  // spec §10.1 item 10: a bare router option stops dnsmasq offering itself as the router
  options.push(
    gateway === null ? formatOption(4, tag, 'router') : formatOption(4, tag, 'router', gateway),
  )
  return options
}

/** The IP versions of the port's parseable fixed IPs. */
function portIpVersions(port: DhcpPort): Set<IpVersion> {
  const versions = new Set<IpVersion>()
  for (const fixedIp of port.fixed_ips) {
    const ip = parseIp(fixedIp.ip_address)
    if (ip !== undefined) versions.add(ip.version)
  }
  return versions
}

/** Neutron's per-port extra options (spec §4.6 step 6), client ids left out. */
function portOptions(network: DhcpNetwork, dropped: DroppedEntry[]): string[] {
  const options: string[] = []
  for (const port of network.ports) {
    if (port.extra_dhcp_opts.length === 0) continue
    const idReason = tagTokenReason('port id', port.id)
    if (idReason !== undefined) {
      dropped.push({ portId: port.id, reason: idReason })
      continue
    }
    const versions = portIpVersions(port)
    for (const opt of port.extra_dhcp_opts) {
      if (isClientIdOpt(opt.opt_name) || !versions.has(opt.ip_version)) continue
      const line = extraOptLine(port.id, opt)
      if (typeof line === 'string') options.push(line)
      else dropped.push({ portId: port.id, reason: line.reason })
    }
  }
  return options
}

/**
 * One extra option's line. Name and value are cut at their first newline as Neutron does
 * (spec §4.6); what still could break the line (NUL, CR) refuses the option.
 */
function extraOptLine(portId: string, opt: ExtraDhcpOpt): string | { reason: string } {
  const name = cutAtNewline(opt.opt_name)
  const value = cutAtNewline(opt.opt_value)
  const reason =
    lineBreakReason('extra_dhcp_opt name', name) ?? lineBreakReason('extra_dhcp_opt value', value)
  if (reason !== undefined) return { reason }
  return formatOption(opt.ip_version, `port-${portId}`, name, value)
}

/**
 * For subnets without nameservers served by more than one DHCP port of a version, a dns-server
 * option listing all of them (spec §4.6 step 6), in the order the ports list them.
 */
function dhcpPortDnsOptions(
  network: DhcpNetwork,
  subnetsWithoutNameservers: ReadonlySet<string>,
  dropped: DroppedEntry[],
): string[] {
  const ipsBySubnet = new Map<string, { version: IpVersion; text: string }[]>()
  for (const port of network.ports) {
    if (port.device_owner !== DEVICE_OWNER_DHCP) continue
    for (const fixedIp of port.fixed_ips) {
      if (!subnetsWithoutNameservers.has(fixedIp.subnet_id)) continue
      const ip = parseIp(fixedIp.ip_address)
      if (ip === undefined) {
        dropped.push({
          portId: port.id,
          reason: `ip_address ${JSON.stringify(fixedIp.ip_address)} is not an IP address`,
        })
        continue
      }
      const ips = ipsBySubnet.get(fixedIp.subnet_id) ?? []
      ips.push({ version: ip.version, text: fixedIp.ip_address })
      ipsBySubnet.set(fixedIp.subnet_id, ips)
    }
  }
  const options: string[] = []
  for (const [subnetId, ips] of ipsBySubnet) {
    for (const version of [4, 6] as const) {
      const texts = ips.filter((ip) => ip.version === version).map((ip) => ip.text)
      if (texts.length > 1) {
        options.push(
          formatOption(
            version,
            `subnet-${subnetId}`,
            'dns-server',
            literalAddresses(version, texts),
          ),
        )
      }
    }
  }
  return options
}
