import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { allSubnets, clientIdOf, iterHosts } from './hosts.js'
import type { HostEntry } from './hosts.js'
import type { DroppedEntry } from './safety.js'

/** A rendered file and the port entries left out of it. */
export interface RenderedFile {
  readonly text: string
  readonly dropped: readonly DroppedEntry[]
}

/** An address as dnsmasq's dhcp-host wants it: IPv6 in brackets. */
export function formatAddressForDnsmasq(address: string, version: 4 | 6): string {
  return version === 6 ? `[${address}]` : address
}

/**
 * The `--dhcp-hostsfile` text (spec §4.4): one `\n`-terminated line per served (port, address):
 * `<mac>,<tag>[id:<client id>,]<fqdn>,<ip>[,set:port-<id>]`, or `<mac>,<tag>set:port-<id>` for a
 * DHCPv6-stateless address of a port with extra options.
 */
export function renderHostFile(network: DhcpNetwork, config: DnsmasqConfig): RenderedFile {
  const dhcpSubnetIds = new Set(
    allSubnets(network)
      .filter((subnet) => subnet.enable_dhcp)
      .map((subnet) => subnet.id),
  )
  const { entries, dropped } = iterHosts(network, config, { mergeAddr6List: true })
  let text = ''
  for (const entry of entries) {
    const line = hostLine(entry, dhcpSubnetIds)
    if (line !== undefined) text += `${line}\n`
  }
  return { text, dropped }
}

/** One host line, or undefined when the entry gets none. */
function hostLine(entry: HostEntry, dhcpSubnetIds: ReadonlySet<string>): string | undefined {
  const { port, tag, fqdn } = entry
  const hasOpts = port.extra_dhcp_opts.length > 0
  const portTag = `set:port-${port.id}`
  if (entry.noDhcp) {
    return !entry.noOpts && hasOpts ? `${port.mac_address},${tag}${portTag}` : undefined
  }
  if (!dhcpSubnetIds.has(entry.subnetId)) return undefined
  const ip = entry.addresses
    .map((address) => formatAddressForDnsmasq(address, entry.version))
    .join(',')
  if (!hasOpts) return `${port.mac_address},${tag}${fqdn},${ip}`
  const clientId = clientIdOf(port)
  if (clientId === undefined) return `${port.mac_address},${tag}${fqdn},${ip},${portTag}`
  // spec §4.4: a port whose only extra option is its client id gets no port tag
  const idPart = `${port.mac_address},${tag}id:${clientId},${fqdn},${ip}`
  return port.extra_dhcp_opts.length > 1 ? `${idPart},${portTag}` : idPart
}
