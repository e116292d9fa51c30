import type { DhcpNetwork } from '../../../common/dhcp-network.js'
import { cidrContainsCidr, parseCidr } from '../../../common/net/cidr.js'
import { canonicalIp } from '../../../common/net/ip.js'
import { ROUTER_INTERFACE_OWNERS } from '../../../common/resources.js'
import type { DnsmasqConfig } from './dnsmasq-config.js'
import { allSubnets } from './hosts.js'

const METADATA_CIDR = parseCidr('169.254.0.0/16')

/**
 * Ids of the network's isolated subnets (spec §3.9), `subnets` and `non_local_subnets`: those
 * whose gateway IP no router interface port (`ROUTER_INTERFACE_OWNERS`) holds on that subnet.
 */
export function isolatedSubnetIds(network: DhcpNetwork): Set<string> {
  const routed = new Set<string>()
  const gateways = new Map<string, string>()
  for (const subnet of allSubnets(network)) {
    const gateway = subnet.gateway_ip === null ? undefined : canonicalIp(subnet.gateway_ip)
    if (gateway !== undefined) gateways.set(subnet.id, gateway)
  }
  for (const port of network.ports) {
    if (!ROUTER_INTERFACE_OWNERS.includes(port.device_owner)) continue
    for (const fixedIp of port.fixed_ips) {
      const gateway = gateways.get(fixedIp.subnet_id)
      if (gateway !== undefined && canonicalIp(fixedIp.ip_address) === gateway) {
        routed.add(fixedIp.subnet_id)
      }
    }
  }
  return new Set(
    allSubnets(network)
      .map((subnet) => subnet.id)
      .filter((subnetId) => !routed.has(subnetId)),
  )
}

/** Whether any subnet lies inside 169.254.0.0/16 (a "metadata network"). */
function hasMetadataSubnet(network: DhcpNetwork): boolean {
  return allSubnets(network).some((subnet) => {
    const cidr = parseCidr(subnet.cidr)?.cidr
    return (
      cidr !== undefined &&
      METADATA_CIDR !== undefined &&
      cidrContainsCidr(METADATA_CIDR.cidr, cidr)
    )
  })
}

/**
 * Neutron's `should_enable_metadata` (spec §3.9): whether the network needs the isolated
 * metadata proxy. Only DHCP-enabled IPv4 subnets count.
 */
export function shouldEnableMetadata(
  config: Pick<DnsmasqConfig, 'enableIsolatedMetadata' | 'forceMetadata' | 'enableMetadataNetwork'>,
  network: DhcpNetwork,
): boolean {
  const v4DhcpSubnets = allSubnets(network).filter(
    (subnet) => subnet.ip_version === 4 && subnet.enable_dhcp,
  )
  if (v4DhcpSubnets.length === 0) return false
  if (config.forceMetadata) return true
  if (!config.enableIsolatedMetadata) return false
  if (config.enableMetadataNetwork && hasMetadataSubnet(network)) return true
  const isolated = isolatedSubnetIds(network)
  return v4DhcpSubnets.some((subnet) => isolated.has(subnet.id))
}
