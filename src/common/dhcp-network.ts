import type { ExtraDhcpOpt, FixedIp, HostRoute, Ipv6Mode } from './resources.js'

/**
 * A network as a DHCP agent knows it: the network-info dict of `get_network_info` and
 * `get_active_networks_info` (spec §2.2), reduced to the keys the agent and its drivers read.
 * The server may send more keys (a Neutron server does); they are ignored.
 */

/** A subnet's DHCP-relevant attributes. */
export interface DhcpSubnet {
  readonly id: string
  readonly network_id: string
  readonly ip_version: 4 | 6
  readonly cidr: string
  readonly gateway_ip: string | null
  readonly enable_dhcp: boolean
  readonly dns_nameservers: readonly string[]
  readonly host_routes: readonly HostRoute[]
  readonly ipv6_ra_mode: Ipv6Mode | null
  readonly ipv6_address_mode: Ipv6Mode | null
  readonly segment_id?: string | null
}

/** One entry of a port's `dns_assignment` (present when the server has the dns extension). */
export interface DnsAssignment {
  readonly hostname: string
  readonly ip_address: string
  readonly fqdn: string
}

/** A port's DHCP-relevant attributes. */
export interface DhcpPort {
  readonly id: string
  readonly network_id: string
  readonly mac_address: string
  readonly fixed_ips: readonly FixedIp[]
  readonly device_id: string
  readonly device_owner: string
  readonly admin_state_up: boolean
  readonly extra_dhcp_opts: readonly ExtraDhcpOpt[]
  readonly revision_number: number
  readonly dns_assignment?: readonly DnsAssignment[]
  readonly 'binding:host_id'?: string
}

/** A network with the subnets (sorted by id) and ports a DHCP agent serves it with. */
export interface DhcpNetwork {
  readonly id: string
  readonly project_id: string
  readonly admin_state_up: boolean
  readonly mtu: number
  readonly subnets: readonly DhcpSubnet[]
  /** Subnets on other segments of a routed network (none in Leasehold). */
  readonly non_local_subnets: readonly DhcpSubnet[]
  readonly ports: readonly DhcpPort[]
}

/** The namespace a network's DHCP server runs in (spec §5). */
export function dhcpNamespace(networkId: string): string {
  return `qdhcp-${networkId}`
}
