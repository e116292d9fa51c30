/**
 * What the DHCP port's device gets (spec §3.8): its addresses and the namespace's default
 * routes. Pure decisions; the interface driver applies them.
 */
import type { DhcpNetwork, DhcpPort, DhcpSubnet } from '../../../common/dhcp-network.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { shouldEnableMetadata } from './metadata.js'

/** The metadata addresses put on the device when the metadata proxy is served (spec §5). */
export const METADATA_CIDRS = ['169.254.169.254/32', 'fe80::a9fe:a9fe/64'] as const

/** Whether any subnet of the network has DHCP enabled. */
export function hasDhcpSubnet(network: DhcpNetwork): boolean {
  return network.subnets.some((subnet) => subnet.enable_dhcp)
}

/**
 * `<ip>/<prefixlen>` of each of the DHCP port's fixed IPs on a DHCP-enabled subnet, plus the
 * metadata addresses when the network needs the metadata proxy.
 */
export function deviceCidrs(
  network: DhcpNetwork,
  dhcpPort: DhcpPort,
  config: DnsmasqConfig,
): string[] {
  const subnets = new Map(network.subnets.map((subnet) => [subnet.id, subnet]))
  const cidrs: string[] = []
  for (const fixedIp of dhcpPort.fixed_ips) {
    const subnet = subnets.get(fixedIp.subnet_id)
    if (!subnet?.enable_dhcp) continue
    cidrs.push(`${fixedIp.ip_address}/${prefixlen(subnet)}`)
  }
  if (shouldEnableMetadata(config, network)) cidrs.push(...METADATA_CIDRS)
  return cidrs
}

/**
 * The gateway of the first DHCP-enabled subnet of `ipVersion` that has one, or null (spec §3.8:
 * IPv6 subnets of prefix /0 or longer than /126, and SLAAC or stateless ones other than /64, are
 * skipped).
 */
export function defaultGateway(subnets: readonly DhcpSubnet[], ipVersion: 4 | 6): string | null {
  for (const subnet of subnets) {
    if (subnet.ip_version !== ipVersion || !subnet.enable_dhcp || !subnet.gateway_ip) continue
    if (ipVersion === 6 && !isValidIpv6GatewaySubnet(subnet)) continue
    return subnet.gateway_ip
  }
  return null
}

function isValidIpv6GatewaySubnet(subnet: DhcpSubnet): boolean {
  const length = prefixlen(subnet)
  if (length === 0 || length > 126) return false
  const autoconf =
    subnet.ipv6_address_mode === 'slaac' || subnet.ipv6_address_mode === 'dhcpv6-stateless'
  return !autoconf || length === 64
}

function prefixlen(subnet: DhcpSubnet): number {
  return Number(subnet.cidr.slice(subnet.cidr.indexOf('/') + 1))
}
